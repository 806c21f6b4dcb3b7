"""The build starts the pages that took longest last time first; what it keeps for that never stops a build."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from dprk_report.pipeline.durations import STORE, longest_first, remember


def _pages(*keys):
    return [SimpleNamespace(key=key) for key in keys]


def _keys(pages):
    return [page.key for page in pages]


def test_pages_start_longest_first_and_a_page_never_timed_before_them_all(tmp_path):
    remember({"a/01": 1.0, "a/02": 2.5, "b/01": 0.5}, tmp_path)
    ordered = longest_first(_pages("a/01", "a/02", "new/01", "b/01", "new/02"), tmp_path)
    assert _keys(ordered) == ["new/01", "new/02", "a/02", "a/01", "b/01"]


def test_a_later_run_replaces_a_page_s_time_and_keeps_the_others(tmp_path):
    remember({"a/01": 1.0, "a/02": 2.5}, tmp_path)
    remember({"a/02": 0.2}, tmp_path)
    assert json.loads((tmp_path / STORE).read_text()) == {"a/01": 1.0, "a/02": 0.2}
    assert _keys(longest_first(_pages("a/02", "a/01"), tmp_path)) == ["a/01", "a/02"]


@pytest.mark.parametrize(
    "content",
    ["", "{not json", "[1, 2]", '{"a/01": "slow"}', '{"a/01": null}'],
    ids=["empty", "not JSON", "a list", "a word", "null"],
)
def test_a_damaged_store_leaves_the_report_s_order_and_is_replaced(tmp_path, content):
    (tmp_path / STORE).write_text(content)
    assert _keys(longest_first(_pages("a/01", "a/02"), tmp_path)) == ["a/01", "a/02"]
    remember({"a/01": 1.5}, tmp_path)
    assert json.loads((tmp_path / STORE).read_text()) == {"a/01": 1.5}


def test_a_store_that_cannot_be_written_does_not_stop_the_build(tmp_path):
    build_dir = tmp_path / "build"
    build_dir.write_text("a file where the build folder should be")
    remember({"a/01": 1.5}, build_dir)  # nothing kept, no error
    assert _keys(longest_first(_pages("a/02", "a/01"), build_dir)) == ["a/02", "a/01"]
