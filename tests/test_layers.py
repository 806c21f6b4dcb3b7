"""The package's layers import one way: release -> pipeline -> report -> analysis -> data -> text.

Each subpackage may import only the layers below it (and the shared ``paths`` and
``vocab`` modules). A lower layer importing a higher one fails here, naming the
module and the import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dprk_report import paths

#: What each part of the package may import, besides itself and the shared modules.
ALLOWED = {
    "text": set(),
    "data": {"text"},
    "analysis": {"data", "text"},
    "report": {"analysis", "data", "text"},
    "pipeline": {"report", "analysis", "data", "text"},
    "release": {"pipeline", "report", "analysis", "data", "text"},
    "curation": {"data", "text"},
    "testing": {"data", "text"},
}
SHARED = {"paths", "vocab"}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "dprk_report" else None


def _imports(path: Path) -> list[str]:
    """The dprk_report modules a file imports (absolute names; relative imports resolved)."""
    package = ["dprk_report", *path.relative_to(paths.PACKAGE_DIR).parent.parts]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            found += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return [name for name in found if name.startswith("dprk_report")]


def _violations(path: Path, layer: str) -> list[str]:
    bad = []
    for module in _imports(path):
        target = _layer(module)
        if target is None or target == layer or target in SHARED or target in ALLOWED[layer]:
            continue
        if target in ALLOWED or target in ("cli", "__main__"):
            bad.append(f"{path.relative_to(paths.PACKAGE_DIR)} imports {module}")
    return bad


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(layer):
    folder = paths.PACKAGE_DIR / layer
    assert folder.is_dir(), f"the package has no {layer}/ subpackage"
    bad = [line for path in sorted(folder.rglob("*.py")) for line in _violations(path, layer)]
    assert bad == []


def test_the_check_catches_an_import_that_runs_upward(tmp_path, monkeypatch):
    fake_package = tmp_path / "dprk_report"
    (fake_package / "data").mkdir(parents=True)
    module = fake_package / "data" / "loader.py"
    module.write_text("from dprk_report.report import charts\nfrom ..analysis import lineage\n")
    monkeypatch.setattr(paths, "PACKAGE_DIR", fake_package)
    assert _violations(module, "data") == [
        "data/loader.py imports dprk_report.report",
        "data/loader.py imports dprk_report.report.charts",
        "data/loader.py imports dprk_report.analysis",
        "data/loader.py imports dprk_report.analysis.lineage",
    ]


def test_shared_modules_import_no_layer():
    for name in SHARED:
        assert [m for m in _imports(paths.PACKAGE_DIR / f"{name}.py") if _layer(m) in ALLOWED] == []
