"""Rules that relate cells of one row, rows of different tables, or rows and the archive.

Each check is a function of ``Tables`` that reports what it finds and returns
nothing. A check runs only when the columns it needs were read: a missing file
or column is already reported once, and checking around it would bury that one
line under consequences of it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dprk_report import vocab
from dprk_report.data.tables import frame_records
from dprk_report.text.dates import (
    Period,
    period_or_none,
    precision_problem,
    resolve_weekday,
    weekday_named_in,
)
from dprk_report.text.quotes import article_text_of, normalise, quote_in_normalised

#: (table, date column, precision column, basis column or None)
DATED_FIELDS = (
    ("sources", "published_date", "published_precision", None),
    ("statements", "event_date", "date_precision", "date_basis"),
    ("estimates", "announced_date", "announced_precision", "announced_basis"),
    ("estimates", "as_of_date", "as_of_precision", None),
)
#: (table, id column, basis column) for records whose date may be resolved against an article.
RESOLVABLE = (("statements", "statement_id", "date_basis"), ("estimates", "estimate_id", "announced_basis"))
#: Dates of records that cannot lie after the articles reporting them: (table, id column, date column).
EVENT_DATES = (
    ("statements", "statement_id", "event_date"),
    ("estimates", "estimate_id", "announced_date"),
    ("estimates", "estimate_id", "as_of_date"),
)
RESOLVABLE_DATE = {"statements": "event_date", "estimates": "announced_date"}

Row = dict[str, str | None]


@dataclass
class Tables:
    """The frames that could be read, their display names, the archive, and what was found."""

    frames: dict[str, pd.DataFrame]
    names: dict[str, str]
    archive: Path
    problems: list[tuple[str, int | None, str | None, str]] = field(default_factory=list)
    _texts: dict[str, str | None] = field(default_factory=dict)
    _digests: dict[str, str | None] = field(default_factory=dict)
    _normalised: dict[str, str] = field(default_factory=dict)
    _rows: dict[str, list[tuple[int, Row]]] = field(default_factory=dict)
    _citing: dict[str, list[Row]] | None = None

    def has(self, table: str, *columns: str) -> bool:
        frame = self.frames.get(table)
        return frame is not None and all(column in frame.columns for column in columns)

    def rows(self, table: str) -> Iterator[tuple[int, Row]]:
        """``(line, row)`` pairs with empty cells as ``None`` (converted once per table, then reused)."""
        if table not in self._rows:
            self._rows[table] = frame_records(self.frames[table])
        return iter(self._rows[table])

    def report(self, table: str, line: int | None, column: str | None, message: str) -> None:
        self.problems.append((self.names[table], line, column, message))

    def ids(self, table: str, column: str) -> set[str]:
        return {row[column] for _, row in self.rows(table) if row[column]}

    def citing_sources(self) -> dict[str, list[Row]]:
        """Citation rows grouped by the record they cite (grouped once, then reused: three checks ask)."""
        if self._citing is None:
            grouped: dict[str, list[Row]] = defaultdict(list)
            for _, row in self.rows("citations"):
                if row["record_id"]:
                    grouped[row["record_id"]].append(row)
            self._citing = dict(grouped)  # not a defaultdict: looking up a record no citation names adds nothing
        return self._citing

    def publication_periods(self) -> dict[str, tuple[Period, str]]:
        """Each source's publication period and precision, where the date is readable."""
        periods = {}
        for _, row in self.rows("sources"):
            period = period_or_none(row["published_date"])
            if row["source_id"] and period is not None:
                periods[row["source_id"]] = (period, row["published_precision"])
        return periods

    def normalised_article(self, archive_file: str) -> str:
        """A readable archived file's text as quotes are compared with it (``normalise``), made once."""
        if archive_file not in self._normalised:
            self._normalised[archive_file] = normalise(self.article_text(archive_file) or "")
        return self._normalised[archive_file]

    def article_text(self, archive_file: str) -> str | None:
        """An archived file's text, read once; ``None`` when missing or not UTF-8."""
        self._read_article(archive_file)
        return self._texts[archive_file]

    def article_digest(self, archive_file: str) -> str | None:
        """The sha256 of an archived file's bytes, those its text was read from; ``None`` when missing."""
        self._read_article(archive_file)
        return self._digests[archive_file]

    def article_digests(self) -> dict[str, str | None]:
        """The sha256 of every archived file read so far, by name (``None``: missing), for the data version of
        exactly what the validation read."""
        return dict(self._digests)

    def _read_article(self, archive_file: str) -> None:
        # One reading for the hash and the text: the quotes are then checked in the very bytes whose hash
        # matched the registered one, even if the file changed (and changed back) during the validation.
        if archive_file in self._texts:
            return
        path = self.archive / archive_file
        data = path.read_bytes() if path.is_file() else None
        self._digests[archive_file] = hashlib.sha256(data).hexdigest() if data is not None else None
        try:
            self._texts[archive_file] = article_text_of(data) if data is not None else None
        except UnicodeDecodeError:
            self._texts[archive_file] = None


