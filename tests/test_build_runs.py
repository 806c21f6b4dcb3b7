"""End-to-end: builds that run beside another build, and builds stopped part-way (Ctrl-C, a kill).

Each test works on its own clone of the built project copy (``project``, in conftest).
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from conftest import allow_hour_long_cells, with_endless_cell
from dprk_report.pipeline.kernel import BUILD_KERNEL
from dprk_report.pipeline.publish import build_lock


def _wait_until(condition, what: str, seconds: float = 120) -> None:
    """Wait for ``condition()`` to hold, polling, with a generous deadline (never a fixed sleep)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_a_build_waits_for_the_running_one_then_publishes_a_whole_report(project):
    # This test process holds the lock, as a running build would, until the second build says it waits.
    with build_lock(project.root / "build", wait=False):
        second = project.start("build", "--force", "--quiet")
        first_line = _first_line(second)
        assert first_line.startswith(f"waiting for the build already running (pid {os.getpid()}) to finish"), first_line
    _, stderr = second.communicate(timeout=600)
    assert second.returncode == 0, stderr
    assert project.run("build", "--check").returncode == 0


def test_a_build_that_waited_for_another_plans_again_for_the_inputs_as_they_are_then(project):
    statements = project.root / "data" / "statements.csv"
    _append_blank_line(statements)  # another data version, still valid: every page is stale
    with build_lock(project.root / "build", wait=False):
        second = project.start("build", "--quiet")
        assert _first_line(second).startswith("waiting for the build already running")
        _append_blank_line(statements)  # changed again while it waits: the version it planned for is gone
    _, stderr = second.communicate(timeout=600)
    assert second.returncode == 0, stderr
    assert project.run("build", "--check").returncode == 0


def _append_blank_line(path: Path) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n")


def _first_line(process, seconds: float = 120) -> str:
    """The first line ``process`` writes to its stderr, waited for with a generous deadline."""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stderr, selectors.EVENT_READ)
        if not selector.select(timeout=seconds):
            pytest.fail(f"nothing written to stderr within {seconds} s")
    return process.stderr.readline()


def test_second_build_can_refuse_to_wait(project):
    before = project.published()
    # This test process holds the lock, as a running build would.
    with build_lock(project.root / "build", wait=False):
        second = project.run("build", "--force", "--no-wait")
    assert second.returncode == 3
    assert f"another build is running (pid {os.getpid()})" in second.stderr
    assert project.published() == before


