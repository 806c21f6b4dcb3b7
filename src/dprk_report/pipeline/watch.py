"""``python -m dprk_report watch``: build, then build again whenever an input of the report changes (a notebook,
a table, an article, ``report.toml``, the package or the locked environment), keeping the kernels running from
one build to the next. A rebuild then pays only for the pages it runs: the kernels' start, the imports of
pandas and matplotlib and the loading of the dataset are done once.

What a change makes stale is for the build's plan to say (a change to nothing a page uses builds nothing).
A change to the package code the pages run, or to the locked environment, starts the watch again in a new
process: this one and its kernels hold the old code.
"""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from dprk_report import paths
from dprk_report.pipeline.progress import log_line
from dprk_report.pipeline.runner import EXIT_OK, run_build

#: How long (ms) changes must have stopped before they are built: a save, or a curator's change of several
#: tables, is built once, when it is whole.
SETTLE_MS = 50
#: How often (s) the single-file inputs are compared (see ``_files_state``).
FILES_EVERY_S = 0.5


def watch(quiet: bool = False, jobs: int | None = None, restart: list[str] | None = None) -> None:
    """Build, then rebuild on every change until interrupted (Ctrl-C raises ``KeyboardInterrupt``).

    ``restart``: the command-line arguments that start this watch again (after a change of package code)."""
    from dprk_report.pipeline.kernel import KeptKernels

    code = _code_version()
    kept = KeptKernels()
    with _FolderChanges(_watched_folders()) as folders:
        try:
            files = _files_state()
            _round(kept, quiet, jobs, folders=" ".join(map(paths.shown, folders.watched)))
            while True:
                changed, files = _next_change(folders, files)
                _log("changed", files=_first(changed))
                if _code_version() != code:
                    _log("restarting", reason="the package code the pages run, or the locked environment, changed")
                    kept.close()
                    sys.stderr.flush()
                    os.execv(sys.executable, [sys.executable, "-m", "dprk_report", *(restart or ["watch"])])
                _round(kept, quiet, jobs)
        finally:
            kept.close()


def _round(kept, quiet: bool, jobs: int | None, **fields) -> None:
    """Build what is stale, have a kernel ready for each page that can run at once, and say the watch goes on."""
    status = run_build(quiet=quiet, jobs=jobs, kept=kept)
    _warm(kept, jobs or os.cpu_count() or 1)
    _log("watching", build="ok" if status == EXIT_OK else "failed", **fields)


def _warm(kept, count: int) -> None:
    """Start kernels until ``kept`` has ``count``, each with the stack and (when known valid) the dataset loaded,
    so that the first change after a build that ran no page is built as fast as the next ones. Best effort: a
    kernel that fails here is started again by the build that takes it."""
    from dprk_report.pipeline.execute import PRELOAD

    def warm(kernel) -> None:
        kernel.use_environment({})  # no build's: trusted only if known valid, like any process
        with contextlib.suppress(RuntimeError):
            kernel.run(PRELOAD, leaves_names=False)

    fresh = kept.to_start(count)
    try:
        if fresh:
            with ThreadPoolExecutor(len(fresh)) as pool:
                list(pool.map(warm, fresh))
    finally:
        for kernel in fresh:
            kept.give_back(kernel)


class _FolderChanges:
    """The files changed in ``folders`` (recursively), collected from the moment the watch starts (by
    ``watchfiles``, in a thread), so that nothing changed while a build runs is missed."""

    def __init__(self, folders: list[Path]):
        self.watched = folders
        self.found: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._collect, name="watch-folders", daemon=True)

    def __enter__(self) -> _FolderChanges:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=5)

    def _collect(self) -> None:
        import watchfiles

        for changes in watchfiles.watch(*self.watched, step=SETTLE_MS, stop_event=self.stop, raise_interrupt=False):
            self.found.put({paths.shown(Path(path)) for _, path in changes})

    def take(self, timeout: float) -> set[str]:
        """The files changed since the last call, waiting up to ``timeout`` seconds for the first."""
        try:
            changed = set(self.found.get(timeout=timeout))
        except queue.Empty:
            return set()
        while not self.found.empty():
            changed |= self.found.get_nowait()
        return changed


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
    """Time and size of the project's single-file inputs, ``report.toml`` and ``uv.lock``.

    A watch on a file is lost when an editor saves it by writing another file and renaming it over the first,
    and a watch on the project's folder would take in ``.venv/``: these two are compared instead.
    """
    state = {}
    for path in (paths.REPORT_CONFIG, paths.LOCK_FILE):
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


def _log(event: str, **fields) -> None:
    print(log_line(event, **fields), file=sys.stderr, flush=True)
