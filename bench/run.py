"""Benchmark the report build against the naive papermill + nbconvert chain and against Ploomber.

Runs in a temporary copy of the project (nothing here touches report/ or
figures/), each measurement several times, and writes bench/results.json plus a
table on stdout. Targets are checked here, never in the test suite. Ploomber (the
``bench`` dependency group, which ``make bench`` installs) runs the same pages,
paired run by run with the project's build.

    python bench/run.py            (or: make bench)
    BENCH_REPEATS=5 python bench/run.py
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import ploomber_peer
import psutil

from dprk_report import paths
from dprk_report.data import parsed_tables, validated
from dprk_report.data.tables import read_rows, table_path, write_rows
from dprk_report.pipeline.config import load_config
from dprk_report.testing import synthetic
from dprk_report.testing.sandbox import ProjectCopy, make_copy

REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
SCALE_REPEATS = int(os.environ.get("BENCH_SCALE_REPEATS", "2"))
RESULTS = Path(__file__).resolve().parent / "results.json"
BIN = Path(sys.executable).parent
#: Where Ploomber is installed: an environment of its own (``make bench`` makes ``.venv-bench``), so that the
#: project's build is measured in the environment ``make report`` gives, without Ploomber's papermill plugin.
PEER_BIN = Path(os.environ.get("BENCH_PEER_BIN", BIN)).absolute()
TARGETS = {
    "cold_build_ratio": 0.35,
    "noop_build_seconds": 0.2,
    "noop_build_ratio": 0.05,
    "scale_over_real": 1.5,
    "peak_rss_mb": 500,
    "cold_over_ploomber": 0.33,
    "changed_over_ploomber": 0.5,
    "changed_over_cold": 0.4,
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


#: What Ploomber's builds do not find of what the project's builds left in ``build/`` (``hidden_from_peer``), its
#: notebooks loading the data through the package as the project's pages do. Always: the tables as parsed, which
#: only the project's build keeps (its index's kernel), so that a Ploomber user never has them (at 100x, 0.3 s a
#: page: Ploomber's cold build took 19.1 s instead of 21.4 s in the run that found them).
ONLY_THE_PROJECT_KEEPS = (parsed_tables.FOLDER,)
#: After a change to the data, also the record that the new data version passed validation: the project's build
#: made it just before; a Ploomber user's first pages validate the new version and make their own.
NEW_DATA = (*ONLY_THE_PROJECT_KEEPS, validated.FOLDER)
#: A cold build: all of ``build/``, as the project's cold build starts without it (``unbuild``). Ploomber's first
#: pages then validate the data and hash the articles, as its own first build's do, instead of finding the
#: project's build's records of this data version's validation and of the articles' hashes.
ALL_OF_BUILD = None


def ploomber(
    project: ProjectCopy,
    spec: Path,
    *args: str,
    memory: bool = False,
    hide: tuple[str, ...] | None = ONLY_THE_PROJECT_KEEPS,
):
    """``ploomber build`` of the generated pipeline, its figures kept out of the project, with ``hide`` of the
    project's ``build/`` hidden from it."""
    # The project's kernel is installed in the project's environment: Ploomber's finds it there.
    env = {paths.OUTPUT_ENV: str(spec.parent / "output"), "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter")}
    command = [str(PEER_BIN / "ploomber"), "build", "--entry-point", str(spec), *args]
    with hidden_from_peer(project, hide):
        return timed(command, project, env, memory=memory)


def build(project: ProjectCopy, *args: str, memory: bool = False):
    return timed([sys.executable, "-m", "dprk_report", "build", "--quiet", *args], project, memory=memory)


@contextlib.contextmanager
def hidden_from_peer(project: ProjectCopy, parts: tuple[str, ...] | None):
    """Hide ``parts`` of the project's ``build/`` (all of it for ``ALL_OF_BUILD``) during another tool's build,
    then put back what was there before, in place of what that build's notebooks wrote meanwhile (a record of the
    same data version's validation, the same articles' hashes): none of it stays for the project's next build."""
    build_dir = project.root / "build"
    hidden = {}
    try:
        for kept in [build_dir] if parts is ALL_OF_BUILD else [build_dir / part for part in parts]:
            away = kept.with_name(f".{kept.name}-hidden")
            _remove(away)
            if kept.exists():
                kept.rename(away)
            hidden[kept] = away  # only now: what was there is away (or there was nothing), so kept can go after
        yield
    finally:
        for kept, away in hidden.items():
            _remove(kept)
            if away.exists():
                away.rename(kept)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


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


