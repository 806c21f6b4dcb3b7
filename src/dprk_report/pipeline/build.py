"""Build the stale pages of a plan and publish them: validate the data (in the first kernel, unless this very
data passed before) while the other kernels start on the pages, run the pages in one kernel per core, the
longest first (``durations``; re-render, with no kernel, those whose outputs stand: only their text
changed), prepare the index in a kernel meanwhile, publish atomically if the data passed and every page was
built. The kernels are started for the build and shut down after it, or, for ``watch``, taken from and given
back to the kernels it keeps (``kernel.KeptKernels``).

Only a build that has something to do loads this module and what it imports (threads, processes, the
kernel and, through ``execute``, papermill and nbconvert): the no-op build stays at planning.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import shutil
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from dprk_report import paths
from dprk_report.data.kept import read_kept, write_kept
from dprk_report.data.validated import known_valid, remember_valid, validation_key
from dprk_report.data.version import data_version, file_hash
from dprk_report.pipeline import signals
from dprk_report.pipeline.chart_folders import chart_folder, tidy
from dprk_report.pipeline.durations import (
    LongestFirst,
    kernel_start_seconds,
    kernels_worth_starting,
    remember_kernel_start,
    remember_seconds,
)
from dprk_report.pipeline.fingerprint import Fingerprints
from dprk_report.pipeline.kernel_jobs import index_parts, validation_problems
from dprk_report.pipeline.outcome import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, say
from dprk_report.pipeline.plan import (
    INDEX,
    MANIFEST,
    PlannedBuild,
    index_inputs,
    index_parts_inputs,
    make_plan,
    read_manifest,
)
from dprk_report.pipeline.progress import Progress
from dprk_report.pipeline.publish import PublishFailed, prepare_staging, publish, recover, staging_dir


def build_locked(
    config,
    root: Path,
    quiet: bool,
    jobs: int | None,
    force: bool,
    kept=None,
    planned: PlannedBuild | None = None,
    early=None,
) -> int:
    """Build what is stale, holding the build lock (see ``runner.run_build``); returns the exit status.

    ``kept`` (a ``kernel.KeptKernels``): take the kernels from there and give them back at the end, instead of
    starting them and shutting them down (``watch``). ``planned``: the plan the caller made just before it took
    the lock, used while it stands (``plan_stands``; hashing the inputs again took 0.05 s at 100 times today's
    data, before any kernel starts). ``early`` (a ``kernel.EarlyKernels``): kernels the caller started before it
    planned, taken first; the caller closes those left."""
    started = time.time()  # wall-clock, as files' times are: the charts used from now on are kept
    locked = time.monotonic()  # a kernel started early counts its start from here at the soonest: _timed_warm_up
    recovered = list(recover(root, paths.BUILD_DIR))
    for line in recovered:
        say(f"build: {line}")
    manifest = read_manifest(root)
    if plan_stands(planned, recovered, manifest):
        fingerprints, plan = planned.fingerprints, planned.plan
    else:  # another build may have just finished
        fingerprints = Fingerprints(config.path)
        plan = make_plan(config, fingerprints, manifest, root, force)
    if plan.up_to_date:
        return EXIT_OK
    staging = staging_dir(paths.BUILD_DIR)
    # The kernels' environment: figures go to staging; this data version is validated below, once, and
    # nothing is published unless it passes.
    charts = chart_folder(fingerprints)
    environment = {
        paths.OUTPUT_ENV: str(staging),
        paths.TRUSTED_ENV: fingerprints.data,
        paths.KEPT_CHARTS_ENV: str(charts),
    }
    run = [page for page, _ in plan.stale if page.key not in plan.outputs_reused]
    key = validation_key(fingerprints.data)  # the data version the build already took
    checked = known_valid(key)
    workers = _workers(jobs, LongestFirst(run, paths.BUILD_DIR), kept, validating=not checked)
    kernels = workers if run else 0  # kernels for the pages (one more, below, only to validate, if need be)
    if early is not None:
        early.keep(max(kernels, 0 if checked else 1))
    runners = ThreadRunners(lambda: _page_runner(staging, config.cell_timeout, environment, kept, early))
    progress = Progress(len(plan.stale), quiet)
    if kernels or not checked:
        # Imported before the threads start, so that they start the kernels at once instead of importing it
        # while this thread imports the page machinery, the two taking turns at the interpreter's lock
        # (kernels ~0.15 s sooner).
        importlib.import_module("dprk_report.pipeline.kernel")
    try:
        with _interrupt_stops(runners, kept, early), ThreadPoolExecutor(max_workers=workers) as pool:
            # Unless this very data passed before, the first kernel validates it while the others load what
            # the pages need and start on them: nothing is published unless the data pass.
            checking = None if checked else pool.submit(lambda: runners.mine().call(validation_problems))
            validating = 1 if checking else 0  # kernels (a build that only re-renders starts one to validate)
            warming = [pool.submit(_timed_warm_up, runners, locked) for _ in range(kernels - validating)]
            prepare_staging(root, paths.BUILD_DIR)
            progress.log("build_started", pages=len(plan.stale), kernels=max(kernels, validating))
            reused = [page for page, _ in plan.stale if page.key in plan.outputs_reused]
            rerendered, run_instead = _rerender(reused, staging, progress)  # while the kernels warm up
            # In a kernel when there is one: pandas and the dataset are loaded there.
            in_kernel = bool(run or run_instead) or checking is not None
            pages, failures, prepared = _execute(
                pool,
                workers,
                warming,
                runners,
                LongestFirst(run + run_instead, paths.BUILD_DIR),
                progress,
                lambda: _prepare_index(
                    config, fingerprints, manifest, staging, lambda: runners.mine() if in_kernel else None
                ),
                checking,
                keep_kernels=kept is not None,
            )
            pages |= rerendered
            if kept is None:  # kept kernels were started by watch, not for this build
                remember_kernel_start([f.result() for f in warming if f.exception() is None], paths.BUILD_DIR)
            problems, validated_as_taken = _validation_problems(checking, key, fingerprints.data)
    except KeyboardInterrupt:
        with contextlib.suppress(Exception):  # the interrupt, not a failure to shut a killed kernel down, is news
            runners.close(kept)  # before the staging area goes: nothing writes there any more
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        runners.close(kept)
        progress.close()
    if problems and validated_as_taken:  # else they are another version's: the data changed, said below
        say("build stopped: the dataset is invalid; nothing was published:")
        for line in problems:
            say(f"  {line}")
        return EXIT_FAILED
    if not validated_as_taken or data_version() != fingerprints.data:
        # Said instead of the failures (of pages, of the index) that reading the changed data caused.
        # Pages built from a dataset that changed under them would carry a data version they do not match; data
        # validated as another version than the build took (changed, even if changed back, while validated)
        # were not validated as what the pages read.
        say(
            "build stopped: the data or a cited article changed while the build ran; nothing was published; "
            "run the build again"
        )
        return EXIT_FAILED
    if failures:
        for message in failures:
            say(f"build failed: {message}")
        say("the published report was left unchanged")
        return EXIT_FAILED
    _finish(config, fingerprints, manifest, plan, pages, staging, prepared)
    if not _published(staging, root):
        return EXIT_FAILED
    tidy(charts, since=started)
    progress.log("build_published", pages=len(plan.stale), seconds=f"{time.monotonic() - progress.started:.1f}")
    return EXIT_OK


def plan_stands(planned: PlannedBuild | None, recovered: list[str], manifest: dict) -> bool:
    """Whether the plan made before taking the lock (``planned``) still stands:
    nothing was repaired since (``recovered``, what ``recover`` did) and no build published (the manifest is as
    the plan read it). An input that changed in the milliseconds between is as one changed while the build runs:
    data stop the build, an edited notebook is built again next time."""
    return planned is not None and not recovered and planned.manifest == manifest


def _published(staging: Path, root: Path) -> bool:
    """Swap the staged report in (``publish``); whether it was. A failure is said, and only then does a stop
    that came during the swap act (``signals.HeldInterrupt``, not published)."""
    try:
        publish(staging, root, paths.BUILD_DIR)
    except PublishFailed as error:
        say(f"build failed: {error}")
        signals.act_on(error.held, published=False)
        return False
    return True


def _validation_problems(checking, key: str, version: str) -> tuple[list[str], bool]:
    """The problems the validation of the data found (none when this version was already known valid, see
    data.validated), and whether what it validated is the version the build took. Data found valid are
    remembered (so that no later build or kernel validates them again) when they are that version."""
    if checking is None:
        return [], True
    try:
        found = checking.result()
    except Exception as error:  # a kernel that died or timed out while validating
        raise ValidationFailed(f"the data could not be validated: {error}") from None
    as_taken = found["data_version"] == version
    if not found["problems"] and as_taken:
        remember_valid(key)
    return found["problems"], as_taken


class ValidationFailed(Exception):
    """The validation itself could not run to its end."""


def _invalid(checking) -> bool:
    """Whether the validation has found the data invalid already: the pages not yet started are then skipped."""
    return (
        checking is not None
        and checking.done()
        and checking.exception() is None
        and bool(checking.result()["problems"])
    )


def _page_runner(staging: Path, cell_timeout: int, environment: dict[str, str], kept=None, early=None):
    """A page runner for this thread, its kernel (one of ``kept``'s or ``early``'s, if given) started first: it
    boots while this thread imports the page machinery (papermill, nbconvert), which only a build needs."""
    from dprk_report.pipeline.kernel import ReusedKernel

    source = kept if kept is not None else early
    kernel = source.take() if source is not None else ReusedKernel()
    try:
        running = kernel.running()  # started early, or kept: giving it the environment waits for its answer
        if not running:
            kernel.use_environment(environment)
            kernel.start()
            kernel.begin_imports()
        from dprk_report.pipeline.execute import PageRunner

        if running:
            kernel.use_environment(environment)
        return PageRunner(staging, cell_timeout, paths.BUILD_DIR / "failed", kernel)
    except BaseException:
        # No runner holds it, for the build's end to close it: closed here, at best (it may have been killed).
        with contextlib.suppress(Exception):
            kernel.close()
        raise


#: What a build stopped by a second signal says as it quits.
QUIT_AT_ONCE = (
    "build quit at once at a second interrupt; the published report is unchanged "
    "(the next build removes what this one left in build/)\n"
)


@contextlib.contextmanager
def _interrupt_stops(runners, kept=None, early=None):
    """While the build's threads run: Ctrl-C (or a signal ``watch`` turns into KeyboardInterrupt) kills the
    kernels of ``runners`` at once, so their pages end within a second and no other starts, instead of the
    build waiting for each running page to end (up to the cell timeout); KeyboardInterrupt is raised once the
    threads have ended.

    The signal only sets a flag and kills the kernels. A KeyboardInterrupt raised at once could land in this
    thread in the middle of an import the other threads wait on, leaving Python's import lock held and the
    build hung (seen with Ctrl-C in a build's first second). A second signal quits at once, for a user who will
    not wait for the threads to end; nothing is published by then. It kills the idle kernels of ``kept`` (a
    ``kernel.KeptKernels``, ``watch``) too, and removes every kernel's files. The kernels of ``early``
    (``kernel.EarlyKernels``) not taken yet are killed at the first signal. Outside the main thread, where no
    handler can be set, nothing changes."""
    papermill_log = logging.getLogger("papermill")

    def stop(signum, frame) -> None:
        # Plain attribute writes, os.killpg, file removals and os.write only: a handler can run inside another
        # (a second signal), and anything taking a lock here (print's among them) could wait for itself.
        if runners.stopped:
            runners.stop()  # the kernels of runners made since the first signal (one still starting is ended
            runners.remove_files()  # by ipykernel when this process is gone); no socket folder left behind
            for kernel in list(kept.idle) if kept is not None else []:
                kernel.stop()
                kernel.remove_files()
            if early is not None:
                early.stop()
                early.remove_files()
            os.write(2, QUIT_AT_ONCE.encode())
            os._exit(EXIT_INTERRUPTED)
            return  # (os._exit does not return; a test replaces it)
        papermill_log.disabled = True  # its "kernel died" is the stop's doing
        runners.stop()
        if early is not None:
            early.stop()  # none left waiting is taken and booted for a page that will not run

    # Not the signals left at their default action or ignored: they stop the build (or not) as before.
    stopping = [number for number in signals.STOPPING if callable(signal.getsignal(number))]
    try:
        with signals.handled_by(stop, stopping) if signals.main_thread() else contextlib.nullcontext():
            yield
    finally:
        papermill_log.disabled = False
        if runners.stopped:
            raise KeyboardInterrupt


def _workers(jobs: int | None, pages: LongestFirst, kept, validating: bool) -> int:
    """How many pages run at once: ``jobs`` when given, else as many as end ``pages`` soonest
    (``durations.kernels_worth_starting``), at most one per core; kernels ``kept`` by ``watch`` cost no start.
    While the data are being validated (in the first kernel, as long as a page or two), one per core."""
    if jobs or validating:
        return threads_for(jobs, len(pages))
    start = 0.0 if kept is not None else kernel_start_seconds(paths.BUILD_DIR)
    return kernels_worth_starting(pages.expected(), threads_for(None, len(pages)), start)


def _timed_warm_up(runners, since: float) -> float:
    """Start this thread's kernel with what every page loads; the seconds it took: from when its process was
    launched, for a kernel started early (``kernel.EarlyKernels``, as the build planned), but no sooner than
    ``since``, when the build took the lock: a kernel waiting for another build to end is not starting."""
    started = time.monotonic()
    runner = runners.mine()
    runner.warm_up()
    return time.monotonic() - max(min(started, runner.kernel.launched or started), since)


def threads_for(jobs: int | None, pages: int) -> int:
    """How many pages run at once (each in its own thread and kernel): ``jobs``, else one per core; never more
    than the pages."""
    return max(1, min(jobs or os.cpu_count() or 1, pages))


class ThreadRunners:
    """One page runner (and so one kernel) per thread of the pool, made on first use."""

    def __init__(self, make):
        self.make, self.local, self.all = make, threading.local(), []
        self.lock = threading.Lock()
        self.stopped = False

    def mine(self):
        if not hasattr(self.local, "runner"):
            self.local.runner = self.make()
            with self.lock:
                self.all.append(self.local.runner)
            if self.stopped:  # stop() ran while it was made: it may not have seen it in self.all
                self.local.runner.stop()
        return self.local.runner

    def close_mine(self) -> None:
        """Close this thread's runner (its kernel), if it has one."""
        if hasattr(self.local, "runner"):
            self.local.runner.close()

    def stop(self) -> None:
        """Kill every runner's kernel now, and those of runners made from now on (from a signal handler: no
        lock is taken)."""
        self.stopped = True
        for runner in list(self.all):
            runner.stop()

    def remove_files(self) -> None:
        """Remove every runner's kernel files now (from a signal handler, before the process ends at once)."""
        for runner in list(self.all):
            runner.kernel.remove_files()

    def close(self, kept=None) -> None:
        """Shut every runner's kernel down, or give it back to ``kept`` (a ``kernel.KeptKernels``) unless it was
        killed by :meth:`stop`. Each once: a second call finds only those the first did not reach."""
        while self.all:
            runner = self.all.pop()
            if kept is None or runner.kernel.interrupted:
                runner.close()
            else:
                kept.give_back(runner.kernel)


def _execute(pool, threads: int, warming, runners, run, progress: Progress, prepare, checking, keep_kernels=False):
    """Run the pages ``run`` (a ``durations.LongestFirst``) in its order, then ``prepare`` the index, in the
    ``threads`` of ``pool``; those left once the validation ``checking`` finds the data invalid are skipped;
    unless ``keep_kernels``, idle threads shut their kernels down. Remembers how long each page took
    (``durations``). Returns the pages' entries, the failures, and what ``prepare`` made."""
    from dprk_report.pipeline.render import PageFailed

    # A kernel that cannot start: its pages then fail with the cause (said once the data are known valid, as
    # invalid data can be the cause).
    unwarmed = [future.exception() for future in warming if future.exception() is not None]

    def build_next():
        page = run.take()
        if page is None or _invalid(checking) or runners.stopped:
            return None
        result = runners.mine().build(page)
        run.finished(page, result["seconds"])
        return result

    futures = [pool.submit(build_next) for _ in range(len(run))]  # one for each page

    def prepare_if_publishable():
        if checking is not None:
            checking.exception()  # waits for the validation (which started first, in another thread)
        if _invalid(checking) or runners.stopped or any(f.done() and f.exception() is not None for f in futures):
            return None  # nothing will be published
        return prepare()

    # Queued after every page, so that a thread takes it when no page is left for it, while the last pages run.
    preparing = pool.submit(prepare_if_publishable)
    # Queued after everything: an idle thread takes them and shuts its kernel down while the others finish
    # (best effort: one thread may take them all; every kernel is shut down at the end anyway).
    if not keep_kernels:
        for _ in range(threads):
            pool.submit(runners.close_mine)
    built, failures = {}, []
    for future in as_completed(futures):
        try:
            result = future.result()
        except PageFailed as error:
            failures.append(str(error))
            continue
        except Exception as error:  # e.g. a kernel that would not start
            failures.append(f"{type(error).__name__}: {error}")
            continue
        if result is None:  # skipped: the data are invalid
            continue
        built[result["key"]] = result["entry"]
        progress.page_done(result["key"], result["seconds"])
    remember_seconds(run.timed, paths.BUILD_DIR)  # each page's, told by build_next as it ended
    try:
        prepared = preparing.result()
    except Exception as error:
        failures.append(f"the index could not be prepared: {type(error).__name__}: {error}")
        prepared = None
    if not _invalid(checking):
        for error in unwarmed:
            progress.log(
                "kernel_warm_up_failed", error=str(error).splitlines()[0] if str(error) else type(error).__name__
            )
    return built, failures, prepared


def _rerender(pages, staging: Path, progress: Progress) -> tuple[dict, list]:
    """Publish again, with their notebooks' new text, the pages whose outputs stand (no kernel is needed).
    Returns their entries, and the pages to run instead: those whose record cannot take the new text."""
    if not pages:
        return {}, []
    from dprk_report.pipeline.render import PageWriter

    writer = PageWriter(staging)
    built, run_instead = {}, []
    for page in pages:
        try:
            result = writer.rerender(page)
        except Exception as error:  # e.g. a record not made from this notebook's code
            # A run rewrites everything the page has in staging: always a safe way out.
            progress.log("page_run_instead", page=page.key, reason=f"{type(error).__name__}: {error}")
            run_instead.append(page)
            continue
        built[result["key"]] = result["entry"]
        progress.page_done(result["key"], result["seconds"], reused=True)
    return built, run_instead


#: The index's parts kept from the build that last prepared them, with what they were made from.
INDEX_PARTS_STORE = "index-parts.json"


def _prepare_index(config, fingerprints, manifest: dict, staging: Path, runner_of) -> tuple[tuple[str, str], list[str]]:
    """Everything the index shows but its list of pages, and the files beside it: the notebook style, and
    what depends on the data (``kernel_jobs.index_parts``: in the kernel of ``runner_of()``, or here when it
    gives none; the files, ``downloads.write_beside_index``, here, at the same time). Returns the index's parts
    and those files.

    Parts made from the same inputs as those published (the files beside them are then in staging already,
    copied with the published report) are taken from the build that made them: at 100 times today's data,
    making them again took 0.55 to 0.7 s, after the pages of a one-notebook rebuild had ended."""
    from dprk_report.pipeline.downloads import write_beside_index
    from dprk_report.pipeline.render import NOTEBOOK_CSS, write_notebook_css

    write_notebook_css(staging)
    inputs = index_parts_inputs(config, fingerprints)
    published = {key: value for key, value in manifest.get("index", {}).get("inputs", {}).items() if key != "pages"}
    kept = read_kept(paths.BUILD_DIR / INDEX_PARTS_STORE)
    if published == inputs and _index_parts_kept(kept, inputs) and all((staging / f).is_file() for f in kept["files"]):
        return (kept["parts"][0], kept["parts"][1]), [NOTEBOOK_CSS, *kept["files"]]
    runner = runner_of()
    # At the same time: while a kernel prepares the parts, this process only waits for its answer. (Without a
    # kernel, the two take turns here: no faster, and no slower.)
    with ThreadPoolExecutor(max_workers=1) as beside:
        writing = beside.submit(write_beside_index, config, fingerprints.data, staging)
        arguments = (str(config.path), fingerprints.data)
        parts = runner.call(index_parts, *arguments) if runner is not None else index_parts(*arguments)
        files = writing.result()
    write_kept(paths.BUILD_DIR / INDEX_PARTS_STORE, {"inputs": inputs, "parts": parts, "files": files})
    return (parts[0], parts[1]), [NOTEBOOK_CSS, *files]


def _index_parts_kept(kept, inputs: dict) -> bool:
    """Whether ``kept`` holds index parts made from ``inputs``, as :func:`_prepare_index` keeps them."""
    return (
        isinstance(kept, dict)
        and kept.get("inputs") == inputs
        and isinstance(kept.get("parts"), list)
        and len(kept["parts"]) == 2
        and all(isinstance(part, str) for part in kept["parts"])
        and isinstance(kept.get("files"), list)
        and all(isinstance(name, str) for name in kept["files"])
    )


def _finish(config, fingerprints, manifest, plan, built: dict, staging: Path, prepared) -> None:
    """Drop removed pages, then write the index (from its prepared parts) and the manifest into staging."""
    pages = {key: entry for key, entry in manifest.get("pages", {}).items() if key not in plan.removed}
    for key in plan.removed:
        for output in manifest["pages"][key].get("outputs", {}):
            (staging / output).unlink(missing_ok=True)
    for key, entry in built.items():
        pages[key] = entry | {"inputs": plan.inputs[key]}
    from dprk_report.pipeline.index import assemble_index

    parts, files = prepared
    (staging / INDEX).write_text(assemble_index(pages, config, parts), encoding="utf-8")
    index = {
        "inputs": index_inputs(config, fingerprints, pages),
        "outputs": {name: file_hash(staging / name) for name in (INDEX, *files)},
    }
    document = {"data_version": fingerprints.data, "pages": pages, "index": index}
    (staging / MANIFEST).write_text(
        json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
