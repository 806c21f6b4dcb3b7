"""The build's reused kernel: no variable survives from one notebook to the next, failures are named, and
the clearing runs only when something could have been left behind."""

from __future__ import annotations

import contextlib
import json
import signal
import time
from pathlib import Path

import pytest
from jupyter_client import AsyncKernelManager

from dprk_report import paths
from dprk_report.pipeline import kernel as kernel_module
from dprk_report.pipeline.kernel import ReusedKernel
from dprk_report.pipeline.kernel_state import PRELOAD

#: Fails in the kernel when a name other than IPython's own (those starting with "_", In, Out, exit, quit,
#: get_ipython, open) is defined.
NO_USER_NAMES = (
    "_left = [name for name in globals() if not name.startswith('_') and name not in "
    "('In', 'Out', 'exit', 'quit', 'get_ipython', 'open')]\n"
    "assert not _left, _left\n"
    "del _left"
)


@pytest.fixture
def kernel():
    reused = ReusedKernel()
    yield reused
    reused.close()


def test_a_name_a_notebook_left_is_gone_after_the_reset(kernel):
    kernel.run("left_behind = 1")
    kernel.reset()
    with pytest.raises(RuntimeError, match="NameError: name 'left_behind' is not defined"):
        kernel.run("left_behind")


def test_a_reset_begun_after_a_page_clears_the_namespace_before_the_next(kernel):
    kernel.run("left_behind = 1")
    kernel.begin_reset()
    kernel.reset()
    kernel.run(NO_USER_NAMES, leaves_names=False)


def test_the_preload_leaves_no_name_and_counts_as_unused(kernel, monkeypatch):
    kernel.start()
    kernel.run(PRELOAD, leaves_names=False)
    kernel.run(NO_USER_NAMES, leaves_names=False)
    assert not kernel.used
    # Nothing to clear: the first page does not wait for a garbage collection.
    monkeypatch.setattr(kernel, "begin_reset", lambda: pytest.fail("a clean namespace was cleared"))
    kernel.reset()


#: Fails in the kernel unless the modules every page imports are loaded (``kernel_state.STACK_IMPORTS``).
STACK_LOADED = (
    "import sys\n"
    "assert {'pandas', 'dprk_report.analysis.lineage', 'dprk_report.report.display'} <= set(sys.modules)\n"
    "del sys"
)


def test_imports_begun_at_launch_are_done_before_the_kernel_s_first_use_and_leave_no_name(kernel):
    kernel.start()
    kernel.begin_imports()  # returns at once: the kernel imports while the build plans
    assert kernel.pending is not None
    kernel.run(STACK_LOADED, leaves_names=False)
    kernel.run(NO_USER_NAMES, leaves_names=False)


def test_a_kernel_for_other_code_than_the_pages_is_sent_no_imports():
    other = ReusedKernel(preload="")
    try:
        other.start()
        other.begin_imports()
        assert other.pending is None
        with pytest.raises(RuntimeError, match="AssertionError"):
            other.run(STACK_LOADED, leaves_names=False)
    finally:
        other.close()


def test_imports_that_fail_leave_a_fresh_kernel_for_the_next_use(kernel, monkeypatch):
    monkeypatch.setattr(kernel_module, "STACK_IMPORTS", "half_imported = 1\nraise ImportError('no such module')")
    kernel.begin_imports()
    failed = kernel.kernel.provisioner.process
    kernel.run(NO_USER_NAMES, leaves_names=False)  # the failed kernel was shut down: this one started empty
    assert failed.returncode is not None and kernel.kernel.provisioner.process is not failed


def test_imports_asked_of_a_used_kernel_do_not_stand_for_its_clearing(kernel):
    kernel.run("left_behind = 1")
    kernel.begin_imports()  # past its start: a reset must still clear what the notebook left
    kernel.reset()
    kernel.run(NO_USER_NAMES, leaves_names=False)


def test_the_modules_the_preload_loaded_stay_loaded_through_a_reset(kernel):
    kernel.run(PRELOAD, leaves_names=False)
    kernel.run("x = 1")
    kernel.reset()
    kernel.run("import sys\nassert 'dprk_report.report.charts' in sys.modules and 'pandas' in sys.modules")