def check_date_precision(t: Tables) -> None:
    """Every date agrees with its precision column."""
    for table, date_column, precision_column, _ in DATED_FIELDS:
        if not t.has(table, date_column, precision_column):
            continue
        for line, row in t.rows(table):
            if row[date_column] and period_or_none(row[date_column]) is None:
                continue
            message = precision_problem(row[date_column], row[precision_column])
            if message:
                t.report(table, line, date_column, message)


def check_date_basis(t: Tables) -> None:
    """Basis ``not_stated`` goes with an empty date, and an empty date with ``not_stated``."""
    for table, date_column, _, basis_column in DATED_FIELDS:
        if basis_column is None or not t.has(table, date_column, basis_column):
            continue
        for line, row in t.rows(table):
            basis, written = row[basis_column], row[date_column]
            if basis == "not_stated" and written:
                t.report(table, line, basis_column, f"is 'not_stated' but {date_column} is {written!r}")
            elif basis and basis != "not_stated" and not written:
                t.report(table, line, basis_column, f"is {basis!r} but {date_column} is empty (use 'not_stated')")


def check_resolved_against(t: Tables) -> None:
    """Resolved dates name a known source, and a weekday or relative date names a citing one."""
    if not t.has("sources", "source_id"):
        return
    sources = t.ids("sources", "source_id")
    citing = t.citing_sources() if t.has("citations", "record_id", "source_id") else None
    for table, id_column, basis_column in RESOLVABLE:
        if not t.has(table, id_column, basis_column, "date_resolved_against"):
            continue
        for line, row in t.rows(table):
            basis, named = row[basis_column], row["date_resolved_against"]
            if basis in vocab.RESOLVED_BASES and not named:
                t.report(table, line, "date_resolved_against", f"required when {basis_column} is {basis!r}")
            elif named and named not in sources:
                t.report(table, line, "date_resolved_against", f"{named!r} is not a source_id in sources.csv")
            elif (
                named
                and basis in ("weekday", "relative")
                and citing is not None
                and named not in {cite["source_id"] for cite in citing.get(row[id_column], [])}
            ):
                t.report(
                    table,
                    line,
                    "date_resolved_against",
                    f"{named} does not cite {row[id_column]}; a {basis} date is read from a citing article",
                )


def check_weekday_dates(t: Tables) -> None:
    """A weekday date is the latest such weekday on or before the named article's day.

    The weekday is read from the citation's ``date_as_written`` ("on Wednesday");
    when that phrase names none there is nothing to recompute.
    """
    if not t.has("citations", "record_id", "source_id", "date_as_written"):
        return
    if not t.has("sources", "source_id", "published_date", "published_precision"):
        return
    published = t.publication_periods()
    citing = t.citing_sources()
    for table, id_column, basis_column in RESOLVABLE:
        date_column = RESOLVABLE_DATE[table]
        if not t.has(table, id_column, basis_column, date_column, "date_resolved_against"):
            continue
        for line, row in t.rows(table):
            if row[basis_column] != "weekday":
                continue
            message = _weekday_mismatch(row, row[date_column], published, citing.get(row[id_column], []))
            if message:
                t.report(table, line, date_column, message)


def _weekday_mismatch(
    row: Row, written: str | None, published: dict[str, tuple[Period, str]], citations: list[Row]
) -> str | None:
    """Why a weekday-based date is not the weekday its citing article names, if it is not."""
    period = period_or_none(written)
    named = row["date_resolved_against"]
    if period is None or named not in published:
        return None
    if period.precision != "day":
        return f"{written!r} has basis 'weekday', which gives a day"
    article, precision = published[named]
    if precision != "day":
        return None
    for cite in citations:
        weekday = weekday_named_in(cite["date_as_written"]) if cite["source_id"] == named else None
        if weekday:
            expected = resolve_weekday(weekday, article.start)
            if period.start != expected:
                return (
                    f"{written!r} is not the {weekday.title()} on or before {named}'s date "
                    f"{article.start.isoformat()}; that is {expected.isoformat()}"
                )
    return None


def check_references(t: Tables) -> None:
    """Every citation points at an existing record and an existing source."""
    if not t.has("citations", "record_id", "source_id"):
        return
    if t.has("statements", "statement_id") and t.has("estimates", "estimate_id"):
        records = t.ids("statements", "statement_id") | t.ids("estimates", "estimate_id")
        for line, row in t.rows("citations"):
            if row["record_id"] and row["record_id"] not in records:
                message = f"{row['record_id']!r} is not in statements.csv or estimates.csv"
                t.report("citations", line, "record_id", message)
    if t.has("sources", "source_id"):
        sources = t.ids("sources", "source_id")
        for line, row in t.rows("citations"):
            if row["source_id"] and row["source_id"] not in sources:
                t.report("citations", line, "source_id", f"{row['source_id']!r} is not in sources.csv")


def check_every_record_cited(t: Tables) -> None:
    """Every statement and estimate traces to at least one article."""
    if not t.has("citations", "record_id"):
        return
    cited = t.ids("citations", "record_id")
    for table, id_column, _ in RESOLVABLE:
        if not t.has(table, id_column):
            continue
        for line, row in t.rows(table):
            if row[id_column] and row[id_column] not in cited:
                t.report(table, line, id_column, f"{row[id_column]} has no citation in citations.csv")