@pytest.fixture
def temp_folder(monkeypatch):
    """The builds' temporary folder (``TMPDIR``), empty at first, removed after the test: a build killed on
    purpose leaves its kernels' socket folders there, not in the machine's."""
    # Short, under the system's own: a kernel's socket path must fit in about 100 characters.
    folder = Path(tempfile.mkdtemp(prefix="dprk-t-"))
    monkeypatch.setenv("TMPDIR", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_build_leaves_the_last_good_report(project, sig, temp_folder):
    before = project.published()
    # The last page is made slow, so that when the first page is done another one is still running or
    # waiting, however many pages run at once on this machine.
    notebook = project.root / "notebooks/03-chart-estimate-timing.ipynb"
    original = notebook.read_text()
    document = json.loads(original)
    slow = {"cell_type": "code", "execution_count": None, "id": "slow", "metadata": {}, "outputs": []}
    document["cells"].append(slow | {"source": "import time\ntime.sleep(15)"})
    notebook.write_text(json.dumps(document, indent=1))
    started = time.time_ns()
    process = project.start("build", "--force", "--quiet")
    # Interrupt it once the first page is done. (The staging area starts as a copy of the published
    # report, whose files keep their older times.)
    _wait_until(lambda: _written_since(project.root / "build", started), "a page to be built")
    running = process.poll() is None
    state = _signal_state(process.pid)
    process.send_signal(sig) if sig == signal.SIGINT else os.killpg(process.pid, signal.SIGKILL)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode != 0, f"not stopped by {sig!r} (running: {running}; {state}): {stderr[-2000:]}"
    assert project.published() == before
    if sig == signal.SIGINT:
        assert "build interrupted; the published report is unchanged" in stderr
        assert "Traceback" not in stderr
    notebook.write_text(original)  # the published report matches the project again
    result = project.run("build", "--quiet")
    assert result.returncode == 0
    assert project.run("build", "--check").returncode == 0
    if sig == signal.SIGINT:
        # Stopped or finished, a build removes what it made in the temporary folder (a scheduled build would
        # otherwise fill the machine's, run after run); only a kill leaves the kernels' socket folders.
        assert sorted(p.name for p in temp_folder.iterdir()) == []


def test_ctrl_c_stops_the_running_cell_instead_of_waiting_for_it(project, tmp_path):
    """A cell that runs until it is stopped, with a cell timeout far longer than this test waits: Ctrl-C must
    stop the kernels, not wait for the cell to end."""
    before = project.published()
    allow_hour_long_cells(project)
    running = tmp_path / "endless-cell-running"
    notebook = project.root / "notebooks/03-chart-estimate-timing.ipynb"
    notebook.write_text(with_endless_cell(project, "03-chart-estimate-timing", running))
    process = project.start("build", "--force", "--quiet")
    _wait_until(running.exists, "the endless cell to start")
    assert _kernels_of(project)  # found while running: their ending below is seen, not assumed
    _interrupted(process)
    assert project.published() == before
    assert not (project.root / "build" / "failed").exists()  # an interrupted page did not fail
    _wait_until(lambda: not _kernels_of(project), "the build's kernels to end")


def test_ctrl_c_as_a_build_starts_stops_it(project):
    """Interrupted while its threads import the page machinery and start the kernels (a KeyboardInterrupt
    raised in the middle of an import there once left the build hung), three times."""
    before = project.published()
    for _ in range(3):
        process = project.start("build", "--force", "--quiet")
        assert "event=build_started" in _first_line(process)
        _interrupted(process)
    assert project.published() == before
    assert not list((project.root / "build").glob("staging-*"))  # each removed its own


def _interrupted(process) -> None:
    """Ctrl-C to a running build, which must stop as an interrupted build does."""
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("Ctrl-C did not stop the build")
    assert process.returncode == 130, stderr[-2000:]
    lines = stderr.splitlines()
    # Its progress, then one line saying so: nothing about kernels that died, no traceback.
    assert lines[-1] == "build interrupted; the published report is unchanged", stderr[-2000:]
    assert all(line.startswith("dprk-report event=") for line in lines[:-1]), stderr[-2000:]


def _kernels_of(project) -> list[psutil.Process]:
    """The kernel processes still running with ``project``'s package."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        kernel = BUILD_KERNEL in (process.info["cmdline"] or []) and process.info["status"] != "zombie"
        with contextlib.suppress(psutil.Error):  # ended meanwhile
            if kernel and process.environ().get("PYTHONPATH") == str(project.root / "src"):
                found.append(process)
    return found


def _written_since(build: Path, started_ns: int) -> bool:
    for path in build.glob("staging-*/report/*/*.ipynb"):
        with contextlib.suppress(FileNotFoundError):  # the staging area may be gone by now
            if path.stat().st_mtime_ns > started_ns:
                return True
    return False


def _signal_state(pid: int) -> str:
    """The process's blocked, ignored and caught signal masks, to explain a signal that did not stop it."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError as error:
        return f"no status: {error}"
    return ", ".join(line for line in lines if line.startswith(("SigBlk", "SigIgn", "SigCgt", "State")))


class _Runners:
    stopped = removed = False
    stops = 0

    def stop(self):
        self.stopped, self.stops = True, self.stops + 1

    def remove_files(self):
        self.removed = True


def test_a_signal_during_the_build_stops_the_kernels_and_interrupts_only_once_it_ends():
    from dprk_report.pipeline.build import _interrupt_stops

    runners, before, went_on = _Runners(), signal.getsignal(signal.SIGINT), []
    with pytest.raises(KeyboardInterrupt), _interrupt_stops(runners):
        os.kill(os.getpid(), signal.SIGINT)  # its handler runs before the next line, in this (the main) thread
        went_on.append(runners.stops)
    assert went_on == [1]  # the kernels were stopped, and this code went on (an assert here would be swallowed)
    assert signal.getsignal(signal.SIGINT) is before
    with _interrupt_stops(_Runners()):  # no signal: nothing raised
        pass


def test_a_second_signal_quits_the_build_at_once_and_says_so(monkeypatch, capfd):
    """For a user who will not wait for the running pages to end; nothing has been published by then."""
    from dprk_report.pipeline import build

    quits, seen = [], []
    monkeypatch.setattr(build.os, "_exit", quits.append)  # recorded instead of ending the test run
    runners, early = _Runners(), _Runners()  # and kernels started early that no runner took
    with pytest.raises(KeyboardInterrupt), build._interrupt_stops(runners, early=early):
        os.kill(os.getpid(), signal.SIGINT)
        seen.append((runners.stops, runners.removed, early.stops, early.removed, list(quits)))
        os.kill(os.getpid(), signal.SIGINT)
        seen.append((runners.stops, runners.removed, early.stops, early.removed, list(quits)))
    # The first only stops the kernels (those started early, not taken, too: none is booted for a page any more);
    # the second stops any made since, removes their files and quits.
    assert seen == [(1, False, 1, False, []), (2, True, 2, True, [130])]
    assert "build quit at once at a second interrupt; the published report is unchanged" in capfd.readouterr().err


def test_a_failed_swap_is_said_before_a_stop_held_during_it_acts(monkeypatch, tmp_path, capsys):
    from dprk_report.pipeline import build, publish, signals

    def failing(staging, root, build_dir):
        raise publish.PublishFailed("report/ and figures/ were put back", held=[signal.SIGINT])

    monkeypatch.setattr(build, "publish", failing)
    with pytest.raises(signals.HeldInterrupt) as stopped:
        build._published(tmp_path, tmp_path)
    assert not stopped.value.published
    assert "build failed: report/ and figures/ were put back" in capsys.readouterr().err


def test_quitting_at_once_removes_the_files_of_every_runner_s_kernel():
    from dprk_report.pipeline.build import ThreadRunners

    class Kernel:
        removed = False

        def remove_files(self):
            self.removed = True

    made = []
    runners = ThreadRunners(lambda: made.append(type("Runner", (), {"kernel": Kernel()})()) or made[-1])
    runners.mine()
    runners.remove_files()
    assert [runner.kernel.removed for runner in made] == [True]


class _EarlyKernels:
    """Stands for ``kernel.EarlyKernels``: records how many kernels were started, and whether those left were
    closed."""

    made: list = []

    def __init__(self, count):
        self.count, self.closed, self.waiting = count, False, []
        _EarlyKernels.made.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.closed = True


@pytest.fixture
def early_kernels(monkeypatch, tmp_path):
    """Builds of this project whose kernels started early are recorded, not started, with a build folder (and
    lock) of their own; their inputs are never hashed: the build stops there, having said whether it started
    kernels before."""
    from dprk_report import paths
    from dprk_report.pipeline import kernel, runner

    made, planned = [], []
    monkeypatch.setattr(_EarlyKernels, "made", made)
    monkeypatch.setattr(kernel, "EarlyKernels", _EarlyKernels)
    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path / "build")

    def fingerprints(config_path):
        planned.append(len(made))
        raise paths.ArchiveNotFoundError("no archive here")

    monkeypatch.setattr(runner, "Fingerprints", fingerprints)
    return SimpleNamespace(made=made, planned=planned, runner=runner)


