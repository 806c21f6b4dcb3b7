"""Benchmark the report build against the naive papermill + nbconvert chain.

Runs in a temporary copy of the project (nothing here touches report/ or
figures/), each measurement several times, and writes bench/results.json plus a
table on stdout. Targets are checked here, never in the test suite.

    python bench/run.py            (or: make bench)
    BENCH_REPEATS=5 python bench/run.py
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from dprk_report import paths
from dprk_report.pipeline.config import load_config
from dprk_report.testing import synthetic
from dprk_report.testing.sandbox import ProjectCopy, make_copy

REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
SCALE_REPEATS = int(os.environ.get("BENCH_SCALE_REPEATS", "2"))
RESULTS = Path(__file__).resolve().parent / "results.json"
BIN = Path(sys.executable).parent
TARGETS = {
    "cold_build_ratio": 0.35,
    "noop_build_seconds": 1.5,
    "noop_build_ratio": 0.05,
    "scale_over_real": 1.5,
    "peak_rss_mb": 500,
}


class PeakMemory:
    """Samples the resident memory of a process and all its descendants (kernels included)."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.root = psutil.Process(pid)
        self.total_mb = 0.0
        self.largest_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)
        self._thread.start()

    def _sample(self, interval: float) -> None:
        while not self._stop.is_set():
            try:
                processes = [self.root] + self.root.children(recursive=True)
                sizes = []
                for process in processes:
                    with contextlib.suppress(psutil.Error):
                        sizes.append(process.memory_info().rss / 2**20)
                if sizes:
                    self.total_mb = max(self.total_mb, sum(sizes))
                    self.largest_mb = max(self.largest_mb, max(sizes))
            except psutil.Error:
                return
            time.sleep(interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def timed(
    command: list[str], project: ProjectCopy, env_extra: dict | None = None, memory: bool = False
) -> tuple[float, PeakMemory | None]:
    env = project.env() | (env_extra or {})
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    meter = PeakMemory(process.pid) if memory else None
    output, _ = process.communicate()
    elapsed = time.perf_counter() - started
    if meter:
        meter.stop()
    if process.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(command)}\n{output[-3000:]}")
    return elapsed, meter


def build(project: ProjectCopy, *args: str, memory: bool = False):
    return timed([sys.executable, "-m", "dprk_report", "build", "--quiet", *args], project, memory=memory)


def unbuild(project: ProjectCopy) -> None:
    for name in ("report", "figures", "build"):
        shutil.rmtree(project.root / name, ignore_errors=True)


def naive_chain(project: ProjectCopy, scratch: Path) -> float:
    """papermill CLI then nbconvert CLI, page after page: what one would write by hand."""
    config = load_config(project.root / "report.toml")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    env = {paths.OUTPUT_ENV: str(scratch)}
    total = 0.0
    for page in config.pages:
        parameters = scratch / f"{page.variant}-{page.notebook}.json"
        parameters.write_text(json.dumps(page.parameters))
        executed = scratch / page.variant / f"{page.notebook}.ipynb"
        executed.parent.mkdir(exist_ok=True)
        source = project.root / "notebooks" / f"{page.notebook}.ipynb"
        seconds, _ = timed(
            [
                str(BIN / "papermill"),
                str(source),
                str(executed),
                "-k",
                "dprk-report",
                "-f",
                str(parameters),
                "--no-progress-bar",
            ],
            project,
            env,
        )
        total += seconds
        seconds, _ = timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)], project, env)
        total += seconds
    return total


def edit_notebook(project: ProjectCopy, round_number: int) -> None:
    """Change one notebook's content (a touch alone changes no hash, so rebuilds nothing)."""
    notebook = project.root / "notebooks" / "02-chart-statement-cadence.ipynb"
    document = json.loads(notebook.read_text())
    document["cells"][0]["source"][-1] = document["cells"][0]["source"][-1].rstrip() + " " * (round_number % 2)
    notebook.write_text(json.dumps(document, indent=1) + "\n")


def summary(values: list[float]) -> dict:
    return {
        "min": round(min(values), 3),
        "median": round(statistics.median(values), 3),
        "runs": [round(v, 3) for v in values],
    }


