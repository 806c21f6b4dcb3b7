"""Command line: ``python -m dprk_report <command>``.

Only argparse is imported at module level; each command imports what it needs
when it runs, so that light commands start without loading pandas.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _validate(args: argparse.Namespace) -> int:
    """Print every problem and their number to stderr (exit 1), or the summary (exit 0)."""
    from . import paths
    from .validation import validate

    try:
        report = validate(data_dir=args.data, archive_dir=args.archive)
    except paths.ArchiveNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if report.ok:
        print(report.summary())
        return 0
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dprk_report", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate = commands.add_parser(
        "validate", help="check the dataset against its codebook and the source archive"
    )
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
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = build_parser().parse_args(argv)
    return args.run(args)
