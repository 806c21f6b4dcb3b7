"""The folders of charts kept from one build to the next (``report.kept_charts``): one for each package code,
locked environment and data version, named by the build for its kernels, and tidied after it."""

from __future__ import annotations

import shutil
from pathlib import Path

from dprk_report import paths
from dprk_report.data.version import text_hash

#: Kept charts at most in the folder; the least recently used go first (a full build draws 24 today).
MAX_KEPT = 200


def chart_folder(fingerprints) -> Path:
    """The folder of kept charts for the build's code, environment and data (``pipeline.fingerprint``)."""
    inputs = f"package {fingerprints.package} lock {fingerprints.lock} data {fingerprints.data}"
    return paths.KEPT_CHARTS_DIR / text_hash(inputs)[:16]


def tidy(current: Path) -> None:
    """Remove the other folders (other code, environment or data: never used again unless an edit is undone),
    and in ``current`` the least recently used charts beyond :data:`MAX_KEPT`."""
    if not current.parent.is_dir():
        return
    for other in current.parent.iterdir():
        if other != current:
            shutil.rmtree(other, ignore_errors=True)
    if current.is_dir():
        charts = sorted(current.glob("*.json"), key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
        for old in charts[MAX_KEPT:]:
            old.unlink(missing_ok=True)
