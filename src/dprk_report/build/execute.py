"""Build one page in the staging area: execute the notebook, make it a stable record, export HTML.

Runs in a worker process; the heavy imports (papermill, nbconvert) happen here
and nowhere on the planning path.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import nbformat
import papermill
from nbconvert import HTMLExporter

from .. import paths
from .config import Page
from .fingerprint import file_hash
from .records import first_finding, normalise_record, page_title

KERNEL = "dprk-report"
TEMPLATES = paths.PACKAGE_DIR / "templates"


class PageFailed(Exception):
    """A page could not be built; the message names the notebook, parameter set and cause."""


def build_page(page: Page, staging: Path, cell_timeout: int, failed_dir: Path) -> dict:
    """Build ``page`` under ``staging`` and return its manifest entry (outputs with their sha256)."""
    started = time.monotonic()
    os.environ[paths.OUTPUT_ENV] = str(staging)  # the kernel inherits it: figures go to staging
    record = staging / page.record
    record.parent.mkdir(parents=True, exist_ok=True)
    for old in staging.glob(page.figure_prefix + "*"):
        old.unlink()
    _execute(page, record, cell_timeout, failed_dir)
    notebook = nbformat.read(record, as_version=4)
    normalise_record(notebook, f"notebooks/{page.source.name}", page.record)
    nbformat.write(notebook, record)
    (staging / page.html).write_text(_html(notebook, page), encoding="utf-8")
    outputs = [page.record, page.html] + sorted(
        p.relative_to(staging).as_posix() for p in staging.glob(page.figure_prefix + "*"))
    return {
        "key": page.key,
        "seconds": round(time.monotonic() - started, 2),
        "entry": {
            "notebook": f"notebooks/{page.source.name}",
            "variant": page.variant,
            "parameters": page.parameters,
            "title": page_title(notebook),
            "finding": first_finding(notebook),
            "outputs": {name: file_hash(staging / name) for name in outputs},
        },
    }


def _execute(page: Page, record: Path, cell_timeout: int, failed_dir: Path) -> None:
    try:
        papermill.execute_notebook(
            page.source, record, parameters=page.parameters, kernel_name=KERNEL, cwd=str(paths.NOTEBOOKS_DIR),
            progress_bar=False, log_output=False, execution_timeout=cell_timeout, start_timeout=120,
        )
    except papermill.PapermillExecutionError as error:
        kept = _keep_failed(page, record, failed_dir)
        raise PageFailed(
            f"notebook {page.notebook}, parameter set '{page.variant}': cell {error.cell_index} "
            f"(execution count {error.exec_count}) raised {error.ename}: {error.evalue}; "
            f"executed notebook kept at {kept}"
        ) from None
    except Exception as error:  # a timeout, a dead kernel: anything else that stops the run
        kept = _keep_failed(page, record, failed_dir)
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise PageFailed(
            f"notebook {page.notebook}, parameter set '{page.variant}': {type(error).__name__}: {first_line}; "
            f"executed notebook kept at {kept}"
        ) from None


def _keep_failed(page: Page, record: Path, failed_dir: Path) -> str:
    target = failed_dir / page.variant / f"{page.notebook}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    if record.is_file():
        shutil.copyfile(record, target)
        return _shown(target)
    return f"(none: the notebook did not start; would be {_shown(target)})"


def _shown(path: Path) -> str:
    try:
        return path.relative_to(paths.PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


#: The shared stylesheet of the HTML pages, relative to the output root.
NOTEBOOK_CSS = "report/notebook.css"


def write_notebook_css(staging: Path) -> None:
    """Write JupyterLab's light-theme stylesheet once for all pages (they link to it)."""
    from jupyter_core.paths import jupyter_path

    for base in map(Path, jupyter_path("nbconvert", "templates")):
        static = base / "lab" / "static"
        if (static / "index.css").is_file():
            css = (static / "index.css").read_text(encoding="utf-8") + "\n" + \
                (static / "theme-light.css").read_text(encoding="utf-8")
            (staging / NOTEBOOK_CSS).write_text(css, encoding="utf-8")
            return
    raise FileNotFoundError("nbconvert's lab template stylesheet was not found")


def _html(notebook, page: Page) -> str:
    notebook.metadata["dprk_report"] = {"variant_title": page.variant_title, "record": Path(page.record).name}
    notebook.metadata["title"] = page_title(notebook)
    exporter = HTMLExporter(
        template_name="dprk-report", extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(notebook)
    return body
