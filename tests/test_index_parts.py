"""The index's parts (what it shows besides its list of pages, and the files beside it) are made again only when
what they are made from changed since they were published; otherwise the build takes those it kept."""

from __future__ import annotations

import json
import threading
from types import SimpleNamespace

import pytest

from dprk_report import paths
from dprk_report.pipeline import build, downloads
from dprk_report.pipeline.plan import index_parts_inputs
from dprk_report.pipeline.render import NOTEBOOK_CSS

CHANGELOG = "report/changelog.html"


@pytest.fixture
def setting(tmp_path, monkeypatch):
    """A build folder of its own, a staging area, and the inputs of the project's index; the files beside the
    index written by a stand-in (one file, counting its calls)."""
    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path / "build")
    staging = tmp_path / "staging"
    (staging / "report").mkdir(parents=True)
    config = SimpleNamespace(path=paths.REPORT_CONFIG)
    fingerprints = SimpleNamespace(config="c1", data="d1", package="p1")
    written = []

    def write_beside_index(config, data_version, out):
        written.append(data_version)
        (out / CHANGELOG).write_text(f"made {len(written)}")
        return [CHANGELOG]

    monkeypatch.setattr(downloads, "write_beside_index", write_beside_index)
    return SimpleNamespace(staging=staging, config=config, fingerprints=fingerprints, written=written)


class Runner:
    """A page runner's stand-in: makes the index's parts and counts its calls."""

    def __init__(self, staging):
        self.staging, self.calls = staging, 0

    def call(self, function, *arguments):
        self.calls += 1
        return [f"before {self.calls}", f"after {self.calls}"]


def _prepare(setting, runner, published_inputs):
    manifest = {"index": {"inputs": published_inputs | {"pages": "any"}}}
    return build._prepare_index(setting.config, setting.fingerprints, manifest, setting.staging, lambda: runner)


def test_parts_made_from_the_published_inputs_are_taken_from_the_build_that_made_them(setting):
    runner = Runner(setting.staging)
    inputs = index_parts_inputs(setting.config, setting.fingerprints)
    first = _prepare(setting, runner, {})  # nothing published yet: made
    second = _prepare(setting, runner, inputs)
    assert runner.calls == len(setting.written) == 1
    assert second == first == (("before 1", "after 1"), [NOTEBOOK_CSS, CHANGELOG])


@pytest.mark.parametrize("changed", ["data", "package", "config"])
def test_parts_are_made_again_when_what_they_are_made_from_changed(setting, changed):
    runner = Runner(setting.staging)
    published = index_parts_inputs(setting.config, setting.fingerprints)
    _prepare(setting, runner, {})
    setattr(setting.fingerprints, changed, "changed")
    parts, _ = _prepare(setting, runner, published)
    assert runner.calls == len(setting.written) == 2 and parts == ("before 2", "after 2")


def test_parts_are_made_again_when_the_published_ones_were_made_from_other_inputs(setting):
    """The kept parts match the inputs, but what is published (so the files beside the index) does not."""
    runner = Runner(setting.staging)
    inputs = index_parts_inputs(setting.config, setting.fingerprints)
    _prepare(setting, runner, {})
    _prepare(setting, runner, inputs | {"data": "an older version"})
    assert runner.calls == len(setting.written) == 2


def test_parts_are_made_again_when_a_file_beside_the_index_is_missing(setting):
    runner = Runner(setting.staging)
    inputs = index_parts_inputs(setting.config, setting.fingerprints)
    _prepare(setting, runner, {})
    (setting.staging / CHANGELOG).unlink()
    _prepare(setting, runner, inputs)
    assert runner.calls == len(setting.written) == 2 and (setting.staging / CHANGELOG).is_file()


@pytest.mark.parametrize(
    "kept",
    ["not json", "[]", '{"inputs": {}}', '{"parts": ["a"], "files": []}', '{"parts": [1, 2], "files": []}'],
)
def test_kept_parts_that_cannot_be_read_are_made_again(setting, kept):
    runner = Runner(setting.staging)
    inputs = index_parts_inputs(setting.config, setting.fingerprints)
    store = paths.BUILD_DIR / build.INDEX_PARTS_STORE
    store.parent.mkdir(parents=True)
    try:
        record = json.loads(kept)
    except ValueError:
        store.write_text(kept)
    else:
        if isinstance(record, dict) and "parts" in record:
            record["inputs"] = inputs
        store.write_text(json.dumps(record))
    parts, _ = _prepare(setting, runner, inputs)
    assert runner.calls == 1 and parts == ("before 1", "after 1")


def test_the_files_beside_the_index_are_written_while_a_kernel_prepares_its_parts(setting, monkeypatch):
    """In the build's own process, at the same time: the index is often the last thing a build waits for."""
    both = threading.Barrier(2, timeout=30)  # passed only when both are under way at once

    def write_beside_index(config, data_version, out):
        both.wait()
        (out / CHANGELOG).write_text("made")
        return [CHANGELOG]

    class Waiting(Runner):
        def call(self, function, *arguments):
            both.wait()
            return super().call(function, *arguments)

    monkeypatch.setattr(downloads, "write_beside_index", write_beside_index)
    assert _prepare(setting, Waiting(setting.staging), {}) == (("before 1", "after 1"), [NOTEBOOK_CSS, CHANGELOG])


@pytest.mark.parametrize("failing", ["kernel", "files", "both"])
def test_a_part_that_fails_fails_the_index_and_nothing_is_kept(setting, monkeypatch, failing):
    class Failing(Runner):
        def call(self, function, *arguments):
            if failing in ("kernel", "both"):
                raise RuntimeError("index_parts (in a kernel) failed: the kernel died")
            return super().call(function, *arguments)

    def write_beside_index(config, data_version, out):
        if failing in ("files", "both"):
            raise OSError("no space left on device")
        return [CHANGELOG]

    monkeypatch.setattr(downloads, "write_beside_index", write_beside_index)
    with pytest.raises((RuntimeError, OSError), match="kernel died" if failing != "files" else "no space"):
        _prepare(setting, Failing(setting.staging), {})
    assert not (paths.BUILD_DIR / build.INDEX_PARTS_STORE).exists()  # the next build makes them again