def test_a_dataset_the_kernel_no_longer_holds_is_freed(kernel):
    """The stack the preload imported is left out of the collector's scans, not the dataset: a kernel kept by
    ``watch`` replaces it at each new data version, and it refers to itself, so only a scan frees it."""
    kernel.run(PRELOAD, leaves_names=False)
    kernel.run(
        "import gc, weakref\n"
        "from dprk_report.data import dataset\n"
        "loaded = weakref.ref(next(iter(dataset._loaded.values())))\n"
        "dataset._loaded.clear()\n"
        "gc.collect()\n"
        "assert loaded() is None, 'the replaced dataset is still in memory'"
    )


def test_the_build_s_kernels_write_no_input_history(kernel, tmp_path, monkeypatch):
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path))  # the kernel starts with this process's environment
    kernel.run("x = 1")
    kernel.run("y = x + 1")
    assert not list(tmp_path.rglob("history.sqlite"))


#: Writes, to the file named ``_out``, what the kernel imports from, the folder it runs in, and whether ipykernel
#: loaded its debugger.
WRITE_KERNEL_SETUP = (
    "import json, os, pathlib, sys\n"
    "pathlib.Path(_out).write_text(json.dumps({'path': sys.path, 'folder': os.getcwd(), "
    "'debugger': sys.modules.get('debugpy') is not None}))"
)


def test_the_build_s_kernels_have_no_debugger_and_import_and_run_as_the_kernel_spec_s(tmp_path, monkeypatch):
    setups = {}
    for name, manager in (("build", kernel_module.BuildKernelManager), ("spec", AsyncKernelManager)):
        monkeypatch.setattr(kernel_module, "BuildKernelManager", manager)  # "spec": the kernel spec's command
        started = ReusedKernel(preload="")
        try:
            started.run(f"_out = {str(tmp_path / name)!r}\n{WRITE_KERNEL_SETUP}")
        finally:
            started.close()
        setups[name] = json.loads((tmp_path / name).read_text())
    assert setups["spec"].pop("debugger") is True and setups["build"].pop("debugger") is False
    assert setups["build"] == setups["spec"]


def test_a_kernel_s_files_can_be_removed_before_a_process_quits_at_once(kernel):
    """A second Ctrl-C ends the build at once, without closing its kernels: their socket folders and connection
    files in the temporary folder would be left behind for good."""
    kernel.start()
    files = [Path(kernel.sockets), Path(kernel.kernel.connection_file)]
    assert all(path.exists() for path in files)
    kernel.stop()
    kernel.remove_files()
    assert not any(path.exists() for path in files)
    kernel.close()  # still closes without them


def test_stopping_kills_the_running_kernel_s_process(kernel):
    kernel.start()
    process = kernel.kernel.provisioner.process
    kernel.stop()
    assert process.wait(timeout=30) == -signal.SIGKILL
    with pytest.raises(RuntimeError, match="interrupted"):
        kernel.run("x = 1")


@pytest.mark.parametrize("end", ["stop", "close"])
def test_a_kernel_already_ended_and_reaped_gets_no_process_group_signalled(kernel, monkeypatch, end):
    """Once its process is reaped, the kernel's id (its process group's) may be reused by another process:
    signalling that group could kill processes that are not the build's. A kernel is reaped before it is
    stopped or closed when a poll found it dead (a crash; ``stop`` before the build's thread noticed)."""
    kernel.start()
    process = kernel.kernel.provisioner.process
    process.kill()
    process.wait(timeout=30)  # reaped: the id is free again
    signalled = []
    monkeypatch.setattr(kernel_module.os, "killpg", lambda *args: signalled.append(args))
    getattr(kernel, end)()
    assert signalled == []


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, ended but not yet reaped by its new parent, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def test_closing_ends_the_kernel_and_what_its_code_started(kernel, tmp_path):
    started = tmp_path / "pid"
    code = "import subprocess\n_child = subprocess.Popen(['sleep', '600'])\n"
    kernel.run(code + f"open({str(started)!r}, 'w').write(str(_child.pid))")
    process, child = kernel.kernel.provisioner.process, int(started.read_text())
    files = [Path(kernel.sockets), Path(kernel.kernel.connection_file)]
    kernel.close()
    assert process.returncode == -signal.SIGKILL  # ended and reaped
    assert not any(path.exists() for path in files)  # jupyter_client's clean-up still ran
    deadline = time.monotonic() + 30
    while _alive(child) and time.monotonic() < deadline:  # the group's signal reaches it at once
        time.sleep(0.05)
    assert not _alive(child)


