"""``python -m dprk_report build``: plan, then hand the stale pages to ``build`` (which validates, executes
them in parallel and publishes); a report that is up to date costs only the plan."""

from __future__ import annotations

import contextlib
from pathlib import Path

from dprk_report import paths
from dprk_report.pipeline.config import ConfigError, load_config
from dprk_report.pipeline.fingerprint import Fingerprints
from dprk_report.pipeline.outcome import EXIT_BUSY, EXIT_FAILED, EXIT_OK, say
from dprk_report.pipeline.plan import PlannedBuild, make_plan, read_manifest
from dprk_report.pipeline.publish import BuildBusy, build_lock, recover


def run_build(
    check: bool = False,
    quiet: bool = False,
    jobs: int | None = None,
    force: bool = False,
    wait: bool = True,
    kept=None,
) -> int:
    """Bring the published report up to date (or, with ``check``, only say whether it is). Returns the exit code.

    ``kept`` (a ``kernel.KeptKernels``): the build takes its kernels from there and gives them back (``watch``).

    The project is the one this package belongs to (``paths.PROJECT_ROOT``): its ``report.toml``, data,
    notebooks and outputs. To build another copy, run that copy's own package (as ``testing.sandbox`` does).
    """
    root = paths.PROJECT_ROOT
    with contextlib.ExitStack() as stack:
        try:
            config = load_config()
            manifest = read_manifest(root)
            early = None if check or kept is not None else _early_kernels(config, manifest, jobs, force)
            if early is not None:
                stack.callback(early.close)  # those the build did not take, however it ends
            fingerprints = Fingerprints(config.path)
            plan = make_plan(config, fingerprints, manifest, root, force)
        except (ConfigError, paths.ArchiveNotFoundError) as error:
            say(f"build stopped: {error}")
            return EXIT_FAILED
        if check:
            return _report_check(plan)
        if plan.up_to_date:
            _tidy(root)
            if not quiet:
                say("report is up to date; nothing to build")
            return EXIT_OK
        try:
            waited = []  # what the lock said while it waited for another build

            def notify(message: str) -> None:
                waited.append(message)
                say(message)

            with build_lock(paths.BUILD_DIR, wait=wait, notify=notify):
                from dprk_report.pipeline.build import build_locked

                # The plan made just now stands, unless the build waited for another one (which may have
                # published, or the inputs may have changed while it waited): it is made again then.
                planned = None if waited else PlannedBuild(fingerprints, manifest, plan)
                return build_locked(config, root, quiet, jobs, force, kept, planned, early)
        except BuildBusy as error:
            say(f"build not started: {error}")
            return EXIT_BUSY
        except Exception as error:  # anything unforeseen: still one clear message, and nothing published changed
            say(f"build failed: {type(error).__name__}: {error}")
            say("the published report was left unchanged")
            return EXIT_FAILED


def _early_kernels(config, manifest: dict, jobs: int | None, force: bool):
    """Kernels started now, before the inputs are hashed and the plan made, when the build will run every page
    whatever the plan says: no page was published (a first build) or the rebuild is forced. Else None: a build
    that may have nothing to do starts no kernel (the no-op build stays at planning)."""
    if not config.pages or not (force or not manifest["pages"]):
        return None
    from dprk_report.pipeline.build import threads_for
    from dprk_report.pipeline.kernel import EarlyKernels

    return EarlyKernels(threads_for(jobs, len(config.pages)))


def _tidy(root: Path) -> None:
    """Repair or remove what a killed build left (a no-op build too), unless another build is running."""
    if not any(paths.BUILD_DIR.glob("staging-*")) and not any(paths.BUILD_DIR.glob("previous-*")):
        return
    try:
        with build_lock(paths.BUILD_DIR, wait=False):
            for line in recover(root, paths.BUILD_DIR):
                say(f"build: {line}")
    except BuildBusy:
        pass  # the running build owns them


def _report_check(plan) -> int:
    if plan.up_to_date:
        print("report is up to date")
        return EXIT_OK
    print("report is stale:")
    for line in plan.reasons():
        print(f"  {line}")
    return EXIT_FAILED
