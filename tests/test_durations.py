"""The build starts the pages that took longest last time first; what it keeps for that never stops a build."""

from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from dprk_report.pipeline.durations import (
    DEFAULT_KERNEL_START,
    KERNEL_STORE_NAME,
    STORE_NAME,
    LongestFirst,
    kernel_start_seconds,
    kernels_worth_starting,
    remember_kernel_start,
    remember_seconds,
)


def _pages(*keys):
    return [SimpleNamespace(key=key) for key in keys]


def _keys(pages):
    return [page.key for page in pages]


def longest_first(pages, build_dir):
    """The order the build's threads take ``pages`` in, none of them ending meanwhile."""
    order = LongestFirst(pages, build_dir)
    return [order.take() for _ in range(len(order))]


def test_pages_start_longest_first_and_those_of_a_notebook_never_timed_before_them_all(tmp_path):
    remember_seconds({"a/01": 1.0, "a/02": 2.5, "b/01": 0.5}, tmp_path)  # page keys: parameter set/notebook
    ordered = longest_first(_pages("a/01", "a/02", "a/03", "b/01", "a/04"), tmp_path)
    assert _keys(ordered) == ["a/03", "a/04", "a/02", "a/01", "b/01"]


def test_a_page_never_timed_is_expected_to_take_as_long_as_its_notebook_s_longest_page(tmp_path):
    remember_seconds({"a/01": 1.0, "a/02": 2.5, "b/01": 3.0, "b/02": 2.8}, tmp_path)
    ordered = longest_first(_pages("a/01", "a/02", "new/01", "new/02", "new/03"), tmp_path)
    # new/03: no page of notebook 03 was ever timed; new/01 as b/01 (3.0); new/02 as b/02 (2.8).
    assert _keys(ordered) == ["new/03", "new/01", "new/02", "a/02", "a/01"]


def test_a_page_ending_in_this_build_tells_how_long_the_rest_of_its_notebook_takes(tmp_path):
    order = LongestFirst(_pages("a/01", "a/02", "b/01", "b/02"), tmp_path)  # a first build: nothing recorded
    first, second = order.take(), order.take()
    assert _keys([first, second]) == ["a/01", "a/02"]
    order.finished(first, 1.0)
    order.finished(second, 4.0)
    assert _keys([order.take(), order.take()]) == ["b/02", "b/01"]
    assert order.take() is None


def test_a_later_run_replaces_a_page_s_time_and_keeps_the_others(tmp_path):
    remember_seconds({"a/01": 1.0, "a/02": 2.5}, tmp_path)
    remember_seconds({"a/02": 0.2}, tmp_path)
    assert json.loads((tmp_path / STORE_NAME).read_text()) == {"a/01": 1.0, "a/02": 0.2}
    assert _keys(longest_first(_pages("a/02", "a/01"), tmp_path)) == ["a/01", "a/02"]


@pytest.mark.parametrize(
    "content", ["", "{not json", "[1, 2]", '"a/01"'], ids=["empty", "not JSON", "a list", "a string"]
)
def test_a_damaged_store_leaves_the_report_s_order_and_is_replaced(tmp_path, content):
    (tmp_path / STORE_NAME).write_text(content)
    assert _keys(longest_first(_pages("a/01", "a/02"), tmp_path)) == ["a/01", "a/02"]
    remember_seconds({"a/01": 1.5}, tmp_path)
    assert json.loads((tmp_path / STORE_NAME).read_text()) == {"a/01": 1.5}


def test_an_entry_that_is_not_a_time_is_left_out_alone(tmp_path):
    entries = {"word": '"slow"', "null": "null", "yes": "true", "negative": "-1", "huge": "9" * 400, "kept": "2"}
    (tmp_path / STORE_NAME).write_text("{" + ", ".join(f'"{key}": {value}' for key, value in entries.items()) + "}")
    pages = _pages("kept", "word", "null", "yes", "negative", "huge", "new")
    # Only "kept" has a time: the others start first, in the given order, as pages never timed.
    assert _keys(longest_first(pages, tmp_path)) == ["word", "null", "yes", "negative", "huge", "new", "kept"]
    remember_seconds({"new": 1.0}, tmp_path)
    assert json.loads((tmp_path / STORE_NAME).read_text()) == {"kept": 2.0, "new": 1.0}


def test_a_store_that_cannot_be_written_does_not_stop_the_build(tmp_path):
    build_dir = tmp_path / "build"
    build_dir.write_text("a file where the build folder should be")
    remember_seconds({"a/01": 1.5}, build_dir)  # nothing kept, no error
    assert _keys(longest_first(_pages("a/02", "a/01"), build_dir)) == ["a/02", "a/01"]


