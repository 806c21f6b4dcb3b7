"""Publishing is all or nothing: a swap that fails halfway is rolled back and says so."""

from __future__ import annotations

import os
import shutil
import signal
import threading

import pytest

from dprk_report.pipeline import publish as publishing
from dprk_report.pipeline import signals


def _tree(root, text: str):
    for name in publishing.PUBLISHED:
        (root / name).mkdir(parents=True)
        (root / name / "f").write_text(f"{text} {name}")


def _contents(root) -> dict:
    return {name: (root / name / "f").read_text() for name in publishing.PUBLISHED}


def _staged(tmp_path):
    root, build = tmp_path / "root", tmp_path / "build"
    _tree(root, "old")
    staging = build / f"staging-{os.getpid()}"
    _tree(staging, "new")
    return root, build, staging


def _figures_swap_fails(before=lambda: None):
    """An ``os.replace`` that fails (disk full) when the staged figures/ is swapped in, after ``before()``."""
    real_replace = os.replace

    def failing_replace(source, target):
        if str(source).endswith(f"staging-{os.getpid()}/figures"):
            before()
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    return failing_replace


def test_a_second_swap_that_fails_puts_the_first_back(tmp_path, monkeypatch):
    root, build, staging = _staged(tmp_path)
    real_replace = os.replace
    monkeypatch.setattr(publishing.os, "replace", _figures_swap_fails())
    with pytest.raises(publishing.PublishFailed) as error:
        publishing.publish(staging, root, build)
    assert "report/ and figures/ were put back as they were before this build" in str(error.value)
    assert _contents(root) == {"report": "old report", "figures": "old figures"}
    monkeypatch.setattr(publishing.os, "replace", real_replace)
    # Nothing is left for the next build to "complete" silently.
    assert publishing.recover(root, build) == [f"removed staging-{os.getpid()}, left by a build that did not finish"]
    assert _contents(root) == {"report": "old report", "figures": "old figures"}


def test_a_staging_area_on_another_filesystem_is_copied_beside_the_report(tmp_path, monkeypatch):
    root, build, staging = _staged(tmp_path)
    monkeypatch.setattr(publishing, "same_filesystem", lambda first, second: first != staging)
    real_replace = os.replace

    def same_filesystem_only(source, target):
        assert not str(source).startswith(str(staging)), "a rename across filesystems"
        return real_replace(source, target)

    monkeypatch.setattr(publishing.os, "replace", same_filesystem_only)
    publishing.publish(staging, root, build)
    assert _contents(root) == {"report": "new report", "figures": "new figures"}
    assert not any(root.glob(".publishing-*"))


def _after_first_swap(action):
    """An ``os.replace`` that runs ``action`` once the staged report/ is in place."""
    real_replace = os.replace

    def replace(source, target):
        real_replace(source, target)
        if str(target).endswith("report") and "staging" in str(source):
            action()

    return replace


def _raise_keyboard_interrupt(signum, frame):  # as watch makes SIGTERM and SIGHUP act
    raise KeyboardInterrupt


def test_ctrl_c_landing_in_another_thread_mid_swap_waits_for_the_swap_and_its_clean_up(tmp_path, monkeypatch):
    """Blocking the signals in the publishing thread alone did not hold them off: the kernel hands a signal to
    any thread that does not block it (zmq's, the watch's), and Python runs the handler in the main thread
    whenever it next checks, during the swap or the clean-up after it, then says the published report is
    unchanged."""
    root, build, staging = _staged(tmp_path)
    before = signal.getsignal(signal.SIGINT)

    def from_another_thread():  # that thread, which blocks nothing, takes the signal sent to the process
        sender = threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGINT))
        sender.start()
        sender.join()

    monkeypatch.setattr(publishing.os, "replace", _after_first_swap(from_another_thread))
    with pytest.raises(KeyboardInterrupt) as stopped:
        publishing.publish(staging, root, build)
    assert isinstance(stopped.value, signals.HeldInterrupt) and stopped.value.published  # once all was done
    assert _contents(root) == {"report": "new report", "figures": "new figures"}
    assert not any(build.iterdir())  # neither the staging area nor the previous report is left
    assert signal.getsignal(signal.SIGINT) is before


def test_ctrl_c_during_the_clean_up_waits_for_it_to_end(tmp_path, monkeypatch):
    root, build, staging = _staged(tmp_path)
    real_rmtree, sent = shutil.rmtree, []

    def rmtree(path, *args, **kwargs):
        if not sent:
            sent.append(path)
            os.kill(os.getpid(), signal.SIGINT)
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(publishing.shutil, "rmtree", rmtree)
    with pytest.raises(KeyboardInterrupt) as stopped:
        publishing.publish(staging, root, build)
    assert isinstance(stopped.value, signals.HeldInterrupt) and stopped.value.published
    assert not any(build.iterdir())


