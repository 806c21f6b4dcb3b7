"""How long each page took when it last ran, kept for the next build in ``build/page-seconds.json`` (never
published), so that a build starts the longest pages first.

Why: a build runs the pages in one kernel per core, each kernel taking the next page when it finishes one.
Taken in the report's order, the last page to start could be a long one, and it then ran alone while the
other kernels had nothing left (measured on two cores: six pages started in the report's order took 6.95 s,
started longest first 6.36 s, when the build validates the data itself; less when the data are known
valid, as in the scheduled job). A page never run before has no time: it goes first, as it may be long.

A time is the page's wall time in its build thread: clearing the namespace, running, writing; for a
kernel's first page, also loading what the kernel had not loaded yet. Times order pages; they do not
measure them.
"""

from __future__ import annotations

from pathlib import Path

from dprk_report.data.kept import read_kept, write_kept

#: The file in the build folder.
STORE_NAME = "page-seconds.json"


def longest_first(pages: list, build_dir: Path) -> list:
    """``pages`` (each with a ``key``) in the order to start them: those without a recorded time first, in
    their given order, then the others from the longest to the shortest."""
    seconds = _read(build_dir)
    return sorted(pages, key=lambda page: -seconds.get(page.key, float("inf")))


def remember_seconds(ran: dict[str, float], build_dir: Path) -> None:
    """Keep the seconds each page of ``ran`` (page key: seconds) took, beside those of the pages it did not
    run (``data.kept``: a store that cannot be written only means the report's order next time)."""
    if ran:
        times = {key: round(float(value), 2) for key, value in ran.items()}
        write_kept(build_dir / STORE_NAME, _read(build_dir) | times)


def _read(build_dir: Path) -> dict[str, float]:
    """The recorded seconds by page key: none when the store is missing or is not an object; an entry whose
    time is not a number of seconds is left out alone."""
    kept = read_kept(build_dir / STORE_NAME)
    if not isinstance(kept, dict):
        return {}
    seconds = {}
    for key, value in kept.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        try:
            number = float(value)
        except OverflowError:  # an integer too large for a float
            continue
        if 0 <= number < float("inf"):
            seconds[str(key)] = number
    return seconds
