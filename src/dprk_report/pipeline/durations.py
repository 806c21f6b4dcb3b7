"""How long each page took when it last ran, kept for the next build in ``build/page-seconds.json`` (never
published), so that a build starts the longest pages first, in as many kernels as end them soonest
(:func:`kernels_worth_starting`, with how long the last build's kernels took to start).

Why: a build runs the pages in one kernel per core, each kernel taking the next page when it finishes one.
Taken in the report's order, the last page to start could be a long one, and it then ran alone while the
other kernels had nothing left (measured on two cores: six pages started in the report's order took 6.95 s,
started longest first 6.36 s, when the build validates the data itself; less when the data are known
valid, as in the scheduled job).

A page never timed (a first build, a fresh clone, a new parameter set) is expected to take as long as the
longest page of the same notebook with other parameters, timed in this build or an earlier one: the cost of a
page is mostly its notebook's (its charts). A page with neither goes first, as it may be long.

A time is the page's wall time in its build thread: clearing the namespace, running, writing; for a
kernel's first page, also loading what the kernel had not loaded yet. Times are for ordering the pages and
choosing how many kernels to start, not for reporting how fast the build is (``make bench`` measures that).
"""

from __future__ import annotations

import math
import threading
from pathlib import Path

from dprk_report.data.kept import read_kept, write_kept

#: The file in the build folder.
STORE_NAME = "page-seconds.json"
#: The file of how long the last build's kernels took to start, with what every page loads (``kernel_state``).
KERNEL_STORE_NAME = "kernel-start-seconds.json"
#: A kernel's start before one was timed: about what one alone took on two cores (1.1 s, 0.95 to 1.13 s).
DEFAULT_KERNEL_START = 1.1


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

    def expected(self) -> list[float]:
        """The seconds each page not started yet is expected to take (``math.inf`` when unknown)."""
        with self.lock:
            return [self._expected(page) for page in self.pending]

    def _expected(self, page) -> float:
        if page.key in self.recorded:
            return self.recorded[page.key]
        notebook = _notebook(page.key)
        siblings = [seconds for key, seconds in (self.recorded | self.timed).items() if _notebook(key) == notebook]
        return max(siblings, default=math.inf)


def kernels_worth_starting(expected: list[float], most: int, kernel_start: float) -> int:
    """How many kernels, at most ``most``, end pages expected to take ``expected`` seconds soonest, when each
    kernel takes ``kernel_start`` seconds to start (0 for kernels already running, as ``watch`` keeps).

    Each kernel beyond the first delays them all by about half a start: on two cores, two kernels started
    together beside the build's own imports were ready 1.6 s later, one alone 1.1 s later. So the two pages of
    one notebook whose charts were kept (``report.kept_charts``; 0.6 and 0.4 s) ended sooner one after the
    other in one kernel (2.1 s against 2.3 s for the build), and drawn afresh (1.3 and 0.9 s) in two (2.9 s
    against 3.6 s). Pages are shared longest first, as ``LongestFirst`` hands them out; a page of unknown time
    may be long, and then every kernel is started."""
    most = max(1, min(most, len(expected)))
    if any(math.isinf(seconds) for seconds in expected):
        return most

    def ends(kernels: int) -> float:
        return kernel_start * (_started_together(kernels) - 1) + _ends(expected, kernels)

    return min(range(1, most + 1), key=ends)


def _ends(expected: list[float], kernels: int) -> float:
    """When the last of pages of ``expected`` seconds ends, handed longest first to the first free kernel."""
    busy = [0.0] * kernels
    for seconds in sorted(expected, reverse=True):
        busy[busy.index(min(busy))] += seconds
    return max(busy)


def kernel_start_seconds(build_dir: Path) -> float:
    """How long a kernel alone took to start, from the last build's (:func:`remember_kernel_start`), else
    :data:`DEFAULT_KERNEL_START`."""
    kept = read_kept(build_dir / KERNEL_STORE_NAME)
    if not isinstance(kept, dict):
        return DEFAULT_KERNEL_START
    kernels, seconds = kept.get("kernels"), _seconds(kept.get("seconds"))
    if not _count(kernels) or seconds is None:
        return DEFAULT_KERNEL_START
    return seconds / _started_together(kernels)


def remember_kernel_start(seconds: list[float], build_dir: Path) -> None:
    """Keep how many kernels a build started together and the longest of their start times (nothing when it
    started none)."""
    if seconds:
        write_kept(build_dir / KERNEL_STORE_NAME, {"kernels": len(seconds), "seconds": round(max(seconds), 2)})


def _started_together(kernels: int) -> float:
    """How much longer ``kernels`` started together take than one alone, as :func:`kernels_worth_starting`
    counts it: half a start more for each one beyond the first."""
    return 1 + (kernels - 1) / 2


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _seconds(value) -> float | None:
    """``value`` as a number of seconds, else None (not a number, negative, infinite, too large for a float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        return None
    return number if 0 <= number < float("inf") else None


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
    seconds = {str(key): _seconds(value) for key, value in kept.items()}
    return {key: value for key, value in seconds.items() if value is not None}