@pytest.mark.parametrize(
    ("arguments", "published", "started"),
    [
        ({"force": True}, True, True),  # every page runs whatever the plan says
        ({}, False, True),  # a first build: no page published
        ({}, True, False),  # pages published: the build may have nothing to do
        ({"force": True, "check": True}, True, False),  # only says whether the report is current
        ({"force": True, "kept": object()}, True, False),  # watch: its kept kernels are running already
    ],
)
def test_kernels_start_before_the_plan_only_for_a_build_that_runs_every_page(
    early_kernels, monkeypatch, arguments, published, started
):
    from dprk_report.pipeline import runner

    pages = {"all-sides/01-describe-sources": {}} if published else {}
    monkeypatch.setattr(runner, "read_manifest", lambda root: {"pages": pages, "index": {}})
    assert early_kernels.runner.run_build(quiet=True, **arguments) == 1
    assert early_kernels.planned == [1 if started else 0]
    assert [early.closed for early in early_kernels.made] == ([True] if started else [])  # however it ended
    if started:  # one for each page run at once: one a core, at most one a page
        assert early_kernels.made[0].count == min(os.cpu_count() or 1, len(runner.load_config().pages))


def test_a_build_refused_beside_another_starts_no_kernel(early_kernels, capsys):
    from dprk_report import paths

    with build_lock(paths.BUILD_DIR):  # another build runs
        assert early_kernels.runner.run_build(quiet=True, force=True, wait=False) == 3
    assert early_kernels.made == [] and early_kernels.planned == []
    assert "build not started: another build is running" in capsys.readouterr().err


