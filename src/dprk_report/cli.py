"""Command line: ``python -m dprk_report <command>``.

Only argparse is imported at module level; each command imports what it needs
when it runs, so that light commands start without loading pandas.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dprk_report import vocab
from dprk_report.pipeline.allocator import return_large_blocks


def _validate(args: argparse.Namespace) -> int:
    """Print every problem and their number to stderr (exit 1), or the summary (exit 0)."""
    from dprk_report import paths
    from dprk_report.data.validation import spreadsheet_formulas, unregistered_articles, validate

    try:
        report = validate(data_dir=args.data, archive_dir=args.archive)
        reminders = unregistered_articles(report, args.archive or paths.archive_dir()) + spreadsheet_formulas(report)
    except paths.ArchiveNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if report.ok:
        from dprk_report.analysis import consistency
        from dprk_report.data.dataset import typed_dataset

        print(report.summary())
        warnings = consistency.check(typed_dataset(report.frames, report.names))
        for warning in [*warnings, *reminders]:
            print(warning, file=sys.stderr)
        if warnings:
            from dprk_report.text.wording import plural

            counted = plural(len(warnings), "consistency warning")
            print(f"{counted} (sources disagree; see data/README.md)", file=sys.stderr)
        return 0
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return 1


def _build(args: argparse.Namespace) -> int:
    """Rebuild what is stale and publish it atomically; with --check only report staleness."""
    from dprk_report.pipeline.outcome import EXIT_INTERRUPTED
    from dprk_report.pipeline.runner import run_build

    try:
        return run_build(check=args.check, quiet=args.quiet, jobs=args.jobs, force=args.force, wait=not args.no_wait)
    except KeyboardInterrupt as stop:
        # Signals are held off while report/ and figures/ are swapped in, so an interrupt never lands mid-swap.
        from dprk_report.pipeline.signals import HeldInterrupt

        if not isinstance(stop, HeldInterrupt):
            print("build interrupted; the published report is unchanged", file=sys.stderr)
        elif stop.published:
            print("build interrupted as it published; the new report is published whole", file=sys.stderr)
        else:  # the swap failed: the build said so, and in what state it left the published report
            print("build interrupted as it published; see above for the published report", file=sys.stderr)
        return EXIT_INTERRUPTED


def _watch(args: argparse.Namespace) -> int:
    """Build, then rebuild on every change of an input, with the kernels kept running, until Ctrl-C."""
    from dprk_report import paths
    from dprk_report.pipeline.watch import watch

    again = ["watch", *(["--quiet"] if args.quiet else []), *(["--jobs", str(args.jobs)] if args.jobs else [])]
    try:
        return watch(quiet=args.quiet, jobs=args.jobs, restart=again)
    except paths.ArchiveNotFoundError as error:
        print(f"watch stopped: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Stopping is how a watch ends; a build it interrupted published nothing (or, caught swapping its pages in,
        # all of them).
        print("watch stopped; the published report is the last one a build completed", file=sys.stderr)
        return 0


def _add_source(args: argparse.Namespace) -> int:
    """Register an archived article and propose its candidate rows."""
    from dprk_report.curation.commit import CurationError
    from dprk_report.curation.register import Given, add_source

    given = Given(
        outlet=args.outlet or "",
        title=args.title or "",
        date=args.date or "",
        precision=args.precision,
        basis=args.basis,
        wire=args.wire or "",
        excerpt=args.excerpt,
    )
    try:
        for line in add_source(args.path, given):
            print(line)
    except (CurationError, ValueError, OSError) as error:  # OSError: a missing file or archive
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _accept(args: argparse.Namespace) -> int:
    """Move the candidates marked 'yes' into the curated tables."""
    from dprk_report.curation.accept import accept
    from dprk_report.curation.commit import CurationError

    try:
        for line in accept(args.candidates):
            print(line)
    except (CurationError, OSError) as error:  # OSError: a missing file or archive
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _release(args: argparse.Namespace) -> int:
    """Release the data when they changed since the last release; otherwise say there is nothing to release."""
    from dprk_report.release.make import ReleaseBusy, ReleaseError, make_release

    try:
        outcome = make_release(args.date)
    except ReleaseBusy as error:
        print(f"release not started: {error}", file=sys.stderr)
        return 3
    except ReleaseError as error:
        print(f"release failed: {error}", file=sys.stderr)
        return 1
    for line in outcome.lines:
        print(line)
    return 0


def _nightly(args: argparse.Namespace) -> int:
    """The scheduled job: validate, build, release or commit, staleness alarm."""
    from dprk_report.release.nightly import run_nightly

    return run_nightly(args.date)


def _day(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day written YYYY-MM-DD") from None


BUILD_EPILOG = """exit status: 0 the report is up to date (built or already current);
1 the build failed (invalid data or config, a failing notebook) and nothing published changed,
or with --check the report is stale; 3 another build is running and --no-wait was given."""


NIGHTLY_EPILOG = """exit status: 0 done (published, released or committed what changed);
1 a step failed (invalid data, a failing build, a release or commit that failed) and nothing published changed;
3 another build is running; 4 done, but the newest estimate is older than stale_after_days (report.toml)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dprk_report", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate = commands.add_parser("validate", help="check the dataset against its codebook and the source archive")
    validate.add_argument(
        "--data", type=Path, metavar="DIR", help="data directory (default: data/ or $DPRK_REPORT_DATA)"
    )
    validate.add_argument(
        "--archive",
        type=Path,
        metavar="DIR",
        help="source archive (default: ../shared/sources or $DPRK_REPORT_ARCHIVE)",
    )
    validate.set_defaults(run=_validate)
    build = commands.add_parser(
        "build",
        help="execute the notebooks of report.toml and publish report/ and figures/",
        epilog=BUILD_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument(
        "--check", action="store_true", help="only say whether the published report matches code, data and parameters"
    )
    build.add_argument("--quiet", action="store_true", help="log lines only (the default when not on a terminal)")
    build.add_argument("--jobs", type=int, metavar="N", help="notebooks run at once (default: number of cores)")
    build.add_argument("--force", action="store_true", help="rebuild every page even when up to date")
    build.add_argument(
        "--no-wait", action="store_true", help="exit with status 3 instead of waiting when another build is running"
    )
    build.set_defaults(run=_build)
    watch = commands.add_parser(
        "watch",
        help="build, then rebuild whenever a notebook, the data, an article, report.toml or the package changes",
        description=(
            "Build what is stale, then watch the inputs and build again after each change, keeping the notebook "
            "kernels running in between (a rebuild does not start them and load the stack again). A change of "
            "the package code or of uv.lock starts the watch again. Stop it with Ctrl-C."
        ),
    )
    watch.add_argument("--quiet", action="store_true", help="log lines only (the default when not on a terminal)")
    watch.add_argument("--jobs", type=int, metavar="N", help="notebooks run at once (default: number of cores)")
    watch.set_defaults(run=_watch)
    release = commands.add_parser(
        "release",
        help="release the data when they changed: changelog, data package, commit and git tag data-YYYY.MM.DD",
        epilog="exit status: 0 released, or nothing to release; 1 the release failed and was taken back whole "
        "(no commit, no tag); 3 another release is running.",
    )
    release.add_argument(
        "--date", type=_day, metavar="YYYY-MM-DD", help="the day that names the release (default: today, UTC)"
    )
    release.set_defaults(run=_release)
    nightly = commands.add_parser(
        "nightly",
        help="the scheduled job: validate, build, release (when the data changed), commit, staleness alarm",
        epilog=NIGHTLY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    nightly.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="today, for the release name and the alarm")
    nightly.set_defaults(run=_nightly)
    add = commands.add_parser("add-source", help="register an archived article and propose candidate rows")
    add.add_argument("path", type=Path, help="the article's text file, already placed in the archive")
    add.add_argument("--outlet", help="the publication, when the text does not name it")
    add.add_argument("--title", help="the headline, when the first line is not it")
    add.add_argument("--date", help="publication date (YYYY-MM-DD, YYYY-MM or YYYY) when the text shows none")
    add.add_argument(
        "--precision", default="day", choices=vocab.PUBLISHED_PRECISIONS, help="precision of --date (default: day)"
    )
    add.add_argument(
        "--basis",
        default="text",
        choices=vocab.PUBLISHED_BASES,
        help="how you know --date: text (reasoned from the text; the default), url, dateline or date_on_page",
    )
    add.add_argument("--wire", choices=vocab.WIRE_AGENCIES, help="wire agency of the story")
    add.add_argument(
        "--excerpt",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="whether the copy is an excerpt (default: yes when it has a url/date header)",
    )
    add.set_defaults(run=_add_source)
    accept = commands.add_parser("accept", help="move candidates marked 'yes' into the curated tables")
    accept.add_argument("candidates", type=Path, help="a file data/candidates/SNNN.csv")
    accept.set_defaults(run=_accept)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = build_parser().parse_args(argv)
    return_large_blocks()
    return args.run(args)
