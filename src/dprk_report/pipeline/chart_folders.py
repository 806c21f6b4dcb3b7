"""The folders of charts kept from one build to the next (``report.kept_charts``): one for each package code,
locked environment and data version, named by the build for its kernels, and tidied after it."""

from __future__ import annotations

import contextlib
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


def tidy(current: Path, since: float) -> None:
    """Remove the other folders (other code, environment or data: never used again unless an edit is undone),
    and in ``current`` what a killed kernel left half written and the least recently used charts beyond
    :data:`MAX_KEPT`, never one used since ``since`` (the build's start, a time from ``time.time``). Run once
    the build has published, when no kernel writes there; what cannot be removed stays for the next build."""
    with contextlib.suppress(OSError):
        for other in current.parent.iterdir() if current.parent.is_dir() else ():
            if other != current:
                shutil.rmtree(other, ignore_errors=True)
        for partial in current.glob(".*"):  # data.kept.write_kept's files before their renaming
            partial.unlink(missing_ok=True)
        charts = sorted(((p.stat().st_mtime, p.name, p) for p in current.glob("*.json")), reverse=True)
        for used, _, old in charts[MAX_KEPT:]:
            if used < since:
                old.unlink(missing_ok=True)
