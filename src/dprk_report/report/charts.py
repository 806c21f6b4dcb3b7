"""The report's charts, as the notebooks call them (``charts.statement_timeline(frame, title)``): drawn by
``drawing``, which this module loads, with matplotlib's drawing stack, only when a chart is first drawn.

Why: a page whose charts an earlier build kept (``kept_charts``) draws none, and its kernel then never loads
that stack, 0.4 s of a kernel's 1.0 s start. Every name of ``drawing`` is read here as if it were this module's.
"""

from __future__ import annotations

from dprk_report.report import kept_charts


def __getattr__(name: str):
    return getattr(kept_charts.import_module("dprk_report.report.drawing"), name)
