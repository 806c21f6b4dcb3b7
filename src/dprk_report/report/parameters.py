"""Notebook parameters that concern the output, not the analysis: where figures are written."""

from __future__ import annotations

from pathlib import Path

from dprk_report import paths
from dprk_report.analysis.selection import ParameterError


def figures_folder(figures_dir: object) -> Path:
    """The folder for a notebook's figures.

    A relative ``figures_dir`` is resolved against ``paths.output_root()``: the
    project root, unless a build redirects it to its staging directory.
    """
    if not isinstance(figures_dir, str) or not figures_dir.strip():
        raise ParameterError(f"figures_dir {figures_dir!r} must be a non-empty path string")
    folder = Path(figures_dir)
    return folder if folder.is_absolute() else paths.output_root() / folder