def test_a_stop_held_during_a_swap_that_fails_is_kept_for_the_build_to_act_on(tmp_path, monkeypatch):
    """Under ``watch`` a SIGTERM held while a failed swap is rolled back must still stop it, once the build has
    said that the swap failed."""
    root, build, staging = _staged(tmp_path)
    monkeypatch.setattr(publishing.os, "replace", _figures_swap_fails(lambda: os.kill(os.getpid(), signal.SIGTERM)))
    with signals.handled_by(_raise_keyboard_interrupt, [signal.SIGTERM]):
        with pytest.raises(publishing.PublishFailed) as failed:
            publishing.publish(staging, root, build)
        assert failed.value.held == [signal.SIGTERM]
        assert _contents(root) == {"report": "old report", "figures": "old figures"}
        with pytest.raises(signals.HeldInterrupt) as stopped:
            signals.act_on(failed.value.held, published=False)
    assert not stopped.value.published


def test_every_stop_held_acts_an_ignored_one_first_included(tmp_path, monkeypatch):
    """Under nohup SIGHUP is ignored: held first, it must not hide a SIGTERM held after it."""
    root, build, staging = _staged(tmp_path)
    monkeypatch.setattr(
        publishing.os,
        "replace",
        _after_first_swap(lambda: (os.kill(os.getpid(), signal.SIGHUP), os.kill(os.getpid(), signal.SIGTERM))),
    )
    with (
        signals.handled_by(signal.SIG_IGN, [signal.SIGHUP]),
        signals.handled_by(_raise_keyboard_interrupt, [signal.SIGTERM]),
        pytest.raises(signals.HeldInterrupt),
    ):
        publishing.publish(staging, root, build)
    assert _contents(root) == {"report": "new report", "figures": "new figures"}


def _ctrl_c_once_sigint_is_put_back(monkeypatch, before):
    """``signal.signal`` that sends one Ctrl-C right after SIGINT's handler is set back to ``before``'s."""
    real_signal, sent = signal.signal, []

    def signal_then_ctrl_c(number, handler):
        previous = real_signal(number, handler)
        if number == signal.SIGINT and handler is before[signal.SIGINT] and not sent:
            sent.append(number)
            os.kill(os.getpid(), signal.SIGINT)
        return previous

    monkeypatch.setattr(signals.signal, "signal", signal_then_ctrl_c)


def test_a_ctrl_c_while_the_handlers_are_put_back_leaves_none_behind_and_is_held_too(monkeypatch):
    """``signal.signal`` runs the handlers of signals received before it sets anything: a Ctrl-C landing once
    SIGINT's handler is back raised out of the loop putting the others back (made certain here by sending it
    from that very call), and acted before the build could say what it had published."""
    before = {number: signal.getsignal(number) for number in signals.STOPPING}
    _ctrl_c_once_sigint_is_put_back(monkeypatch, before)
    raised = None
    try:
        with signals.held() as received:
            pass
    except KeyboardInterrupt as interrupt:
        raised = interrupt
    monkeypatch.undo()
    assert {number: signal.getsignal(number) for number in signals.STOPPING} == before
    assert raised is None  # held like the others, not raised before the build could say what it published
    with pytest.raises(signals.HeldInterrupt) as stopped:
        signals.act_on(received, published=True)
    assert stopped.value.published


def test_a_ctrl_c_while_the_handlers_are_put_back_after_a_failed_swap_reaches_the_build(tmp_path, monkeypatch):
    root, build, staging = _staged(tmp_path)
    monkeypatch.setattr(publishing.os, "replace", _figures_swap_fails())
    _ctrl_c_once_sigint_is_put_back(monkeypatch, {signal.SIGINT: signal.getsignal(signal.SIGINT)})
    with pytest.raises(publishing.PublishFailed) as failed:  # the failure, not the Ctrl-C, comes first
        publishing.publish(staging, root, build)
    monkeypatch.undo()
    assert failed.value.held == [signals.INTERRUPTED]
    with pytest.raises(signals.HeldInterrupt) as stopped:
        signals.act_on(failed.value.held, published=False)
    assert not stopped.value.published


def test_a_handler_that_raises_while_the_handlers_are_put_back_leaves_none_behind(monkeypatch):
    def exits(number, frame):
        raise SystemExit(3)

    with signals.handled_by(exits, [signal.SIGINT]):
        before = {number: signal.getsignal(number) for number in signals.STOPPING}
        _ctrl_c_once_sigint_is_put_back(monkeypatch, before)
        with pytest.raises(SystemExit), signals.handled_by(signal.SIG_IGN):  # raised once every handler is back
            pass
        monkeypatch.undo()
        assert {number: signal.getsignal(number) for number in signals.STOPPING} == before
