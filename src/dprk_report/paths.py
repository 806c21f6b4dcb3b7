"""Every path the project uses, in one place.

Notebooks, the CLI and the tests import these names instead of writing
relative strings such as ``"../data"``.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that points the project at another source archive.
ARCHIVE_ENV = "DPRK_REPORT_ARCHIVE"
#: Environment variable that points the project at another data directory
#: (used by tests and the benchmark to work on a copy).
DATA_ENV = "DPRK_REPORT_DATA"
#: Environment variable under which notebooks write figures; the build points it
#: at its staging directory so nothing published changes until the build succeeds.
OUTPUT_ENV = "DPRK_REPORT_OUTPUT_ROOT"
#: Environment variable by which the build tells notebook kernels which data version it took, so that they
#: do not validate it (the build validates it once, and publishes nothing unless it passes) and load no other:
#: a kernel that reads another version stops (``data.dataset``).
TRUSTED_ENV = "DPRK_REPORT_VALIDATED_VERSION"
#: Environment variable by which the build names the folder of charts kept from earlier builds for its code,
#: environment and data (``report.kept_charts``); unset, every chart is drawn.
KEPT_CHARTS_ENV = "DPRK_REPORT_KEPT_CHARTS"

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORT_DIR = PROJECT_ROOT / "report"
DEFAULT_ARCHIVE_DIR = PROJECT_ROOT.parent / "shared" / "sources"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
REPORT_CONFIG = PROJECT_ROOT / "report.toml"
LOCK_FILE = PROJECT_ROOT / "uv.lock"
#: Citation metadata (Citation File Format); a release sets its version and date.
CITATION = PROJECT_ROOT / "CITATION.cff"
PACKAGE_DIR = Path(__file__).resolve().parent
#: Scratch space of the build: staging, failed notebooks, the lock. Never published.
BUILD_DIR = PROJECT_ROOT / "build"
#: Charts kept from one build to the next, a folder for each code, environment and data version.
KEPT_CHARTS_DIR = BUILD_DIR / "kept-charts"


class ArchiveNotFoundError(FileNotFoundError):
    """The source archive is not where the project looked for it."""


def codebook(data: Path) -> Path:
    """The codebook of the tables in ``data``: its own ``README.md``, else the project's (a data folder made
    elsewhere, such as the benchmark's synthetic one, follows the same codebook)."""
    own = Path(data) / "README.md"
    return own if own.is_file() else DEFAULT_DATA_DIR / "README.md"


def data_dir(given: Path | str | None = None) -> Path:
    """The curated dataset directory: ``given``, else ``$DPRK_REPORT_DATA``, else ``data/``."""
    return Path(given or os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR)


def output_root() -> Path:
    """Where relative output paths (a notebook's ``figures_dir``) are resolved."""
    return Path(os.environ.get(OUTPUT_ENV) or PROJECT_ROOT)


def archive_dir(given: Path | None = None, must_exist: bool = True) -> Path:
    """The read-only article archive: ``given``, else ``$DPRK_REPORT_ARCHIVE``, else ``../shared/sources``."""
    configured = str(given) if given is not None else os.environ.get(ARCHIVE_ENV)
    path = Path(configured) if configured else DEFAULT_ARCHIVE_DIR
    if must_exist and not path.is_dir():
        how = (
            ("as given" if given is not None else f"${ARCHIVE_ENV}")
            if configured
            else f"the default (set ${ARCHIVE_ENV} to change it)"
        )
        raise ArchiveNotFoundError(
            f"source archive not found: looked in {path} ({how}); "
            "place the archived article texts there or point the variable at them"
        )
    return path


def shown(path: Path) -> str:
    """A path as a curator reads it: relative to the project when inside it."""
    try:
        return Path(path).resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)
