"""``python -m dprk_report watch``: build, then build again whenever an input of the report changes (a notebook,
a table, an article, ``report.toml``, ``CITATION.cff``, the package or the locked environment), keeping the
kernels running from one build to the next. A rebuild then pays only for the pages it runs: the kernels'
start, the imports of pandas and matplotlib and the loading of the dataset are done once.

What a change makes stale is for the build's plan to say (a change to nothing a page uses builds nothing).
A change to the package code the pages run, or to the locked environment, starts the watch again in a new
process: this one and its kernels hold the old code. A build that fails is reported and the watch goes on.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import queue
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from dprk_report import paths
from dprk_report.pipeline.outcome import EXIT_FAILED, EXIT_OK, say
from dprk_report.pipeline.progress import log
from dprk_report.pipeline.runner import run_build

#: How long (ms) changes must have stopped before they are built: a save, or a curator's change of several
#: tables, is built once, when it is whole.
SETTLE_MS = 50
#: How often (s) the single-file inputs are compared (see ``_files_state``).
FILES_EVERY_S = 0.5
#: Run in a new process before the watch starts again: every module of the changed package must compile (the
#: kernels import some the watch does not), and what the watch itself imports must import.
PACKAGE_CHECK = """
import pathlib, dprk_report
for module in sorted(pathlib.Path(dprk_report.__file__).parent.rglob("*.py")):
    compile(module.read_bytes(), str(module), "exec")