EDITED_NOTEBOOK = "02-chart-statement-cadence"
#: The comment the code edit puts first in the notebook's first code cell after the parameters.
CODE_EDIT = "# benchmark edit"


def _rewrite_notebook(project: ProjectCopy, edit) -> None:
    """Apply ``edit`` to the cells of the benchmark's edited notebook (a touch alone changes no hash, so
    rebuilds nothing)."""
    notebook = project.root / "notebooks" / f"{EDITED_NOTEBOOK}.ipynb"
    document = json.loads(notebook.read_text())
    edit(document["cells"])
    notebook.write_text(json.dumps(document, indent=1) + "\n")


def edit_notebook(project: ProjectCopy, round_number: int) -> None:
    """Change one notebook's text: its first (Markdown) cell. The build re-renders its pages from their
    records; Ploomber runs the notebook again."""

    def edit(cells):
        cells[0]["source"][-1] = cells[0]["source"][-1].rstrip() + " " * (round_number % 2)

    _rewrite_notebook(project, edit)


def edit_code(project: ProjectCopy, round_number: int) -> None:
    """Change one notebook's code: a comment, different each round, in its first code cell after the
    parameters. Both the build and Ploomber run the notebook again."""

    def edit(cells):
        cell = next(c for c in cells if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", []))
        cell["source"] = [
            f"{CODE_EDIT} {round_number}\n",
            *(line for line in cell["source"] if not line.startswith(CODE_EDIT)),
        ]

    _rewrite_notebook(project, edit)


def change_data(project: ProjectCopy, round_number: int) -> None:
    """A new version of the data, still valid: a word more in the first statement's summary each round (so
    every page and the validation run again, as after a curator's update)."""
    table = table_path(project.data or project.root / "data", "statements")
    header, rows = read_rows(table)
    rows[0]["summary"] += " Again."
    write_rows(table, header, rows)


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


def measured_code() -> dict:
    """The commit measured and whether the working tree differed from it (``bench/results.json`` aside, which
    the benchmark itself rewrites), so that results name exactly what they measured; empty outside git."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=paths.PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=30
        ).stdout

    try:
        changed = [line for line in git("status", "--porcelain").splitlines() if not line.endswith(RESULTS.name)]
        return {"commit": git("rev-parse", "HEAD").strip(), "uncommitted_changes": bool(changed)}
    except (OSError, subprocess.SubprocessError):
        return {}


def paired(ours, theirs) -> dict:
    """Both tools' runs, taken in pairs one right after the other, and the median of the pairs' ratios."""
    return {
        "project": summary(ours),
        "ploomber": summary(theirs),
        "ratio": round(statistics.median(a / b for a, b in zip(ours, theirs)), 3),
    }


def measure(project: ProjectCopy, spec: Path, work: Path, repeats: int) -> dict:
    """Cold builds (with peak memory), no-op builds, one-notebook rebuilds (its text, its code, its code while
    watching) and rebuilds after a data change, each paired."""
    cold, their_cold, memory, their_memory = [], [], 0.0, 0.0
    for _ in range(repeats):
        unbuild(project)
        seconds, meter = build(project, memory=True)
        cold.append(seconds)
        memory = max(memory, meter.total_mb)
        ploomber_peer.unbuild(work)
        seconds, meter = ploomber(project, spec, memory=True, hide=ALL_OF_BUILD)
        their_cold.append(seconds)
        their_memory = max(their_memory, meter.total_mb)
    result = {
        "cold": paired(cold, their_cold),
        "peak_rss_mb": {"project": round(memory), "ploomber": round(their_memory)},
    }
    noop, their_noop = [], []
    for _ in range(repeats):
        noop.append(build(project)[0])
        their_noop.append(ploomber(project, spec)[0])
    result["noop"] = paired(noop, their_noop)
    for name, change, peer_options, hide in (
        ("one_notebook_text_changed", edit_notebook, (), ONLY_THE_PROJECT_KEEPS),
        ("one_notebook_code_changed", edit_code, (), ONLY_THE_PROJECT_KEEPS),
        # Ploomber does not see the data (its pipeline declares none): its user forces the build.
        ("data_changed", change_data, ("--force",), NEW_DATA),
    ):
        changed, their_changed = [], []
        for round_number in range(repeats):
            change(project, round_number + 1)
            ploomber_peer.write_pipeline(project.root, work)  # the edited notebook's copy
            changed.append(build(project)[0])
            their_changed.append(ploomber(project, spec, *peer_options, hide=hide)[0])
        result[name] = paired(changed, their_changed)
        result[name]["over_own_cold"] = round(statistics.median(changed) / statistics.median(cold), 3)
    watched, their_watched, watch_memory = code_edits_while_watching(project, spec, work, repeats)
    result["one_notebook_code_changed_watching"] = paired(watched, their_watched) | {
        "over_own_cold": round(statistics.median(watched) / statistics.median(cold), 3),
        "peak_rss_mb": round(watch_memory),
    }
    return result


def code_edits_while_watching(project: ProjectCopy, spec: Path, work: Path, repeats: int):
    """One notebook's code edited while ``watch`` runs: the seconds from the edit to the watch being ready again
    (the edited pages published), each paired with Ploomber's build of the same edit; and the watch's peak
    memory, kernels included."""
    # As from a terminal: Ctrl-C (SIGINT) stops it even when the benchmark runs in the background.
    process = project.start("watch", "--quiet")
    meter = PeakMemory(process.pid)
    ours, theirs = [], []
    try:
        _until_watching(process)  # builds what is stale, then starts the kernels
        for round_number in range(repeats):
            started = time.perf_counter()
            edit_code(project, WATCHED_EDITS + round_number)
            _until_watching(process)
            ours.append(time.perf_counter() - started)
            ploomber_peer.write_pipeline(project.root, work)
            theirs.append(ploomber(project, spec)[0])
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its kernels stop when they see it gone
            process.wait()
        meter.stop()
    return ours, theirs, meter.total_mb


#: Round numbers of the edits made while watching: not those of the edits before, so that each is new code.
WATCHED_EDITS = 1000


def _until_watching(process: subprocess.Popen) -> None:
    """Read the watch's log up to its next ``event=watching``; stop the benchmark if its build failed."""
    seen = []
    for line in process.stderr:
        seen.append(line)
        if "event=watching" in line:
            if "build=ok" not in line:
                raise SystemExit("benchmark step failed: a build while watching\n" + "".join(seen[-30:]))
            return
    raise SystemExit(f"benchmark step failed: the watch ended (status {process.wait()})\n" + "".join(seen[-30:]))


def main() -> int:
    if not (PEER_BIN / "ploomber").is_file():
        raise SystemExit(f"Ploomber is not installed in {PEER_BIN}: run `make bench`, which installs it")
    code = measured_code()  # before the copies are made (the second, for 100x, is made midway: edit nothing meanwhile)
    work = Path(tempfile.mkdtemp(prefix="dprk-bench-"))
    try:
        project = make_copy(work / "project", small_config=False)
        print(f"benchmark in {work}, {REPEATS} runs each", file=sys.stderr)
        naive = [naive_chain(project, work / "naive") for _ in range(REPEATS)]
        spec = ploomber_peer.write_pipeline(project.root, work / "ploomber")
        real = measure(project, spec, work / "ploomber", REPEATS)
        large = make_copy(work / "large", small_config=False)
        counts = synthetic.generate(work / "synthetic" / "data", work / "synthetic" / "archive", scale=100)
        large.data, large.archive = work / "synthetic" / "data", work / "synthetic" / "archive"
        large_spec = ploomber_peer.write_pipeline(large.root, work / "ploomber-large")
        # The same measurements as on the real data: the ratios are to hold at 100x too.
        scale = measure(large, large_spec, work / "ploomber-large", SCALE_REPEATS)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results = report(naive, real, scale, counts, code)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    return 0


def report(naive: list[float], real: dict, scale: dict, counts, code: dict) -> dict:
    naive_median = statistics.median(naive)
    cold_median = real["cold"]["project"]["median"]
    results = {
        "code": code,
        "machine": machine(),
        "pages": len(load_config().pages),
        "repeats": REPEATS,
        # Since this key: Ploomber in an environment of its own, the build in the project's alone.
        "environments": {"project": Path(sys.prefix).name, "ploomber": PEER_BIN.parent.name},
        "naive_chain": summary(naive),
        "cold_build_ratio_to_naive": round(cold_median / naive_median, 3),
        "real": real,
        "scale_100x": scale
        | {
            "over_real_cold_build": round(scale["cold"]["project"]["median"] / cold_median, 3),
            "records": {
                "sources": counts.sources,
                "statements": counts.statements,
                "estimates": counts.estimates,
                "citations": counts.citations,
            },
        },
        "targets": TARGETS,
    }
    peak = max(real["peak_rss_mb"]["project"], scale["peak_rss_mb"]["project"])
    watching = "one_notebook_code_changed_watching"
    peak_watching = max(real[watching]["peak_rss_mb"], scale[watching]["peak_rss_mb"])
    results["targets_met"] = {
        "cold_build_ratio": results["cold_build_ratio_to_naive"] <= TARGETS["cold_build_ratio"],
        "noop_build_seconds": real["noop"]["project"]["median"] <= TARGETS["noop_build_seconds"],
        "noop_build_seconds_100x": scale["noop"]["project"]["median"] <= TARGETS["noop_build_seconds"],
        "noop_build_ratio": real["noop"]["project"]["median"] / naive_median <= TARGETS["noop_build_ratio"],
        "scale_over_real": results["scale_100x"]["over_real_cold_build"] <= TARGETS["scale_over_real"],
        "peak_rss_mb": peak <= TARGETS["peak_rss_mb"],
        "peak_rss_mb_watching": peak_watching <= TARGETS["peak_rss_mb"],  # a watch with its kept kernels
        "cold_over_ploomber": real["cold"]["ratio"] <= TARGETS["cold_over_ploomber"],
        "cold_over_ploomber_100x": scale["cold"]["ratio"] <= TARGETS["cold_over_ploomber"],
        **_edit_targets(real, ""),
        **_edit_targets(scale, "_100x"),
    }
    return results


#: The edits that have targets (not the data's change), by their key in the results and their name among the
#: targets.
EDITS = {
    "one_notebook_text_changed": "text_changed",
    "one_notebook_code_changed": "code_changed",
    "one_notebook_code_changed_watching": "code_changed_watching",
}


def _edit_targets(measured: dict, suffix: str) -> dict[str, bool]:
    """Whether each edit's build met its targets: against Ploomber's, and against the same data's cold build."""
    met = {}
    for key, name in EDITS.items():
        met[f"{name}_over_ploomber{suffix}"] = measured[key]["ratio"] <= TARGETS["changed_over_ploomber"]
        met[f"{name}_over_cold{suffix}"] = measured[key]["over_own_cold"] <= TARGETS["changed_over_cold"]
    return met


def print_table(results: dict) -> None:
    real, scale = results["real"], results["scale_100x"]
    print(f"naive chain (papermill + nbconvert CLIs): median {results['naive_chain']['median']:.2f} s")
    print(f"{'measurement (median s)':46} {'project':>9} {'ploomber':>9} {'ratio':>7}")
    rows = [
        ("cold build", real["cold"]),
        ("no-op build", real["noop"]),
        ("one notebook's text changed", real["one_notebook_text_changed"]),
        ("one notebook's code changed", real["one_notebook_code_changed"]),
        ("the same, while watching", real["one_notebook_code_changed_watching"]),
        ("the data changed (Ploomber forced)", real["data_changed"]),
        ("100x data: cold build", scale["cold"]),
        ("100x data: no-op build", scale["noop"]),
        ("100x data: one notebook's text changed", scale["one_notebook_text_changed"]),
        ("100x data: one notebook's code changed", scale["one_notebook_code_changed"]),
        ("100x data: the same, while watching", scale["one_notebook_code_changed_watching"]),
        ("100x data: the data changed (Ploomber forced)", scale["data_changed"]),
    ]
    for label, entry in rows:
        print(f"{label:46} {entry['project']['median']:9.2f} {entry['ploomber']['median']:9.2f} {entry['ratio']:7.3f}")
    print(f"cold build {results['cold_build_ratio_to_naive']:.3f} x naive")
    for label, measured in (("real data", real), ("100x data", scale)):
        print(
            f"{label}: one notebook's text changed {measured['one_notebook_text_changed']['over_own_cold']:.3f} x "
            f"own cold build, its code {measured['one_notebook_code_changed']['over_own_cold']:.3f} x "
            f"({measured['one_notebook_code_changed_watching']['over_own_cold']:.3f} x while watching)"
        )
    print(f"100x cold {scale['over_real_cold_build']:.3f} x real cold build")
    print(
        f"peak RSS, whole process tree: project {real['peak_rss_mb']['project']} MB "
        f"(100x {scale['peak_rss_mb']['project']} MB), ploomber {real['peak_rss_mb']['ploomber']} MB "
        f"(100x {scale['peak_rss_mb']['ploomber']} MB); a watch with its kept kernels "
        f"{real['one_notebook_code_changed_watching']['peak_rss_mb']} MB "
        f"(100x {scale['one_notebook_code_changed_watching']['peak_rss_mb']} MB)"
    )
    print("targets met: " + ", ".join(f"{k}={'yes' if v else 'NO'}" for k, v in results["targets_met"].items()))


if __name__ == "__main__":
    sys.exit(main())
