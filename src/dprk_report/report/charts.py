"""The report's charts, as the notebooks call them (``charts.statement_timeline(frame, title)``): drawn by
``drawing``, which this module loads, with matplotlib's drawing stack, only when a chart is first drawn.

Why: a page whose charts an earlier build kept (``kept_charts``) draws none, and its kernel then never loads
that stack, 0.4 s of a kernel's 1.0 s start. Every name of ``drawing`` is read here as if it were this module's;
to change one (a test's patch, a constant), change it in ``drawing``: a name set here is not what ``drawing`` uses.
"""

from __future__ import annotations

import types

from dprk_report.report import kept_charts

DRAWING = "dprk_report.report.drawing"


def __getattr__(name: str):
    drawing = kept_charts.import_module(DRAWING)
    if name == "__all__":  # ``from dprk_report.report.charts import *``
        return [name for name, value in vars(drawing).items() if _drawing_s_own(name, value)]
    return getattr(drawing, name)


def _drawing_s_own(name: str, value) -> bool:
    """A public name of ``drawing`` that it defines, not one it imports (a module, pandas's DataFrame)."""
    if name.startswith("_") or isinstance(value, types.ModuleType):
        return False
    return getattr(value, "__module__", DRAWING) == DRAWING


def __dir__() -> list[str]:
    """The names of ``drawing`` (completion in JupyterLab lists the charts)."""
    return sorted(set(globals()) | set(vars(kept_charts.import_module(DRAWING))))