@pytest.mark.parametrize("running", [True, False])  # started early and booting, or not started yet
def test_a_first_build_takes_the_kernels_started_early_and_gives_them_the_build_s_environment(tmp_path, running):
    from dprk_report.pipeline.build import _page_runner

    class Kernel:
        def __init__(self):
            self.calls = []

        def running(self):
            return running

        def use_environment(self, environment):
            self.calls.append(("environment", environment))

        def start(self):
            self.calls.append("start")

        def begin_imports(self):
            self.calls.append("imports")

    class Early:
        def __init__(self):
            self.kernels = [Kernel()]

        def take(self):
            return self.kernels.pop()

    early = Early()
    kernel = early.kernels[0]
    runner = _page_runner(tmp_path, 10, {"WHERE": "staging"}, early=early)
    assert runner.kernel is kernel
    environment = ("environment", {"WHERE": "staging"})
    # A kernel the build starts itself imports the stack at once, as one started early did when it was launched.
    assert kernel.calls == ([environment] if running else [environment, "start", "imports"])


def test_a_kernel_taken_for_a_runner_that_cannot_be_made_is_closed(tmp_path):
    """Else nothing would close it: the build closes the runners' kernels, and there is no runner."""
    from dprk_report.pipeline.build import _page_runner

    class Kernel:
        closed = False

        def running(self):
            return False

        def use_environment(self, environment):
            pass

        def start(self):
            raise RuntimeError("the build was interrupted: no kernel starts")

        def close(self):
            self.closed = True

    kernel = Kernel()
    early = type("Early", (), {"take": lambda _: kernel})()
    with pytest.raises(RuntimeError, match="interrupted"):
        _page_runner(tmp_path, 10, {}, early=early)
    assert kernel.closed


def test_a_kernel_s_start_is_timed_from_its_launch_when_it_was_started_early_but_not_while_it_waited():
    """Launched before the build planned, it was starting meanwhile; before the build had the lock (another build
    ran), it was only waiting, and counting that would make the next builds start too few kernels."""
    from dprk_report.pipeline.build import _timed_warm_up

    def runners(launched):
        runner = type("Runner", (), {"kernel": type("Kernel", (), {"launched": launched})(), "warm_up": lambda _: None})
        return type("Runners", (), {"mine": lambda _: runner()})()

    now = time.monotonic()
    assert 5 <= _timed_warm_up(runners(now - 5), since=now - 60) < 60
    assert 5 <= _timed_warm_up(runners(now - 600), since=now - 5) < 60  # launched long before the lock was taken
    assert _timed_warm_up(runners(None), since=now - 60) < 5  # not started early: from its own warm-up
