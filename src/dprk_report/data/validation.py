"""Check the dataset against its codebook and the source archive.

``validate`` never stops at the first problem: a curator fixing the data wants
the whole list at once, each problem pointing at a file, a line and a column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from dprk_report import paths
from dprk_report.data.checks import CROSS_CHECKS, Tables
from dprk_report.data.findings import WARNING, Finding
from dprk_report.data.ids import id_problems
from dprk_report.data.schema import SCHEMAS
from dprk_report.data.tables import (
    TABLES,
    RawTable,
    complete_replace,
    read_table,
    reads_by_file,
    table_names,
    table_path,
)
from dprk_report.data.version import data_version
from dprk_report.text.quotes import FORMULA_STARTS, normalised_quote
from dprk_report.text.wording import plural


@dataclass
class ValidationReport:
    """Every problem found (findings of severity error), how many rows each table has, and the frames as read."""

    problems: list[Finding]
    counts: dict[str, int]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    data_dir: Path = Path("data")
    #: Each table's name as a curator knows it (``data/statements.csv``).
    names: dict[str, str] = field(default_factory=dict)
    #: The data version of exactly what was validated: the tables and articles as read, even if a file changed
    #: (and changed back) while it was validated (other files, such as an article no check read, as they were
    #: when validation ended). A verdict or the frames are this version's, and only its.
    data_version: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line: the table sizes when valid, else the number of problems."""
        if not self.ok:
            return problem_count(self.problems)
        sizes = ", ".join(f"{self.counts.get(name, 0)} {name}" for name in TABLES)
        return f"{len(TABLES)} tables valid: {sizes}"


def validate(
    data_dir: Path | None = None, archive_dir: Path | None = None, read: dict[str, RawTable] | None = None
) -> ValidationReport:
    """Validate the four tables in ``data_dir`` against the archive in ``archive_dir``.

    Both default to ``paths``. ``read``: the tables as the caller read them already (``tables.read_table``, by
    table name), validated as they are instead of read again. Raises ``paths.ArchiveNotFoundError`` when the
    archive is missing, since no source could then be checked at all.
    """
    data_dir = paths.data_dir(data_dir)
    archive = paths.archive_dir(archive_dir)
    complete_replace(data_dir)  # a change of several tables cut off by a crash is finished first
    names = table_names(data_dir)
    try:
        frames, problems, version = _checked(data_dir, archive, names, read or {})
    finally:
        normalised_quote.cache_clear()  # for this validation's checks only: not kept in a page kernel's memory
    order = {name: position for position, name in enumerate(names.values())}
    problems.sort(key=lambda problem: (order.get(problem.file, len(order)), problem.row or 0))
    counts = {table: len(frame) for table, frame in frames.items()}
    return ValidationReport(problems, counts, frames, data_dir, names, version)


def _checked(
    data_dir: Path, archive: Path, names: dict[str, str], read: dict[str, RawTable]
) -> tuple[dict[str, pd.DataFrame], list[Finding], str]:
    """The tables as read, every problem the schema and the cross-checks find in them (unsorted), and the data
    version of what was read."""
    problems: list[Finding] = []
    frames: dict[str, pd.DataFrame] = {}
    raws = {}
    for table in TABLES:
        raw = raws[table] = read[table] if table in read else read_table(table_path(data_dir, table))
        problems += [Finding(names[table], line, None, message) for line, message in raw.problems]
        if raw.frame is not None:
            frames[table] = raw.frame
            problems += schema_problems(table, raw.frame, names[table])
    tables = Tables(frames, names, archive)
    for check in CROSS_CHECKS:
        check(tables)
    problems += [Finding(*found) for found in tables.problems]
    problems += id_problems(data_dir, frames, names)
    version = data_version(
        data_dir, archive, reads_by_file({table: raw.read for table, raw in raws.items()}), tables.article_digests()
    )
    return frames, problems, version


def problem_count(problems: list) -> str:
    return plural(len(problems), "problem")


def remembered_problems(data_dir: Path | None = None) -> list[Finding]:
    """The dataset's problems (none when valid), validating only data that have not passed these rules before
    (``data.validated``); a pass is remembered. For commands that check the data again and again (the
    scheduled job, a release)."""
    from dprk_report.data.validated import known_valid, remember_valid, validation_key

    data_dir = paths.data_dir(data_dir)
    complete_replace(data_dir)  # as validate does first: else the version taken would be the old tables'
    if known_valid(validation_key(data_version(data_dir), data_dir)):
        return []
    report = validate(data_dir)
    if report.ok:  # under the version validated: the data may have changed since the one just taken
        remember_valid(validation_key(report.data_version, data_dir))
    return report.problems


def unregistered_articles(report: ValidationReport, archive: Path) -> list[Finding]:
    """A warning naming the archived articles that ``sources.csv`` does not register yet (none when all are)."""
    if "sources" not in report.frames:
        return []
    registered = set(report.frames["sources"]["archive_file"].dropna())
    waiting = sorted(path.name for path in archive.glob("[0-9][0-9][0-9]*_*.txt") if path.name not in registered)
    if not waiting:
        return []
    # Not a disagreement between sources (the report does not list it): a reminder for the curator.
    shown = ", ".join(waiting[:5]) + (f" and {len(waiting) - 5} more" if len(waiting) > 5 else "")
    count = f"{len(waiting)} archived article{'s are' if len(waiting) > 1 else ' is'}"
    return [
        Finding(
            paths.shown(table_path(report.data_dir, "sources")),
            None,
            None,
            f"{count} not registered yet (add them with add-source): {shown}",
            WARNING,
        )
    ]


def schema_problems(table: str, frame: pd.DataFrame, file: str) -> list[Finding]:
    """The table's pandera schema run lazily, each failure turned into a Finding."""
    try:
        SCHEMAS[table].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        return [_problem_from_case(case, file) for case in cases.itertuples(index=False)]
    return []


def _problem_from_case(case, file: str) -> Finding:
    """Translate one row of pandera's ``failure_cases`` into the codebook's words."""
    check, value = str(case.check), case.failure_case
    if check == "column_in_dataframe":
        return Finding(file, 1, str(value), "column missing from the header")
    if check == "column_in_schema":
        return Finding(file, 1, str(value), "column is not in the codebook")
    row = None if pd.isna(case.index) else int(case.index)
    if check == "not_nullable":
        return Finding(file, row, case.column, "required but empty")
    if check == "field_uniqueness":
        return Finding(file, row, case.column, f"{value!r} appears on more than one row")
    return Finding(file, row, case.column, f"{_shorten(value)!r} {check}")


def _shorten(value, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def spreadsheet_formulas(report: ValidationReport) -> list[Finding]:
    """Warnings for cells a spreadsheet would run as a formula (they begin with =, +, - or @)."""
    found = []
    for table, frame in report.frames.items():
        for column in frame.columns:
            for line, value in frame[column].items():
                if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                    found.append(
                        Finding(
                            report.names[table],
                            int(line),
                            column,
                            f"begins with {value[0]!r}: a spreadsheet opening this file would run it as a formula",
                            WARNING,
                        )
                    )
    return found
