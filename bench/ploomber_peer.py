"""The benchmark's peer: Ploomber building the same pages from the same notebooks and parameters.

Ploomber (installed only for the benchmark, in an environment of its own: ``make bench`` syncs the ``bench``
dependency group into ``.venv-bench``) is the pipeline tool an analyst would
otherwise use to run these notebooks incrementally. Its ``pipeline.yaml`` is generated from ``report.toml``:
one task per page, each writing the executed notebook and its HTML page (code cells left out, as on the
report's pages), run in parallel processes like the project's build, with the project's kernel.

Ploomber requires an ``upstream`` variable in each notebook's parameters cell, so it runs copies of the
notebooks with ``upstream = None`` added there, as an analyst adopting it would write; :func:`write_pipeline`
refreshes the copies (an unchanged notebook gives a byte-identical copy, which Ploomber does not rerun).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from dprk_report.pipeline.config import load_config
from dprk_report.pipeline.kernel import KERNEL_NAME


def ploomber_notebook(source: Path, target: Path) -> None:
    """Copy a notebook, adding the ``upstream = None`` Ploomber requires to its parameters cell."""
    document = json.loads(source.read_text(encoding="utf-8"))
    for cell in document["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            lines = cell["source"] if isinstance(cell["source"], list) else cell["source"].splitlines(True)
            cell["source"] = [*lines[:-1], lines[-1].rstrip("\n") + "\n", "upstream = None\n"]
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def pipeline_spec(root: Path, notebooks: Path, out: Path) -> dict:
    """Ploomber's pipeline for the pages of ``root/report.toml``, run from the notebook copies in
    ``notebooks``, its products under ``out``."""
    tasks = []
    for page in load_config(root / "report.toml").pages:
        products = out / page.variant
        tasks.append(
            {
                "source": str(notebooks / f"{page.notebook}.ipynb"),
                "name": f"{page.variant}--{page.notebook}",
                "product": {
                    "nb": str(products / f"{page.notebook}.ipynb"),
                    "html": str(products / f"{page.notebook}.html"),
                },
                "nb_product_key": ["nb", "html"],
                "nbconvert_export_kwargs": {"exclude_input": True},
                "params": page.parameters,
                "kernelspec_name": KERNEL_NAME,
                # The notebooks declare their own parameters, not Ploomber's product/upstream.
                "static_analysis": "disable",
            }
        )
    return {"executor": "parallel", "tasks": tasks}


def write_pipeline(root: Path, work: Path) -> Path:
    """Write the notebook copies and ``pipeline.yaml`` (JSON is valid YAML) into ``work``; return its path."""
    notebooks = work / "notebooks"
    notebooks.mkdir(parents=True, exist_ok=True)
    for source in sorted((root / "notebooks").glob("*.ipynb")):
        ploomber_notebook(source, notebooks / source.name)
    spec = work / "pipeline.yaml"
    text = json.dumps(pipeline_spec(root, notebooks, work / "products"), indent=2) + "\n"
    spec.write_text(text, encoding="utf-8")
    return spec


def unbuild(work: Path) -> None:
    """Remove Ploomber's products and their metadata, so that the next build is cold."""
    shutil.rmtree(work / "products", ignore_errors=True)