def test_a_failed_write_leaves_no_half_written_file(tmp_path, monkeypatch):
    remember_seconds({"a/01": 1.5}, tmp_path)

    def refuse(*args):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", refuse)
    remember_seconds({"a/02": 2.5}, tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == [STORE_NAME]
    assert json.loads((tmp_path / STORE_NAME).read_text()) == {"a/01": 1.5}


class _Runner:
    """Stands in for a build thread's page runner: each page takes the seconds given for it."""

    def __init__(self, seconds: dict[str, float], ran: list[str]):
        self.seconds, self.ran = seconds, ran

    def build(self, page):
        self.ran.append(page.key)
        return {"key": page.key, "entry": {}, "seconds": self.seconds[page.key]}


def test_the_build_tells_its_page_order_how_long_each_page_took(tmp_path, monkeypatch):
    from dprk_report import paths
    from dprk_report.pipeline.build import _execute
    from dprk_report.pipeline.progress import Progress

    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path)  # where the times are kept
    ran: list[str] = []
    runner = _Runner({"a/01": 1.0, "a/02": 4.0, "b/01": 1.0, "b/02": 4.0}, ran)
    runners = SimpleNamespace(mine=lambda: runner, stopped=False)
    order = LongestFirst(_pages("a/01", "a/02", "b/01", "b/02"), tmp_path)  # a first build: nothing recorded
    with ThreadPoolExecutor(max_workers=1) as pool:  # one thread: pages one after another
        built, failures, _ = _execute(
            pool, 1, [], runners, order, Progress(4, quiet=True), lambda: None, None, keep_kernels=True
        )
    assert (sorted(built), failures) == (["a/01", "a/02", "b/01", "b/02"], [])
    assert ran == ["a/01", "a/02", "b/02", "b/01"]  # b/02 first: a/02, of its notebook, took longest
    assert json.loads((tmp_path / STORE_NAME).read_text()) == {"a/01": 1.0, "a/02": 4.0, "b/01": 1.0, "b/02": 4.0}


@pytest.mark.parametrize(
    ("expected", "kernel_start", "kernels"),
    [
        pytest.param([0.6, 0.4], 1.1, 1, id="two short pages: one after the other in one kernel"),
        pytest.param([1.3, 0.9], 1.1, 2, id="two long pages: a kernel each"),
        pytest.param([2.1, 1.4, 1.3, 0.9, 0.8, 0.6], 1.1, 2, id="every page: one kernel per core"),
        pytest.param([0.6, 0.4], 0.0, 2, id="kernels already running cost no start"),
        pytest.param([0.6, math.inf], 1.1, 2, id="a page never timed may be long"),
        pytest.param([3.0], 1.1, 1, id="one page"),
        pytest.param([], 1.1, 1, id="no page"),
    ],
)
def test_a_build_starts_only_the_kernels_that_end_its_pages_sooner(expected, kernel_start, kernels):
    assert kernels_worth_starting(expected, 2, kernel_start) == kernels


def test_never_more_kernels_than_cores_or_pages():
    assert kernels_worth_starting([5.0] * 8, 4, 0.5) == 4
    assert kernels_worth_starting([5.0] * 3, 8, 0.5) == 3


def test_a_kernel_s_start_alone_is_told_from_the_last_build_s(tmp_path):
    assert kernel_start_seconds(tmp_path) == DEFAULT_KERNEL_START  # none timed yet
    remember_kernel_start([1.05], tmp_path)
    assert kernel_start_seconds(tmp_path) == 1.05
    # Two started together, the longer in 1.6 s: each beyond the first counted as half a start more.
    remember_kernel_start([1.5, 1.6], tmp_path)
    assert kernel_start_seconds(tmp_path) == pytest.approx(1.6 / 1.5)
    remember_kernel_start([], tmp_path)  # a build that started no kernel leaves it
    assert kernel_start_seconds(tmp_path) == pytest.approx(1.6 / 1.5)


def test_the_choice_of_kernels_does_not_depend_on_how_many_the_last_build_started(tmp_path):
    """Pages of 1.0 and 0.8 s: the same choice after a build that started one kernel (1.1 s) as after one that
    started two together (1.65 s, as counted)."""
    choices = set()
    for started in ([1.1], [1.6, 1.65]):
        remember_kernel_start(started, tmp_path)
        choices.add(kernels_worth_starting([1.0, 0.8], 2, kernel_start_seconds(tmp_path)))
    assert len(choices) == 1


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '"1.2"',
        "1.2",
        '{"kernels": 2}',
        '{"kernels": 0, "seconds": 1}',
        '{"kernels": 1, "seconds": -1}',
        '{"kernels": true, "seconds": 1}',
        '{"kernels": 1, "seconds": 1e999}',
        '{"kernels": 1, "seconds": 1' + "0" * 400 + "}",  # an integer too large for a float
        "[1.2]",
    ],
)
def test_a_kernel_start_that_is_not_a_time_is_the_default(tmp_path, content):
    (tmp_path / KERNEL_STORE_NAME).write_text(content)
    assert kernel_start_seconds(tmp_path) == DEFAULT_KERNEL_START
