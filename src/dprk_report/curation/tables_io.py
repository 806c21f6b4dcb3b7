"""Read and write the curated tables as text, and validate a change before it is written."""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

from ..tables import TABLES


class CurationError(ValueError):
    """The change cannot be made; the message says what to do."""


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict]) -> None:
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def next_id(rows: list[dict], column: str, prefix: str, width: int) -> str:
    numbers = [int(row[column][len(prefix):]) for row in rows if row.get(column, "").startswith(prefix)
               and row[column][len(prefix):].isdigit()]
    return f"{prefix}{(max(numbers) + 1 if numbers else 1):0{width}d}"


def commit_if_valid(data_dir: Path, archive_dir: Path, changes: dict[str, tuple[list[str], list[dict]]]) -> None:
    """Write ``changes`` (table -> header, rows) only if the whole dataset then validates.

    The new tables are written and validated in a scratch copy first; on any
    problem nothing in ``data_dir`` changes and the problems are raised, named
    as the curator knows the files.
    """
    from ..validation import validate

    with tempfile.TemporaryDirectory(prefix="dprk-curation-") as scratch:
        trial = Path(scratch) / "data"
        trial.mkdir()
        for table in TABLES:
            shutil.copyfile(Path(data_dir) / f"{table}.csv", trial / f"{table}.csv")
        for table, (header, rows) in changes.items():
            write_rows(trial / f"{table}.csv", header, rows)
        report = validate(trial, archive_dir)
        if report.problems:
            shown = [str(problem).replace(str(trial), "data") for problem in report.problems]
            raise CurationError("the change would make the dataset invalid; nothing was written:\n  "
                                + "\n  ".join(shown))
        for table in changes:
            shutil.copyfile(trial / f"{table}.csv", Path(data_dir) / f"{table}.csv")
