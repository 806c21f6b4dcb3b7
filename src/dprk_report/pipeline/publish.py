"""Staging, atomic publication and the build lock.

A build works on a copy of the published ``report/`` and ``figures/`` in
``build/staging-<pid>/`` and swaps the two folders in only once every page
succeeded. Signals that would stop it are held during the swap and acted on once it
is done; a build killed in the instant between the two renames (SIGKILL) is
repaired by the next build (``recover``).
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from dprk_report.pipeline import signals

PUBLISHED = ("report", "figures")


class BuildBusy(RuntimeError):
    """Another build holds the lock."""


@contextmanager
def build_lock(build_dir: Path, wait: bool = True, notify=print, poll_seconds: float = 0.5):
    """Hold ``build/build.lock`` for the duration; wait for (or refuse to run beside) another build."""
    build_dir.mkdir(parents=True, exist_ok=True)
    path = build_dir / "build.lock"
    with open(path, "a+") as handle:
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                if not wait:
                    raise BuildBusy(f"another build is running (pid {holder}); not starting a second one") from None
                if not told:
                    notify(f"waiting for the build already running (pid {holder}) to finish")
                    told = True
                time.sleep(poll_seconds)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(root: Path, build_dir: Path) -> list[str]:
    """Repair what an interrupted build left, then drop its scratch folders; return what was done, in words.

    A ``previous-<pid>`` folder means that build had succeeded and was swapping
    folders in: the swap is completed from its ``staging-<pid>``, so that
    ``report/`` and ``figures/`` always come from the same build. A staging
    area without one belongs to a build that never finished: it is dropped.
    """
    done = []
    for previous in sorted(build_dir.glob("previous-*")):
        staging = build_dir / previous.name.replace("previous-", "staging-", 1)
        for name in PUBLISHED:
            if (staging / name).exists():
                if (root / name).exists() and not (previous / name).exists():
                    os.replace(root / name, previous / name)
                if not (root / name).exists():
                    os.replace(staging / name, root / name)
            elif not (root / name).exists() and (previous / name).exists():
                os.replace(previous / name, root / name)
        shutil.rmtree(previous, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)  # what is left of the staging area it published from
        done.append(
            f"completed the publication that build {previous.name.removeprefix('previous-')} "
            "was cut off in (report/ and figures/ now come from that build)"
        )
    for staging in build_dir.glob("staging-*"):
        shutil.rmtree(staging, ignore_errors=True)
        done.append(f"removed {staging.name}, left by a build that did not finish")
    return done


class PublishFailed(RuntimeError):
    """Swapping the new report in failed; the message says what state the published report is in. ``held``:
    the stopping signals that arrived meanwhile, not acted on yet (``signals.act_on``)."""

    def __init__(self, message: str, held: list[int] | None = None):
        super().__init__(message)
        self.held = held if held is not None else []  # the very list: complete only once the signals are put back


def staging_dir(build_dir: Path) -> Path:
    """This build's staging area."""
    return build_dir / f"staging-{os.getpid()}"


def prepare_staging(root: Path, build_dir: Path) -> Path:
    """A fresh staging area holding a copy of what is published now."""
    staging = staging_dir(build_dir)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in PUBLISHED:
        if (root / name).is_dir():
            shutil.copytree(root / name, staging / name)
        else:
            (staging / name).mkdir()
    return staging


def publish(staging: Path, root: Path, build_dir: Path) -> None:
    """Swap the staged folders in for the published ones; all or nothing.

    If any rename fails, the folders already swapped are swapped back and :class:`PublishFailed` says
    that the published report is unchanged (or, if even that fails, exactly which folder is from where).
    A staging area on another filesystem than ``root`` is first copied beside it, so that every swap is
    a rename within one filesystem.

    Ctrl-C and the other stopping signals are held until the swap and its clean-up are done
    (``signals.held``), then act (:class:`signals.HeldInterrupt`, published); when the swap failed, those held are
    in :attr:`PublishFailed.held`, for the build to act on once it has said so.
    """
    previous = build_dir / f"previous-{os.getpid()}"
    previous.mkdir(parents=True, exist_ok=True)
    source = _beside(staging, root)
    swapped: list[str] = []
    with signals.held() as received:
        try:
            for name in PUBLISHED:
                if (root / name).exists():
                    os.replace(root / name, previous / name)
                os.replace(source / name, root / name)
                swapped.append(name)
        except OSError as error:
            raise PublishFailed(_roll_back(swapped, source, root, previous, error), held=received) from None
        shutil.rmtree(previous, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
        if source != staging:
            shutil.rmtree(source, ignore_errors=True)
    signals.act_on(received, published=True)


def same_filesystem(first: Path, second: Path) -> bool:
    """Whether a rename from ``first`` into ``second`` stays within one filesystem."""
    return os.stat(first).st_dev == os.stat(second).st_dev


def _beside(staging: Path, root: Path) -> Path:
    """``staging``, or a copy of it next to ``root`` when the two are on different filesystems."""
    if same_filesystem(staging, root):
        return staging
    copy = root / f".publishing-{os.getpid()}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(staging, copy)
    return copy


def _roll_back(swapped: list[str], source: Path, root: Path, previous: Path, error: OSError) -> str:
    """Put the published folders back as they were; say what state the report is in."""
    try:
        for name in PUBLISHED:
            if name in swapped:
                os.replace(root / name, source / name)
            if (previous / name).exists() and not (root / name).exists():
                os.replace(previous / name, root / name)
    except OSError as second:
        state = ", ".join(
            f"{name}/ is {'the new build' if name in swapped else 'the previous one'}" for name in PUBLISHED
        )
        return (
            f"publishing failed ({error}) and so did putting the previous report back ({second}): {state}; "
            f"the previous folders are kept in {previous}; run the build again to publish one consistent report"
        )
    shutil.rmtree(previous, ignore_errors=True)
    return f"publishing failed ({error}); report/ and figures/ were put back as they were before this build"
