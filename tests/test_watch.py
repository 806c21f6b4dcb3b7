"""End-to-end: ``watch`` builds after each change, in the kernels it keeps, and stops on Ctrl-C.

Each test works on its own clone of the built project copy (``project``, in conftest) and waits for the
watch's log lines with generous deadlines, never for a fixed time.
"""

from __future__ import annotations

import json
import queue
import signal
import threading
import time

import psutil
import pytest

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

    def stop(self) -> str:
        """Ctrl-C; returns what the watch wrote after the lines already read."""
        self.process.send_signal(signal.SIGINT)
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


def _comment_code(project, text: str) -> None:
    path = project.root / "notebooks/02-chart-statement-cadence.ipynb"
    document = json.loads(path.read_text())
    code = next(
        c for c in document["cells"] if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", [])
    )
    code["source"] = [f"# {text}\n", *code["source"]]
    path.write_text(json.dumps(document, indent=1))


def test_an_edited_notebook_is_rebuilt_in_the_kernels_kept_running_and_ctrl_c_stops_them(project):
    watch = Watch(project, "--jobs", "2")
    first = watch.until("watching")
    assert "build=ok" in first[-1] and _built(first) == []  # the report was up to date
    kernels = watch.kernels()
    assert len(kernels) == 2  # started while nothing changed, so that the first change finds them ready

    _comment_code(project, "a new comment")
    lines = watch.until("watching")
    assert "event=changed files=notebooks/02-chart-statement-cadence.ipynb" in lines[0]
    assert _built(lines) == [PAGE] and "build=ok" in lines[-1]
    assert "# a new comment" in (project.root / f"report/{PAGE}.ipynb").read_text()
    assert watch.kernels() == kernels
    assert project.run("build", "--check").returncode == 0

    rest = watch.stop()
    assert watch.process.returncode == 0
    assert "watch stopped; the published report is the last one a build completed" in rest
    assert _gone(kernels), "the kernels outlived the watch"


def test_invalid_data_are_reported_and_the_watch_goes_on(project):
    watch = Watch(project, "--jobs", "1")
    watch.until("watching")
    before = project.published()
    estimates = project.root / "data/estimates.csv"
    valid = estimates.read_text()
    header, rest = valid.split("\n", 1)
    estimates.write_text(f"{header},{header.split(',')[0]}\n{rest}")  # a duplicated column
    lines = watch.until("watching")
    assert "build=failed" in lines[-1]
    assert any("the dataset is invalid; nothing was published" in line for line in lines)
    assert any("data/estimates.csv:1:" in line for line in lines)
    assert project.published() == before

    estimates.write_text(valid)
    lines = watch.until("watching")
    assert "build=ok" in lines[-1] and _built(lines) == []  # the published report matches these data
    config = project.root / "report.toml"
    config.write_text(config.read_text().replace('title = "Test report"', 'title = "Watched report"'))
    lines = watch.until("watching")
    assert "event=changed files=report.toml" in lines[0] and "build=ok" in lines[-1]
    assert "Watched report" in (project.root / "report/index.html").read_text()
    watch.stop()


def test_a_change_of_package_code_starts_the_watch_again_with_new_kernels(project):
    watch = Watch(project, "--jobs", "1")
    watch.until("watching")
    old = watch.kernels()
    assert len(old) == 1
    module = project.root / "src/dprk_report/analysis/common.py"
    module.write_text(module.read_text() + "\n# a change the pages run\n")
    watch.until("restarting")
    lines = watch.until("watching")  # in the new process: every page runs the changed package
    assert _built(lines) == sorted(
        f"all-sides/{name}"
        for name in ("01-describe-sources", "02-chart-statement-cadence", "03-chart-estimate-timing")
    )
    assert _gone(old), "the old kernels outlived the restart"
    assert watch.kernels() and watch.kernels().isdisjoint(old)
    watch.stop()


def _running() -> ReusedKernel:
    kernel = ReusedKernel()
    kernel.kernel = object()  # stands for a started kernel: nothing here starts one
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
