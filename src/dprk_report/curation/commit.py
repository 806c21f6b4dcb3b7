"""Write a change to the curated tables only when the whole dataset then validates, all tables at once."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from dprk_report.data.tables import (
    TABLES,
    Row,
    complete_replace,
    read_table,
    replace_tables,
    table_path,
    write_rows,
)


class CurationError(ValueError):
    """The change cannot be made; the message says what to do."""


def commit_if_valid(
    data_dir: Path,
    archive_dir: Path,
    changes: dict[str, tuple[list[str], list[Row]]],
    origins: dict[tuple[str, str], str] | None = None,
) -> None:
    """Write ``changes`` (table -> header, rows) only if the whole dataset then validates.

    The new tables are written and validated in a scratch copy first; on any
    problem nothing in ``data_dir`` changes and the problems are raised, named
    as the curator knows the files, and each problem in a row that ``origins`` knows ((table, row id) -> what
    the row came from, such as a candidate) says where to correct it. The changed tables are then swapped in
    together (``replace_tables``): a crash leaves the old dataset or the new one.
    """
    from dprk_report.data.validation import validate

    complete_replace(data_dir)
    with tempfile.TemporaryDirectory(prefix="dprk-curation-") as scratch:
        trial = Path(scratch) / "data"
        trial.mkdir()
        for table in TABLES:
            shutil.copyfile(table_path(data_dir, table), table_path(trial, table))
        for table, (header, rows) in changes.items():
            write_rows(table_path(trial, table), header, rows)
        report = validate(trial, archive_dir)
        if report.problems:
            origin = _origins_by_line(trial, changes, origins or {})
            shown = [
                str(problem).replace(str(trial), "data") + origin.get((Path(problem.file).stem, problem.row), "")
                for problem in report.problems
            ]
            raise CurationError(
                "the change would make the dataset invalid; nothing was written:\n  " + "\n  ".join(shown)
            )
        replace_tables(data_dir, {table: table_path(trial, table) for table in changes})


def _origins_by_line(trial: Path, changes: dict, origins: dict[tuple[str, str], str]) -> dict[tuple[str, int], str]:
    """What each written row of ``origins`` came from, by (table, line in the written file), as a problem's
    ending: " (from candidate S070-02)". A quoted cell may span lines, so lines are read back, not counted."""
    found = {}
    for table in changes:
        frame = read_table(table_path(trial, table)).frame
        if frame is None or frame.empty:
            continue
        for line, row_id in frame.iloc[:, 0].items():
            if (table, row_id) in origins:
                found[(table, line)] = f" (from {origins[(table, row_id)]})"
    return found
