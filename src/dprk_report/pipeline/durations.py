"""How long each page took to run when it last ran, kept for the next build in ``build/page-seconds.json``
(never published), so that a build starts the longest pages first.

Why: a build runs the pages in one kernel per core, each kernel taking the next page when it finishes one.
Taken in the report's order, the last page to start could be a long one, and it then ran alone while the
other kernels had nothing left (measured, cold builds of the six pages on two cores: 6.95 s in the report's
order, 6.36 s longest first). A page never run before has no duration: it goes first, as it may be long.
"""

from __future__ import annotations

from pathlib import Path

from dprk_report.data.kept import read_kept, write_kept

STORE = "page-seconds.json"


def longest_first(pages: list, build_dir: Path) -> list:
    """``pages`` (each with a ``key``) in the order to start them: those without a recorded duration first,
    in their given order, then the others from the longest to the shortest."""
    seconds = _read(build_dir)
    return sorted(pages, key=lambda page: -seconds.get(page.key, float("inf")))


def remember(ran: dict[str, float], build_dir: Path) -> None:
    """Keep the seconds each page of ``ran`` (page key: seconds) took, beside those of the pages it did not
    run (``data.kept``: a store that cannot be written only means the report's order next time)."""
    if not ran:
        return
    kept = _read(build_dir) | {key: round(float(value), 2) for key, value in ran.items()}
    write_kept(build_dir / STORE, kept)


def _read(build_dir: Path) -> dict[str, float]:
    """The recorded seconds by page key; none when the store is missing or cannot be read as page keys and
    seconds."""
    kept = read_kept(build_dir / STORE)
    try:
        return {str(key): float(value) for key, value in kept.items() if float(value) >= 0}
    except (AttributeError, TypeError, ValueError):  # not an object, or a time that is not a number
        return {}
