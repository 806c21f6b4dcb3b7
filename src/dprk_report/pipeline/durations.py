"""How long each page took when it last ran, kept for the next build in ``build/page-seconds.json`` (never
published), so that a build starts the longest pages first.

Why: a build runs the pages in one kernel per core, each kernel taking the next page when it finishes one.
Taken in the report's order, the last page to start could be a long one, and it then ran alone while the
other kernels had nothing left (measured on two cores: six pages started in the report's order took 6.95 s,
started longest first 6.36 s, when the build validates the data itself; less when the data are known
valid, as in the scheduled job).

A page never timed (a first build, a fresh clone, a new parameter set) is expected to take as long as the
longest page of the same notebook with other parameters, timed in this build or an earlier one: the cost of a
page is mostly its notebook's (its charts). A page with neither goes first, as it may be long.

A time is the page's wall time in its build thread: clearing the namespace, running, writing; for a
kernel's first page, also loading what the kernel had not loaded yet. Times order pages; they do not
measure them.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path

from dprk_report.data.kept import read_kept, write_kept

#: The file in the build folder.
STORE_NAME = "page-seconds.json"


class LongestFirst:
    """The pages of a build (each with a ``key``, ``variant/notebook``), handed out one at a time to the build's
    threads, the longest expected first (see the module's docstring); ties keep the given order."""

    def __init__(self, pages: list, build_dir: Path):
        self.pending = list(pages)
        self.recorded = _read(build_dir)
        #: The seconds each page of this build took (told by ``finished``), by page key.
        self.timed: dict[str, float] = {}
        self.lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.pending)

    def take(self):
        """The page to start now; ``None`` when none is left."""
        with self.lock:
            if not self.pending:
                return None
            page = max(self.pending, key=self._expected)  # the first of equals: the given order
            self.pending.remove(page)
            return page

    def finished(self, page, seconds: float) -> None:
        """``page`` ran in ``seconds``: the pages of its notebook not started yet are expected to take as long."""
        with self.lock:
            self.timed[page.key] = seconds

    def _expected(self, page) -> float:
        if page.key in self.recorded:
            return self.recorded[page.key]
        notebook = _notebook(page.key)
        siblings = [seconds for key, seconds in (self.recorded | self.timed).items() if _notebook(key) == notebook]
        return max(siblings, default=math.inf)


def _notebook(key: str) -> str:
    return key.rpartition("/")[2]


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
