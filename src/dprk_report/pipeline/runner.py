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
    waited = []  # what the lock said while it waited for another build

    def notify(message: str) -> None:
        waited.append(message)
        say(message)

    with contextlib.ExitStack() as held:
        try:
            config = load_config()
            manifest = read_manifest(root)
            early = None
            if not check and kept is None and _runs_every_page(config, manifest, force):
                # It will build: the lock first (so that no kernel waits for another build to end, or starts for
                # a build refused), then the kernels, which boot while the inputs are hashed and the plan made.
                held.enter_context(build_lock(paths.BUILD_DIR, wait=wait, notify=notify))
                early = held.enter_context(_early_kernels(config, jobs))
            fingerprints = Fingerprints(config.path)
            plan = make_plan(config, fingerprints, manifest, root, force)
        except (ConfigError, paths.ArchiveNotFoundError) as error:
            say(f"build stopped: {error}")
            return EXIT_FAILED
        except BuildBusy as error:
            say(f"build not started: {error}")
            return EXIT_BUSY
        if check:
            return _report_check(plan)
        if plan.up_to_date:
            _tidy(root)
            if not quiet:
                say("report is up to date; nothing to build")
            return EXIT_OK
        try:
            with build_lock(paths.BUILD_DIR, wait=wait, notify=notify) if early is None else contextlib.nullcontext():
                from dprk_report.pipeline.build import build_locked

                # The plan made just now stands, unless the build waited for another one after making it (which
                # may have published, or the inputs may have changed while it waited): it is made again then.
                planned = PlannedBuild(fingerprints, manifest, plan) if early is not None or not waited else None
                return build_locked(config, root, quiet, jobs, force, kept, planned, early)
        except BuildBusy as error:
            say(f"build not started: {error}")
            return EXIT_BUSY
        except Exception as error:  # anything unforeseen: still one clear message, and nothing published changed
            say(f"build failed: {type(error).__name__}: {error}")
            say("the published report was left unchanged")
            return EXIT_FAILED


def _runs_every_page(config, manifest: dict, force: bool) -> bool:
    """Whether the build will run every page whatever the plan says: the rebuild is forced, or no page was
    published (a first build). Such a build takes the lock and starts its kernels before it plans
    (``kernel.EarlyKernels``); another may have nothing to do, and starts none (the no-op build stays at
    planning)."""
    return bool(config.pages) and (force or not manifest["pages"])


def _early_kernels(config, jobs: int | None):
    """One kernel for each page that runs at once (``build.threads_for``), started now."""
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