def machine() -> dict:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="dprk-bench-"))
    try:
        project = make_copy(work / "project", small_config=False)
        print(f"benchmark in {work}, {REPEATS} runs each", file=sys.stderr)
        naive = [naive_chain(project, work / "naive") for _ in range(REPEATS)]
        cold, real_memory = [], None
        for _ in range(REPEATS):
            unbuild(project)
            seconds, real_memory = build(project, memory=True)
            cold.append(seconds)
        noop = [build(project)[0] for _ in range(REPEATS * 2)]
        changed = []
        for round_number in range(REPEATS):
            edit_notebook(project, round_number + 1)
            changed.append(build(project)[0])
        large = make_copy(work / "large", small_config=False)
        counts = synthetic.generate(work / "synthetic" / "data", work / "synthetic" / "archive", scale=100)
        large.data, large.archive = work / "synthetic" / "data", work / "synthetic" / "archive"
        scale, scale_memory = [], None
        for _ in range(SCALE_REPEATS):
            unbuild(large)
            seconds, scale_memory = build(large, memory=True)
            scale.append(seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    naive_median = statistics.median(naive)
    peak = max(real_memory.total_mb, scale_memory.total_mb)
    results = {
        "machine": machine(),
        "pages": len(load_config().pages),
        "repeats": REPEATS,
        "naive_chain": summary(naive),
        "cold_build": summary(cold) | {"ratio_to_naive": round(statistics.median(cold) / naive_median, 3)},
        "noop_build": summary(noop) | {"ratio_to_naive": round(statistics.median(noop) / naive_median, 3)},
        "one_notebook_changed": summary(changed)
        | {"ratio_to_naive": round(statistics.median(changed) / naive_median, 3)},
        "scale_100x": summary(scale)
        | {
            "ratio_to_naive": round(statistics.median(scale) / naive_median, 3),
            "ratio_to_real_cold_build": round(statistics.median(scale) / statistics.median(cold), 3),
            "records": {
                "sources": counts.sources,
                "statements": counts.statements,
                "estimates": counts.estimates,
                "citations": counts.citations,
            },
        },
        "peak_rss_mb": {
            "real_total": round(real_memory.total_mb),
            "real_largest_process": round(real_memory.largest_mb),
            "scale_total": round(scale_memory.total_mb),
            "scale_largest_process": round(scale_memory.largest_mb),
        },
        "targets": TARGETS,
    }
    results["targets_met"] = {
        "cold_build_ratio": results["cold_build"]["ratio_to_naive"] <= TARGETS["cold_build_ratio"],
        "noop_build_seconds": results["noop_build"]["median"] <= TARGETS["noop_build_seconds"],
        "noop_build_ratio": results["noop_build"]["ratio_to_naive"] <= TARGETS["noop_build_ratio"],
        "scale_over_real": results["scale_100x"]["ratio_to_real_cold_build"] <= TARGETS["scale_over_real"],
        "peak_rss_mb": peak <= TARGETS["peak_rss_mb"],
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    return 0


def print_table(results: dict) -> None:
    rows = [
        ("naive chain (papermill + nbconvert CLIs)", "naive_chain", "baseline"),
        ("cold build", "cold_build", f"<= {TARGETS['cold_build_ratio']} x naive"),
        (
            "no-op build",
            "noop_build",
            f"<= {TARGETS['noop_build_seconds']} s and <= {TARGETS['noop_build_ratio']} x naive",
        ),
        ("one notebook changed", "one_notebook_changed", "-"),
        ("100x synthetic data, cold", "scale_100x", f"<= {TARGETS['scale_over_real']} x real cold build"),
    ]
    print(f"{'measurement':44} {'min s':>8} {'median s':>9} {'x naive':>8}  target")
    for label, key, target in rows:
        entry = results[key]
        ratio = entry.get("ratio_to_naive", 1.0)
        print(f"{label:44} {entry['min']:8.2f} {entry['median']:9.2f} {ratio:8.3f}  {target}")
    memory = results["peak_rss_mb"]
    print(
        f"peak RSS (build + workers + kernels): real {memory['real_total']} MB, 100x {memory['scale_total']} MB; "
        f"largest single process {max(memory['real_largest_process'], memory['scale_largest_process'])} MB "
        f"(target <= {TARGETS['peak_rss_mb']} MB)"
    )
    print("targets met: " + ", ".join(f"{k}={'yes' if v else 'NO'}" for k, v in results["targets_met"].items()))


if __name__ == "__main__":
    sys.exit(main())
