"""Publishing is all or nothing: a swap that fails halfway is rolled back and says so."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from dprk_report.pipeline import publish as publishing


def _tree(root, text: str):
    for name in publishing.PUBLISHED:
        (root / name).mkdir(parents=True)
        (root / name / "f").write_text(f"{text} {name}")


def _contents(root) -> dict:
    return {name: (root / name / "f").read_text() for name in publishing.PUBLISHED}


def test_a_second_swap_that_fails_puts_the_first_back(tmp_path, monkeypatch):
    root, build = tmp_path / "root", tmp_path / "build"
    _tree(root, "old")
    staging = build / f"staging-{os.getpid()}"
    _tree(staging, "new")
    real_replace = os.replace

    def failing_replace(source, target):
        if str(source).endswith(f"staging-{os.getpid()}/figures"):
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(publishing.os, "replace", failing_replace)
    with pytest.raises(publishing.PublishFailed) as error:
        publishing.publish(staging, root, build)
    assert "report/ and figures/ were put back as they were before this build" in str(error.value)
    assert _contents(root) == {"report": "old report", "figures": "old figures"}
    monkeypatch.setattr(publishing.os, "replace", real_replace)
    # Nothing is left for the next build to "complete" silently.
    assert publishing.recover(root, build) == [f"removed staging-{os.getpid()}, left by a build that did not finish"]
    assert _contents(root) == {"report": "old report", "figures": "old figures"}


def test_a_staging_area_on_another_filesystem_is_copied_beside_the_report(tmp_path, monkeypatch):
    root, build = tmp_path / "root", tmp_path / "build"
    _tree(root, "old")
    staging = build / f"staging-{os.getpid()}"
    _tree(staging, "new")
    monkeypatch.setattr(publishing, "same_filesystem", lambda first, second: first != staging)
    real_replace = os.replace

    def same_filesystem_only(source, target):
        assert not str(source).startswith(str(staging)), "a rename across filesystems"
        return real_replace(source, target)

    monkeypatch.setattr(publishing.os, "replace", same_filesystem_only)
    publishing.publish(staging, root, build)
    assert _contents(root) == {"report": "new report", "figures": "new figures"}
    assert not any(root.glob(".publishing-*"))


def test_ctrl_c_landing_in_another_thread_mid_swap_waits_for_the_swap_to_end(tmp_path, monkeypatch):
    """Blocking the signals in the publishing thread alone did not hold them off: the kernel hands a signal to
    any thread that does not block it (zmq's, the watch's), and Python runs the handler in the main thread
    whenever it next checks, in the middle of the swap or of the clean-up after it, then says the published
    report is unchanged."""
    root, build = tmp_path / "root", tmp_path / "build"
    _tree(root, "old")
    staging = build / f"staging-{os.getpid()}"
    _tree(staging, "new")
    real_replace, before = os.replace, signal.getsignal(signal.SIGINT)

    def interrupted_after_the_first_swap(source, target):
        real_replace(source, target)
        if str(target).endswith("report") and "staging" in str(source):
            # Sent from another thread, to the process: that thread, which blocks nothing, takes it.
            sender = threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGINT))
            sender.start()
            sender.join()

    monkeypatch.setattr(publishing.os, "replace", interrupted_after_the_first_swap)
    with pytest.raises(KeyboardInterrupt) as stopped:
        publishing.publish(staging, root, build)
    assert isinstance(stopped.value, publishing.InterruptedOncePublished)  # raised once all was done
    assert _contents(root) == {"report": "new report", "figures": "new figures"}
    assert not any(build.iterdir())  # neither the staging area nor the previous report is left
    assert signal.getsignal(signal.SIGINT) is before