import dprk_report.cli, dprk_report.pipeline.watch, dprk_report.pipeline.build, dprk_report.pipeline.execute
"""


class WatchFailed(Exception):
    """The inputs can no longer be watched."""


def watch(quiet: bool = False, jobs: int | None = None, restart: list[str] | None = None) -> int:
    """Build, then rebuild on every change until interrupted: Ctrl-C, SIGTERM or SIGHUP raise
    ``KeyboardInterrupt``, after which the kernels are shut down. Returns an exit status only when the inputs
    cannot be watched (or raises ``paths.ArchiveNotFoundError`` when there is no archive to watch).

    ``restart``: the command-line arguments that start this watch again (after a change of package code)."""
    from dprk_report.pipeline.kernel import KeptKernels

    for stop in (signal.SIGTERM, signal.SIGHUP):  # a closed terminal, an editor's stop button: shut down cleanly
        if signal.getsignal(stop) is not signal.SIG_IGN:  # under nohup, SIGHUP stays ignored
            signal.signal(stop, _interrupt)
    code = _code_version()
    kept = KeptKernels()
    try:
        with _FolderChanges(_watched_folders()) as folders:
            files = _files_state()
            _round(kept, quiet, jobs, folders=" ".join(map(paths.shown, folders.watched)))
            while True:
                changed, files = _next_change(folders, files)
                log("changed", files=_first(changed))
                if _code_version() != code:
                    kept.close()  # they hold the old code
                    _restart(restart)  # returns only when the changed package does not import yet
                    continue
                _round(kept, quiet, jobs)
    except WatchFailed as error:
        say(f"watch stopped: {error}")
        return EXIT_FAILED
    finally:
        kept.close()


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _round(kept, quiet: bool, jobs: int | None, **fields) -> None:
    """Build what is stale, have a kernel ready for each page that can run at once, and say the watch goes on."""
    try:
        status = run_build(quiet=quiet, jobs=jobs, kept=kept)
    except Exception as error:  # run_build reports its own failures; whatever else, the watch goes on
        say(f"build failed: {type(error).__name__}: {error}")
        status = EXIT_FAILED
    try:
        _warm(kept, jobs)
    except Exception as error:  # the next build starts its kernels itself
        say(f"kernels not started ahead of the next build: {type(error).__name__}: {error}")
    log("watching", build="ok" if status == EXIT_OK else "failed", **fields)


def _restart(arguments: list[str] | None) -> None:
    """Start the watch again in this process (``os.execv``), with the changed package; returns only when that
    package does not import, after saying so."""
    tried = subprocess.run([sys.executable, "-c", PACKAGE_CHECK], capture_output=True, text=True)
    if tried.returncode != 0:
        last = (tried.stderr.strip().splitlines() or ["(no message)"])[-1]
        say(f"watch not restarted: the changed package does not import: {last}")
        log("watching", build="failed")
        return
    log("restarting", reason="the package code the pages run, or the locked environment, changed")
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "dprk_report", *(arguments or ["watch"])])


def _warm(kept, jobs: int | None) -> None:
    """Have this process import the page machinery, and start kernels until ``kept`` has one for each page the
    next build can run at once, each with the stack and (when known valid) the dataset loaded, so that the first
    change after a build that ran no page is built as fast as the next ones. Best effort: a kernel that fails
    here is started again by the build that takes it."""
    from dprk_report.pipeline.build import threads_for
    from dprk_report.pipeline.config import ConfigError, load_config

    # The page machinery (papermill, nbconvert: a second to import), now rather than in the next build.
    importlib.import_module("dprk_report.pipeline.execute")
    try:
        pages = len(load_config().pages)
    except ConfigError:
        return

    def warm(kernel) -> None:
        kernel.use_environment({})  # no build's: the data are trusted only when known valid
        with contextlib.suppress(RuntimeError):
            kernel.load()

    fresh = kept.to_start(threads_for(jobs, pages))
    try:
        if fresh:
            with ThreadPoolExecutor(len(fresh)) as pool:
                try:
                    list(pool.map(warm, fresh))
                except KeyboardInterrupt:
                    # The watch ends: its kernels die now, so that leaving the pool does not wait for their
                    # preloads (the dataset among them) to end.
                    for kernel in fresh:
                        kernel.stop()
                    raise
    finally:
        for kernel in fresh:
            kept.give_back(kernel)


class _FolderChanges:
    """The files changed in ``folders`` (recursively), collected from the moment the watch starts (by
    ``watchfiles``, in a thread), so that nothing changed while a build runs is missed."""

    def __init__(self, folders: list[Path]):
        self.watched = folders
        self.identities: list[tuple[int, int]] = []
        self.found: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._collect, name="watch-folders", daemon=True)

    def __enter__(self) -> _FolderChanges:
        missing = [paths.shown(folder) for folder in self.watched if not folder.is_dir()]
        if missing:
            raise WatchFailed(f"no folder to watch at {', '.join(missing)}")
        self.identities = self._identities()
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=5)

    def _identities(self) -> list[tuple[int, int]]:
        identities = []
        for folder in self.watched:
            try:
                found = folder.stat()
            except OSError:
                identities.append((0, 0))
            else:
                identities.append((found.st_dev, found.st_ino))
        return identities

    def _collect(self) -> None:
        try:
            import watchfiles

            # Jupyter's checkpoints are copies kept beside the notebooks, not inputs.
            ignored = watchfiles.DefaultFilter(
                ignore_dirs=(*watchfiles.DefaultFilter.ignore_dirs, ".ipynb_checkpoints")
            )
            for changes in watchfiles.watch(
                *self.watched, watch_filter=ignored, step=SETTLE_MS, stop_event=self.stop, raise_interrupt=False
            ):
                self.found.put({paths.shown(Path(path)) for _, path in changes})
        except Exception as error:  # e.g. a folder removed, or the system's limit on watches reached
            self.found.put(WatchFailed(f"{type(error).__name__}: {error}"))

    def take(self, timeout: float) -> set[str]:
        """The files changed since the last call, waiting up to ``timeout`` seconds for the first; raises
        ``WatchFailed`` when the folders can no longer be watched."""
        try:
            found = [self.found.get(timeout=timeout)]
        except queue.Empty:
            found = []
        if not found:
            if not self.thread.is_alive():
                raise WatchFailed("the folders are no longer watched")
            # A folder moved away and another put in its place is not the folder watched any more.
            replaced = [
                paths.shown(f) for f, was, now in zip(self.watched, self.identities, self._identities()) if was != now
            ]
            if replaced:
                raise WatchFailed(f"{', '.join(replaced)} was replaced; start the watch again to watch the new one")
            return set()
        while not self.found.empty():
            found.append(self.found.get_nowait())
        for item in found:
            if isinstance(item, WatchFailed):
                raise item
        return set().union(*found)


def _next_change(folders: _FolderChanges, files: dict) -> tuple[list[str], dict]:
    """Wait for the next change; returns the changed files' names and the single files' new state."""
    while True:
        changed = folders.take(timeout=FILES_EVERY_S)
        now = _files_state()
        changed |= {name for name in files.keys() | now.keys() if files.get(name) != now.get(name)}
        if changed:
            return sorted(changed), now


def _watched_folders() -> list[Path]:
    """The folders whose files the report is built from (the data and the archive may be elsewhere)."""
    return [paths.NOTEBOOKS_DIR, paths.data_dir(), paths.archive_dir(), paths.PACKAGE_DIR]


def _files_state() -> dict[str, tuple[int, int] | None]:
    """Time and size of each single file the build's plan reads (``report.toml``, ``uv.lock``, ``CITATION.cff``,
    the codebook, the release list and changelog).

    A watch on a file is lost when an editor saves it by writing another file and renaming it over the first,
    and a watch on the project's folder would take in ``.venv/``: these are compared instead.
    """
    from dprk_report.pipeline.plan import release_files

    data = paths.data_dir()
    state = {}
    for path in (paths.REPORT_CONFIG, paths.LOCK_FILE, paths.codebook(data), *release_files(data)):
        try:
            found = path.stat()
        except FileNotFoundError:
            state[paths.shown(path)] = None
        else:
            state[paths.shown(path)] = (found.st_mtime_ns, found.st_size)
    return state


def _code_version() -> tuple[str, str]:
    """The package code the pages run and the locked environment: what this process and its kernels hold."""
    from dprk_report.data.version import file_hash
    from dprk_report.pipeline.fingerprint import package_hash

    return package_hash(), file_hash(paths.LOCK_FILE) if paths.LOCK_FILE.is_file() else ""


def _first(names: list[str], shown: int = 5) -> str:
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")
