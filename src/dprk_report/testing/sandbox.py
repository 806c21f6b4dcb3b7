"""A working copy of the project in a temporary folder, run with its own code.

Used by the end-to-end tests and the benchmark. The copy's ``src/`` comes first
on ``PYTHONPATH`` (ahead of the editable install), so the build, its workers and
the notebook kernels all run the copy's package, write the copy's ``report/``
and never touch the real one. The copy gets its own copy of the archive too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from dprk_report import paths

COPIED = (
    "src",
    "notebooks",
    "data",
    "tests",
    "conftest.py",
    "report.toml",
    "pyproject.toml",
    "uv.lock",
    "CITATION.cff",
    ".gitignore",
)
SMALL_CONFIG = """
title = "Test report"
description = "A one-variant report for tests."
notebooks = ["01-describe-sources", "02-chart-statement-cadence", "03-chart-estimate-timing"]
cell_timeout_seconds = {timeout}
limitations = ["Test limitation."]

[[variant]]
name = "all-sides"
title = "All sides"
parameters = {{}}
"""


def _interruptible() -> None:
    """In a started child, Ctrl-C (SIGINT) at its default, as from a terminal.

    A test run started in the background by a script (``cmd &``) inherits SIGINT ignored, and a
    Python child that starts with it ignored never turns it into ``KeyboardInterrupt``.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class ProjectCopy:
    root: Path
    archive: Path

    data: Path | None = None

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({"PYTHONPATH": str(self.root / "src"), paths.ARCHIVE_ENV: str(self.archive)})
        env.pop(paths.DATA_ENV, None)
        env.pop(paths.OUTPUT_ENV, None)
        if self.data is not None:
            env[paths.DATA_ENV] = str(self.data)
        return env

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        """``python -m dprk_report ARGS`` in the copy."""
        return subprocess.run(
            [sys.executable, "-m", "dprk_report", *args],
            cwd=self.root,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "dprk_report", *args],
            cwd=self.root,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            preexec_fn=_interruptible,
        )

    def published(self) -> dict[str, str]:
        """sha256 of every file under report/ and figures/."""
        found = {}
        for folder in ("report", "figures"):
            for path in sorted((self.root / folder).rglob("*")):
                if path.is_file():
                    found[path.relative_to(self.root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        return found

    def clone(self, destination: Path) -> ProjectCopy:
        def skip(folder: str, names: list[str]) -> set[str]:
            scratch = {"build"} if Path(folder) == self.root else set()
            return scratch | {name for name in names if name == "__pycache__"}

        shutil.copytree(self.root, destination, ignore=skip)
        # Keyed by data and rules, and by code, environment and data: still true in the clone.
        for remembered in (self.root / "build" / "validated", self.root / "build" / "kept-charts"):
            if remembered.is_dir():
                shutil.copytree(remembered, destination / "build" / remembered.name)
        archive = destination.parent / f"{destination.name}-archive"
        shutil.copytree(self.archive, archive)
        return ProjectCopy(destination, archive, self.data)


def make_copy(destination: Path, timeout: int = 120, small_config: bool = True) -> ProjectCopy:
    """A fresh copy with an unbuilt report (by default a one-variant one) and its own copy of the archive."""
    destination.mkdir(parents=True)
    for name in COPIED:
        source = paths.PROJECT_ROOT / name
        if source.is_dir():
            # Compiled bytecode comes along: it stays valid (copies keep the sources' times) and saves every
            # process of the copy compiling the package again.
            shutil.copytree(source, destination / name)
        else:
            shutil.copy2(source, destination / name)
    if small_config:
        (destination / "report.toml").write_text(SMALL_CONFIG.format(timeout=timeout), encoding="utf-8")
    archive = destination.parent / f"{destination.name}-archive"
    shutil.copytree(paths.archive_dir(), archive)
    return ProjectCopy(destination, archive)