def test_closing_signals_the_kernel_s_group_only_before_its_process_is_reaped(kernel, monkeypatch):
    """As with ``stop``: once reaped, the kernel's id may name another process's group."""
    kernel.start()
    process, group = kernel.kernel.provisioner.process, kernel.kernel.provisioner.pgid
    # kernel_module.os is the os module itself: jupyter_client's calls are recorded too.
    signalled, killpg = [], kernel_module.os.killpg

    def record(pgid, signum):
        signalled.append((pgid, signum, process.returncode is not None))
        killpg(pgid, signum)

    monkeypatch.setattr(kernel_module.os, "killpg", record)
    kernel.close()
    assert (group, signal.SIGKILL, False) in signalled
    assert not [call for call in signalled if call[0] == group and call[2]]


def test_handing_the_kernel_to_a_notebook_counts_as_use(kernel):
    kernel.manager()
    assert kernel.used


def test_code_that_fails_names_the_error(kernel):
    with pytest.raises(RuntimeError, match="kernel set-up failed: ZeroDivisionError"):
        kernel.run("1 / 0")


def test_a_kernel_that_dies_is_reported_and_a_new_one_starts(kernel):
    with pytest.raises(RuntimeError, match="the kernel died"):
        kernel.run("import os\nos._exit(1)")
    kernel.run("alive = True")


def test_closing_with_a_reset_pending_stops_it(kernel):
    kernel.run("x = 1")
    kernel.begin_reset()
    kernel.close()
    assert kernel.pending is None and kernel.kernel is None
    kernel.run(NO_USER_NAMES, leaves_names=False)  # a new kernel, as fresh as any


def test_code_that_fails_half_way_leaves_no_name_behind(kernel):
    with pytest.raises(RuntimeError, match="ValueError: half-way"):
        kernel.run("made_before_failing = 1\nraise ValueError('half-way')", leaves_names=False)
    kernel.run(NO_USER_NAMES, leaves_names=False)  # a fresh kernel replaced the one in an unknown state


def test_a_kernel_that_dies_while_it_is_being_cleared_is_replaced(kernel):
    kernel.run("left_behind = 1")
    kernel.kernel.provisioner.process.kill()
    kernel.begin_reset()
    kernel.reset()  # nothing to wait for: the dead kernel's names died with it
    kernel.run(NO_USER_NAMES, leaves_names=False)


def test_a_kernel_that_cannot_start_leaves_nothing_behind(kernel, monkeypatch):
    monkeypatch.setattr(kernel_module, "KERNEL_NAME", "no-such-kernel")
    with pytest.raises(Exception, match="no-such-kernel"):
        kernel.start()
    assert kernel.kernel is None and kernel.sockets is None


def test_a_call_returns_what_the_function_returned_and_leaves_no_name(kernel, tmp_path):
    from dprk_report.pipeline.execute import PageRunner
    from dprk_report.text.quotes import normalise

    runner = PageRunner(tmp_path, cell_timeout=60, failed_dir=tmp_path / "failed", kernel=kernel)
    text = "\u201cSome\u00a0troops\u201d \u2026 \u2018arrived\u2019"  # curly quotes, a no-break space, an ellipsis
    assert runner.call(normalise, text) == normalise(text)  # run in the kernel, passed there and back as JSON
    kernel.run(NO_USER_NAMES, leaves_names=False)
    assert not kernel.used


def test_a_call_that_fails_names_the_function_and_the_error(kernel, tmp_path):
    from dprk_report.pipeline.execute import PageRunner
    from dprk_report.pipeline.kernel_jobs import index_parts

    runner = PageRunner(tmp_path, cell_timeout=60, failed_dir=tmp_path / "failed", kernel=kernel)
    with pytest.raises(RuntimeError, match=r"index_parts \(in a kernel\) failed: ConfigError: .*no-such-report\.toml"):
        runner.call(index_parts, str(tmp_path / "no-such-report.toml"), "version")


