"""``python -m dprk_report nightly`` (``make nightly``): the scheduled job, end to end.

1. validate the data (invalid: stop, exit 1, nothing published changes);
2. build the report (only what is stale);
3. when the data differ from the last release, make a release (changelog, tag, commit);
   otherwise commit the rebuilt report if the build changed it;
4. check how old the newest estimate is today: older than ``stale_after_days`` (report.toml) logs a
   warning and exits 4, after everything was published.

Each step logs one ``dprk-report event=...`` line, so a cron log reads as a history.
"""

from __future__ import annotations

import datetime as dt
import sys

from dprk_report import paths
from dprk_report.pipeline.progress import log

EXIT_OK, EXIT_FAILED, EXIT_BUSY, EXIT_STALE = 0, 1, 3, 4
#: What the job commits when the report changed without a release (code or parameters changed).
REPORT_PATHS = ("report", "figures")


def run_nightly(today: dt.date | None = None) -> int:
    """Run the scheduled sequence; return its exit status (0, 1, 3 or 4; see the module docstring)."""
    from dprk_report.data.validation import remembered_problems
    from dprk_report.pipeline.outcome import EXIT_BUSY as BUILD_BUSY
    from dprk_report.pipeline.outcome import EXIT_OK as BUILD_OK
    from dprk_report.pipeline.runner import run_build

    today = today or dt.datetime.now(dt.UTC).date()
    try:
        problems = remembered_problems()  # a pass is remembered: the build and the release do not validate again
    except paths.ArchiveNotFoundError as error:
        log("nightly_failed", step="validate", reason=str(error))
        return EXIT_FAILED
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        log("nightly_failed", step="validate", problems=len(problems))
        return EXIT_FAILED
    built = run_build(quiet=True, wait=False)  # a build still running from the last night: say so, do not pile up
    if built != BUILD_OK:
        log("nightly_failed", step="build")
        return EXIT_BUSY if built == BUILD_BUSY else EXIT_FAILED
    status = _release_or_commit(today)
    if status != EXIT_OK:
        return status
    return _staleness(today)


def _release_or_commit(today: dt.date) -> int:
    from dprk_report.release.git import GitError, changed_paths, commit_files
    from dprk_report.release.make import ReleaseBusy, ReleaseError, make_release

    try:
        outcome = make_release(today)
    except ReleaseBusy as error:
        print(f"release not started: {error}", file=sys.stderr)
        log("nightly_failed", step="release", reason="busy")
        return EXIT_BUSY
    except (ReleaseError, GitError) as error:
        print(f"release failed: {error}", file=sys.stderr)
        log("nightly_failed", step="release")
        return EXIT_FAILED
    for line in outcome.lines:
        print(line, file=sys.stderr)
    if outcome.release:
        log("nightly_released", release=outcome.release.name, tag=outcome.release.tag)
        return EXIT_OK
    try:
        changed = [path for path in changed_paths(paths.PROJECT_ROOT) if path.split("/")[0] in REPORT_PATHS]
        if changed:
            commit = commit_files(paths.PROJECT_ROOT, list(REPORT_PATHS), "Report regenerated")
            log("nightly_committed", commit=commit[:12], files=len(changed))
        else:
            log("nightly_unchanged")
    except GitError as error:
        print(f"commit failed: {error}", file=sys.stderr)
        log("nightly_failed", step="commit")
        return EXIT_FAILED
    return EXIT_OK


def _staleness(today: dt.date) -> int:
    from dprk_report.analysis.freshness import freshness
    from dprk_report.data.dataset import load_dataset
    from dprk_report.pipeline.config import load_config
    from dprk_report.text.wording import long_day

    threshold = load_config().stale_after_days
    fresh = freshness(load_dataset(), today)
    if fresh.stale(threshold):
        known = fresh.estimate_age is not None
        log(
            "data_stale",
            newest_estimate=f"{fresh.newest_estimate:%Y-%m-%d}" if known else "none",
            age_days=fresh.estimate_age if known else "none",
            threshold_days=threshold,
        )
        newest = f"its newest estimate is {fresh.estimate_age} days old" if known else "it holds no estimate"
        print(
            f"warning: no estimate became public in the {threshold} days before {long_day(today)}; the "
            f"report was published, but {newest} (exit status {EXIT_STALE})",
            file=sys.stderr,
        )
        return EXIT_STALE
    log("data_fresh", newest_estimate=f"{fresh.newest_estimate:%Y-%m-%d}", age_days=fresh.estimate_age)
    return EXIT_OK