def check_duplicate_citations(t: Tables) -> None:
    """One citation per (record, article) pair."""
    if not t.has("citations", "record_id", "source_id"):
        return
    first_line: dict[tuple[str, str], int] = {}
    for line, row in t.rows("citations"):
        pair = (row["record_id"], row["source_id"])
        if None in pair:
            continue
        if pair in first_line:
            message = f"{pair[0]} is already cited from {pair[1]} on line {first_line[pair]}"
            t.report("citations", line, "record_id", message)
        else:
            first_line[pair] = line


def check_figures(t: Tables) -> None:
    """A range has both ends, and low <= best <= high where they are given."""
    if not t.has("estimates", "low", "best", "high"):
        return
    for line, row in t.rows("estimates"):
        low, best, high = (_number(row[column]) for column in ("low", "best", "high"))
        if bool(row["low"]) != bool(row["high"]):
            given = "low" if row["low"] else "high"
            t.report("estimates", line, given, "a range needs both low and high; a single figure goes in best")
        if low is not None and high is not None and low > high:
            t.report("estimates", line, "low", f"{low} is greater than high {high}")
        if best is not None and low is not None and best < low:
            t.report("estimates", line, "best", f"{best} is below low {low}")
        if best is not None and high is not None and best > high:
            t.report("estimates", line, "best", f"{best} is above high {high}")


def check_parts(t: Tables) -> None:
    """Only a figure that counts a part (``scope`` ``subset``) says which part (``part``)."""
    if not t.has("estimates", "scope", "part"):
        return
    for line, row in t.rows("estimates"):
        if row["part"] and row["scope"] != "subset":
            t.report(
                "estimates", line, "part", f"only a part (scope 'subset') says which part; scope is {row['scope']!r}"
            )


def _number(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def check_events_not_after_articles(t: Tables) -> None:
    """No record is dated after an article that reports it.

    An event is too late when its period starts after the last day the article
    can have appeared. A ``not_before`` article may have appeared any time after
    its date, so it bounds nothing.
    """
    if not t.has("citations", "record_id", "source_id"):
        return
    if not t.has("sources", "source_id", "published_date", "published_precision"):
        return
    published = t.publication_periods()
    citing = t.citing_sources()
    for table, id_column, date_column in EVENT_DATES:
        if not t.has(table, id_column, date_column):
            continue
        for line, row in t.rows(table):
            event = period_or_none(row[date_column])
            if event is None:
                continue
            for cite in citing.get(row[id_column], []):
                article, precision = published.get(cite["source_id"], (None, None))
                if article is not None and precision != "not_before" and event.start > article.end:
                    t.report(
                        table,
                        line,
                        date_column,
                        f"{row[date_column]!r} is after {cite['source_id']} (published "
                        f"{article.end.isoformat()}), which reports it",
                    )


def check_archive_files(t: Tables) -> None:
    """Every source's file is in the archive, unchanged, and numbered like its id."""
    if not t.has("sources", "source_id", "archive_file", "sha256"):
        return
    for line, row in t.rows("sources"):
        name = row["archive_file"]
        if not name or "/" in name or "\\" in name:
            continue
        source_id = row["source_id"]
        number = name.split("_", 1)[0]
        if source_id and number.isdigit() and source_id != f"S{number}":
            message = f"{source_id!r} does not match archive file {name!r} (expected S{number})"
            t.report("sources", line, "source_id", message)
        digest = t.article_digest(name)
        if digest is None:
            t.report("sources", line, "archive_file", f"{name!r} not found in the archive {t.archive}")
            continue
        if row["sha256"] and row["sha256"] != digest:
            t.report("sources", line, "sha256", f"does not match {name} (whose sha256 is {digest})")
        if t.article_text(name) is None:
            t.report("sources", line, "archive_file", f"{name!r} is not valid UTF-8 text")


def check_quotes(t: Tables) -> None:
    """Every quote occurs in the archived article it cites."""
    if not t.has("citations", "source_id", "quote") or not t.has("sources", "source_id", "archive_file"):
        return
    files = {row["source_id"]: row["archive_file"] for _, row in t.rows("sources") if row["source_id"]}
    for line, row in t.rows("citations"):
        name = files.get(row["source_id"])
        text = t.article_text(name) if name and "/" not in name and "\\" not in name else None
        if text is None or not row["quote"]:
            continue
        if not quote_in_normalised(row["quote"], t.normalised_article(name)):
            t.report(
                "citations",
                line,
                "quote",
                f"not found in {name} (compared after normalising quotes, dashes and whitespace)",
            )


CROSS_CHECKS: tuple[Callable[[Tables], None], ...] = (
    check_date_precision,
    check_date_basis,
    check_resolved_against,
    check_weekday_dates,
    check_references,
    check_every_record_cited,
    check_duplicate_citations,
    check_figures,
    check_parts,
    check_events_not_after_articles,
    check_archive_files,
    check_quotes,
)