def test_the_reset_puts_back_what_a_notebook_changed_in_the_process_but_the_builds_variables(kernel):
    kernel.use_environment({paths.OUTPUT_ENV: "/staging/this-build"})
    kernel.load()  # loads the stack, then saves the process's state
    kernel.use_environment({paths.OUTPUT_ENV: "/staging/next-build"})  # as for the next build (watch)
    kernel.run(
        "import os, sys, warnings, matplotlib, pandas\n"
        "matplotlib.rcParams['xtick.color'] = 'red'\n"
        "pandas.set_option('display.max_rows', 3)\n"
        "warnings.simplefilter('ignore')\n"
        "sys.path.insert(0, '/nowhere')\n"
        "os.environ['LEFT_BEHIND'] = '1'\n"
        "os.chdir('/')"
    )
    kernel.reset()
    kernel.run(
        "import os, sys, warnings, matplotlib, pandas\n"
        "assert matplotlib.rcParams['xtick.color'] != 'red'\n"
        "assert pandas.get_option('display.max_rows') == 60\n"
        "assert ('ignore', None, Warning, None, 0) not in warnings.filters\n"
        "assert '/nowhere' not in sys.path\n"
        "assert 'LEFT_BEHIND' not in os.environ\n"
        f"assert os.getcwd() == {str(paths.NOTEBOOKS_DIR)!r}, os.getcwd()\n"
        f"assert os.environ[{paths.OUTPUT_ENV!r}] == '/staging/next-build'\n"
    )


def _processes(kernels) -> list:
    return [kernel.kernel.provisioner.process for kernel in kernels if kernel.kernel is not None]


def _kernel_processes() -> set[int]:
    """The kernel processes this process started that are running."""
    import psutil

    running = set()
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if kernel_module.BUILD_KERNEL in child.cmdline() and _alive(child.pid):
                running.add(child.pid)
    return running


def test_kernels_started_early_are_handed_out_running_then_new_ones_unstarted():
    """A first or forced build takes the kernels it started before planning, then makes its own."""
    with kernel_module.EarlyKernels(1) as early:
        taken = [early.take(), early.take()]
    try:
        assert taken[0].running() and taken[0].launched is not None
        assert taken[1].kernel is None and taken[1].launched is None  # started when the build uses it
    finally:
        for kernel in taken:
            kernel.close()
    assert taken[0].launched is None  # shut down: a new process would be launched anew


def test_kernels_started_early_import_the_stack_before_the_build_takes_them():
    with kernel_module.EarlyKernels(1) as early:
        early.thread.join()
        (waiting,) = early.waiting
        assert waiting.pending is not None  # sent as soon as it was launched
        taken = early.take()
    try:
        taken.run(STACK_LOADED, leaves_names=False)
    finally:
        taken.close()


def test_kernels_started_early_that_the_build_does_not_take_are_shut_down():
    with kernel_module.EarlyKernels(2) as early:
        first, second = early.waiting
        early.thread.join()  # both launched
        first_process, second_process = _processes([first, second])
        early.keep(1)  # the build needs one kernel: the other ends at once
        assert second_process.wait(timeout=30) is not None and second.kernel is None
        assert early.waiting == [first] and first.running()
    # The build ended before taking it: shut down on leaving.
    assert first_process.wait(timeout=30) is not None and first.kernel is None
    assert early.waiting == [] and early.take().kernel is None  # none left: a new one, not started


def test_kernels_closed_while_they_are_launched_leave_no_process_behind(kernel):
    kernel.start()
    assert kernel.kernel.provisioner.pid in _kernel_processes()  # a running kernel is found: none found below is none
    kernel.close()
    before = _kernel_processes()
    with kernel_module.EarlyKernels(3):
        pass  # closed at once, the first perhaps launched, the others not yet
    deadline = time.monotonic() + 30
    while _kernel_processes() - before and time.monotonic() < deadline:
        time.sleep(0.1)  # polled: a killed process is reaped within moments
    assert not _kernel_processes() - before


def test_kernels_stopped_early_are_killed_and_none_of_them_starts_any_more():
    with kernel_module.EarlyKernels(1) as early:
        early.thread.join()
        (process,) = _processes(early.waiting)
        client = early.waiting[0].pending[0]  # the imports sent at its launch
        early.stop()  # the build was interrupted
        assert process.wait(timeout=30) == -signal.SIGKILL
        taken = early.take()
        try:
            with pytest.raises(RuntimeError, match="interrupted"):
                taken.start()
            # They will get no answer: their client is closed, not left to the garbage collector, which can wait
            # forever for its sockets.
            assert not client.channels_running and client.context.closed
        finally:
            taken.close()
