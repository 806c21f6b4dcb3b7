"""End-to-end: ``watch`` builds after each change, in the kernels it keeps, and stops on Ctrl-C.

Each test works on its own clone of the built project copy (``project``, in conftest) and waits for the
watch's log lines with generous deadlines, never for a fixed time.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from conftest import allow_hour_long_cells, with_endless_cell
from dprk_report import paths
from dprk_report.pipeline.kernel import KeptKernels, ReusedKernel

PAGE = "all-sides/02-chart-statement-cadence"


class Watch:
    """``python -m dprk_report watch`` running in ``project``, its log read line by line."""

    def __init__(self, project, *args: str):
        self.process = project.start("watch", "--quiet", *args)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)  # the process closed its stderr

    def until(self, event: str, seconds: float = 300) -> list[str]:
        """The lines written up to and including the next one with ``event=EVENT``."""
        seen, deadline = [], time.monotonic() + seconds
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"no event={event} within {seconds} s; the watch wrote: {seen}")
            if line is None:
                pytest.fail(f"the watch ended (status {self.process.wait()}) before event={event}: {seen}")
            seen.append(line)
            if f"event={event} " in line + " ":
                return seen

    def kernels(self) -> set[int]:
        return {child.pid for child in psutil.Process(self.process.pid).children()}

    def stop(self, how: signal.Signals = signal.SIGINT) -> str:
        """Ctrl-C (or the signal ``how``); returns what the watch wrote after the lines already read."""
        self.process.send_signal(how)
        self.process.wait(timeout=120)
        rest = []
        while (line := self.lines.get(timeout=120)) is not None:
            rest.append(line)
        return "\n".join(rest)


def _gone(pids: set[int], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
        if not alive:
            return True
        time.sleep(0.1)
    return False


def _built(lines: list[str]) -> list[str]:
    return sorted(line.split("page=")[1].split()[0] for line in lines if "event=page_built" in line)


def _save(path: Path, text: str) -> None:
    """Write ``path`` whole at once, as an editor that saves through a temporary file does: the watch never
    sees it half written, however slow the machine."""
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(text)
    os.replace(temporary, path)


NOTEBOOK = "notebooks/02-chart-statement-cadence.ipynb"


def _edit_cells(project, edit) -> str:
    """Apply ``edit`` to the cells of notebook 02 and save it; returns the notebook as it was."""
    path = project.root / NOTEBOOK
    original = path.read_text()
    document = json.loads(original)
    edit(document["cells"])
    _save(path, json.dumps(document, indent=1))
    return original


def _comment_code(cells) -> None:
    code = next(c for c in cells if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", []))
    code["source"] = ["# a new comment\n", *code["source"]]


def _figures(published: dict[str, str]) -> dict[str, str]:
    return {name: digest for name, digest in published.items() if name.startswith("figures/")}


def test_an_edited_notebook_is_rebuilt_in_the_kernels_kept_running_and_ctrl_c_stops_them(project):
    watch = Watch(project, "--jobs", "2")
    first = watch.until("watching")
    assert "build=ok" in first[-1] and _built(first) == []  # the report was up to date
    kernels = watch.kernels()
    assert len(kernels) == 2  # started while nothing changed, so that the first change finds them ready
    before = project.published()

    _edit_cells(project, _comment_code)
    lines = watch.until("watching")
    assert "event=changed" in lines[0] and NOTEBOOK in lines[0]
    assert _built(lines) == [PAGE] and "build=ok" in lines[-1]
    assert "# a new comment" in (project.root / f"report/{PAGE}.ipynb").read_text()
    assert watch.kernels() == kernels
    # Its figures were drawn again, into this build's staging area (not an earlier build's), as before.
    assert _figures(project.published()) == _figures(before)
    assert project.run("build", "--check").returncode == 0

    rest = watch.stop()
    assert watch.process.returncode == 0
    assert "watch stopped; the published report is the last one a build completed" in rest
    assert _gone(kernels), "the kernels outlived the watch"


def test_what_a_page_changes_in_its_kernel_does_not_reach_the_next_build(project):
    watch = Watch(project, "--jobs", "1")  # one kernel runs every page
    watch.until("watching")
    before = project.published()
    changes_the_process = {
        "cell_type": "code",
        "execution_count": None,
        "id": "changes-the-process",
        "metadata": {},
        "outputs": [],
        "source": "import os, sys, warnings, matplotlib, pandas\n"
        "matplotlib.rcParams['xtick.color'] = 'red'\n"
        "pandas.set_option('display.max_rows', 3)\n"
        "warnings.simplefilter('ignore')\n"
        "sys.path.insert(0, '/nowhere')\n"
        "os.environ['LEFT_BEHIND'] = '1'\n"
        "os.chdir('/')",
    }
    original = _edit_cells(project, lambda cells: cells.append(changes_the_process))
    assert "build=ok" in watch.until("watching")[-1]
    _save(project.root / NOTEBOOK, original)
    lines = watch.until("watching")
    assert _built(lines) == [PAGE] and "build=ok" in lines[-1]
    # The page ran again in the same kernel, and came out as from a fresh one: every byte as before.
    assert project.published() == before
    watch.stop()


def test_invalid_inputs_are_reported_and_the_watch_goes_on(project):
    watch = Watch(project, "--jobs", "1")
    watch.until("watching")
    before = project.published()
    estimates = project.root / "data/estimates.csv"
    valid = estimates.read_text()
    header, rest = valid.split("\n", 1)
    _save(estimates, f"{header},{header.split(',')[0]}\n{rest}")  # a duplicated column
    lines = watch.until("watching")
    assert "build=failed" in lines[-1]
    assert any("the dataset is invalid; nothing was published" in line for line in lines)
    assert any("data/estimates.csv:1:" in line for line in lines)
    assert project.published() == before

    _save(estimates, valid)
    lines = watch.until("watching")
    assert "build=ok" in lines[-1] and _built(lines) == []  # the published report matches these data

    notebook = project.root / NOTEBOOK
    whole = notebook.read_text()
    _save(notebook, whole[: len(whole) // 2])  # half a notebook, as a save cut short leaves it
    lines = watch.until("watching")
    assert "build=failed" in lines[-1]
    assert any(f"{NOTEBOOK} is not a notebook that can be read" in line for line in lines)
    _save(notebook, whole)
    assert "build=ok" in watch.until("watching")[-1]
    assert project.published() == before

    # Single files, which editors save by renaming another file over them.
    for name, old, new in (
        ("report.toml", 'title = "Test report"', 'title = "Watched report"'),
        ("CITATION.cff", "title: ", "title: Watched: "),
    ):
        path = project.root / name
        _save(path, path.read_text().replace(old, new, 1))
        lines = watch.until("watching")
        assert "event=changed" in lines[0] and name in lines[0] and "build=ok" in lines[-1]
        assert project.run("build", "--check").returncode == 0, f"{name}: the watch left the report stale"
    assert "Watched report" in (project.root / "report/index.html").read_text()
    watch.stop()


def test_a_change_of_package_code_starts_the_watch_again_with_new_kernels(project):
    watch = Watch(project, "--jobs", "1")
    watch.until("watching")
    old = watch.kernels()
    assert len(old) == 1
    module = project.root / "src/dprk_report/pipeline/kernel_state.py"  # imported by the kernels
    code = module.read_text()
    _save(module, code + "\ndef unfinished(\n")  # saved half-way through an edit
    lines = watch.until("watching")
    assert "build=failed" in lines[-1]
    assert any("watch not restarted: the changed package does not import: SyntaxError" in line for line in lines), lines

    _save(module, code + "\n# a change the pages run\n")
    watch.until("restarting")
    lines = watch.until("watching")  # in the new process: every page runs the changed package
    assert _built(lines) == sorted(
        f"all-sides/{name}"
        for name in ("01-describe-sources", "02-chart-statement-cadence", "03-chart-estimate-timing")
    )
    assert _gone(old), "the old kernels outlived the restart"
    new = watch.kernels()
    assert new and new.isdisjoint(old)
    assert "watch stopped" in watch.stop(signal.SIGTERM)  # as when its terminal is closed
    assert watch.process.returncode == 0
    assert _gone(new), "the kernels outlived the watch"


@pytest.mark.parametrize(
    ("variable", "message"),
    [
        (paths.ARCHIVE_ENV, "watch stopped: source archive not found"),
        (paths.DATA_ENV, "watch stopped: no folder to watch"),
    ],
)
def test_a_watch_without_its_data_or_archive_says_so_and_builds_nothing(tmp_path, variable, message):
    environment = dict(os.environ) | {variable: str(tmp_path / "missing")}
    result = subprocess.run(
        [sys.executable, "-m", "dprk_report", "watch", "--quiet"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert message in result.stderr and str(tmp_path / "missing") in result.stderr
    assert "Traceback" not in result.stderr and "event=" not in result.stderr


def _running() -> ReusedKernel:
    kernel = ReusedKernel()
    kernel.running = lambda: True  # stands for a started kernel: nothing here starts one
    return kernel


def test_kept_kernels_to_start_are_the_stopped_ones_then_new_ones():
    kept = KeptKernels()
    running, stopped = _running(), ReusedKernel()
    kept.give_back(running)
    kept.give_back(stopped)
    taken = kept.to_start(3)
    assert len(taken) == 2 and taken[0] is stopped and taken[1] not in (running, stopped)
    assert kept.idle == [running]
    assert kept.to_start(1) == [] and kept.idle == [running]
    assert kept.take() is running and isinstance(kept.take(), ReusedKernel)


class _SlowPreload:
    """A kept kernel whose preload ends only when the kernel is stopped (or after a minute)."""

    def __init__(self, loading: threading.Event):
        self.loading, self.stopped = loading, threading.Event()

    def use_environment(self, environment):
        pass

    def load(self):
        self.loading.set()
        self.stopped.wait(timeout=60)

    def stop(self):
        self.stopped.set()

    def running(self):
        return not self.stopped.is_set()


def test_ctrl_c_while_the_watch_starts_its_kernels_stops_them_instead_of_waiting_for_their_preload(
    monkeypatch,
):
    from dprk_report.pipeline import watch

    loading = threading.Event()
    kernels = [_SlowPreload(loading), _SlowPreload(loading)]
    kept = KeptKernels()
    monkeypatch.setattr(kept, "to_start", lambda count: kernels[:count])
    main = threading.main_thread().ident

    def ctrl_c_once_loading():
        assert loading.wait(timeout=60)
        signal.pthread_kill(main, signal.SIGINT)

    threading.Thread(target=ctrl_c_once_loading, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        watch._warm(kept, jobs=2)
    assert all(kernel.stopped.is_set() for kernel in kernels)
    assert kept.idle == kernels  # given back, for the watch to shut down


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_ctrl_c_during_a_build_stops_its_running_cell(project, tmp_path, how):
    """The watch's build runs a cell that never ends (the cell timeout is an hour): Ctrl-C, or SIGTERM, stops it
    at once."""
    allow_hour_long_cells(project)
    running = tmp_path / "endless-cell-running"
    endless = with_endless_cell(project, "02-chart-statement-cadence", running)
    watch = Watch(project)
    try:
        watch.until("watching")
        _save(project.root / NOTEBOOK, endless)
        deadline = time.monotonic() + 300
        while not running.exists():
            if time.monotonic() > deadline or watch.process.poll() is not None:
                pytest.fail("the endless cell did not start")
            time.sleep(0.1)
        kernels = watch.kernels()
        assert "watch stopped" in watch.stop(how)  # waits two minutes at most, the hour-long cell not at all
    finally:
        if watch.process.poll() is None:  # not stopped: its kernels end with it
            os.killpg(watch.process.pid, signal.SIGKILL)
    assert watch.process.returncode == 0
    assert _gone(kernels)
