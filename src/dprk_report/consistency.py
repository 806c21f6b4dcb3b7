"""Cross-source consistency: disagreements worth a curator's look, reported as warnings.

Unlike validation problems these do not make the dataset invalid: sources do
disagree, and the dataset records that. Each warning names the rows (file and
line) and the sources involved:

- a statement that an article dates differently from the statement's own date;
- an estimate whose figure or qualifier an article gives differently;
- an estimate repeated after the same estimator had published a newer one;
- an act that state media reported before it happened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from . import vocab
from .dates import Period, parse_partial_date, period_or_none
from .textdates import resolve


@dataclass(frozen=True)
class ConsistencyWarning:
    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.row}" if self.row is not None else "")
        return f"warning: {where}: {self.field + ': ' if self.field else ''}{self.message}"




def _overlap(a: Period, b: Period) -> bool:
    return a.start <= b.end and b.start <= a.end


def _describe(period: Period) -> str:
    return period.start.isoformat() if period.precision == "day" else \
        f"{period.start:%Y-%m}" if period.precision == "month" else str(period.start.year)


Record = dict[str, str]


def _records(frame: pd.DataFrame) -> list[tuple[int, Record]]:
    """``(line, row)`` pairs with empty cells as ''."""
    filled = frame.astype(object).where(frame.notna(), "")
    return [(int(line), row) for line, row in zip(filled.index, filled.to_dict("records"))]


class Consistency:
    """Runs every consistency check over the frames of a valid dataset (indexed by line number)."""

    def __init__(self, frames: dict[str, pd.DataFrame], names: dict[str, str]):
        self.names = names
        self.warnings: list[ConsistencyWarning] = []
        self.rows = {table: _records(frame) for table, frame in frames.items()}
        self.by_id = {
            table: {row[column]: (line, row) for line, row in self.rows[table]}
            for table, column in (("statements", "statement_id"), ("estimates", "estimate_id"))
        }
        sources = [row for _, row in self.rows["sources"]]
        self.published = {row["source_id"]: period_or_none(row["published_date"]) for row in sources}
        self.exact_date = {row["source_id"]: row["published_precision"] == "day" for row in sources}

    def warn(self, table: str, line: int, column: str | None, message: str) -> None:
        self.warnings.append(ConsistencyWarning(self.names[table], line, column, message))

    def citations_of(self, prefix: str) -> list[tuple[int, Record]]:
        return [(line, row) for line, row in self.rows["citations"] if row["record_id"].startswith(prefix)]

    def run(self) -> list[ConsistencyWarning]:
        self.statement_dates()
        self.estimate_wording()
        self.superseded_repeats()
        self.state_media_order()
        return sorted(self.warnings, key=lambda w: (w.file, w.row or 0))

    def statement_dates(self) -> None:
        for line, cite in self.citations_of("ST"):
            phrase, source = cite["date_as_written"], cite["source_id"]
            if not phrase or self.published.get(source) is None:
                continue
            resolved = resolve(phrase, self.published[source].start)
            if resolved is None or (resolved.basis == "weekday" and not self.exact_date[source]):
                continue
            cited = parse_partial_date(resolved.text)
            own_line, statement = self.by_id["statements"][cite["record_id"]]
            own = period_or_none(statement["event_date"])
            if own is not None and not _overlap(own, cited):
                self.warn("citations", line, "date_as_written",
                          f"{source} dates {cite['record_id']} '{phrase}' ({_describe(cited)}), but "
                          f"{self.names['statements']}:{own_line} dates it {_describe(own)}")

    def estimate_wording(self) -> None:
        for line, cite in self.citations_of("ES"):
            own_line, estimate = self.by_id["estimates"][cite["record_id"]]
            wanted = [int(estimate[column]) for column in ("best", "low", "high") if estimate[column]]
            if not wanted:
                continue
            given = _figures_in(cite["quote"])
            matches = [(number, qualifier) for number, qualifier in given if number in wanted]
            where = f"({self.names['estimates']}:{own_line})"
            if not matches:
                shown = ", ".join(f"{n:,}" for n, _ in given) or "no figure"
                self.warn("citations", line, "quote", f"{cite['source_id']} gives {shown} for {cite['record_id']}, "
                          f"recorded as {'-'.join(f'{n:,}' for n in wanted)} {where}")
                continue
            if len(wanted) > 1:
                continue  # a range: its words ("11 to 12,000") qualify the pair, not each end
            recorded = estimate["qualifier"]
            number, qualifier = matches[0]
            if _kind(qualifier) != _kind(recorded):
                self.warn("citations", line, "quote",
                          f"{cite['source_id']} gives {cite['record_id']} as '{(qualifier + ' ').lstrip()}{number:,}', "
                          f"recorded as '{(recorded + ' ').lstrip()}{number:,}' {where}")

    def superseded_repeats(self) -> None:
        estimates = self.by_id["estimates"]
        public = self._public_dates()
        # Estimates of one estimator, metric and scope, in the order they became public.
        series: dict[tuple, list[tuple[date, str]]] = {}
        for record, (_, row) in estimates.items():
            if public.get(record) is not None:
                series.setdefault((row["estimator"], row["metric"], row["scope"]), []).append((public[record], record))
        for timeline in series.values():
            timeline.sort()
        for line, cite in self.citations_of("ES"):
            record, published = cite["record_id"], self.published.get(cite["source_id"])
            if published is None or public.get(record) is None or published.start <= public[record]:
                continue
            own = estimates[record][1]
            newer = [(when, other) for when, other in series[(own["estimator"], own["metric"], own["scope"])]
                     if public[record] < when <= published.start]
            if newer:
                when, latest = newer[-1]
                self.warn("citations", line, "record_id",
                          f"{cite['source_id']} ({published.start}) repeats {record} of {public[record]} from "
                          f"{own['estimator']} although {latest} ({when}, "
                          f"{self.names['estimates']}:{estimates[latest][0]}) was already public")

    def _public_dates(self) -> dict[str, date | None]:
        """When each estimate became public: its announcement day, else its first citing article."""
        first_seen: dict[str, date] = {}
        for _, cite in self.citations_of("ES"):
            published = self.published.get(cite["source_id"])
            if published is not None:
                record = cite["record_id"]
                first_seen[record] = min(first_seen.get(record, published.start), published.start)
        public = {}
        for record, (_, row) in self.by_id["estimates"].items():
            announced = period_or_none(row["announced_date"])
            public[record] = announced.start if announced and announced.precision == "day" else first_seen.get(record)
        return public

    def state_media_order(self) -> None:
        for line, row in self.rows["statements"]:
            event, reported = period_or_none(row["event_date"]), period_or_none(row["state_media_report_date"])
            if event is not None and reported is not None and reported.end < event.start:
                self.warn("statements", line, "state_media_report_date",
                          f"state media reported {row['statement_id']} on {row['state_media_report_date']}, "
                          f"before its event date {row['event_date']}")


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "a hundred": 100, "a thousand": 1000}
_FIGURE = re.compile(r"(?<![\w.])(\d{1,3}(?:[, ]\d{3})+|\d+)(?![\w.]*\d)|\b(" + "|".join(_NUMBER_WORDS) + r")\b",
                     re.IGNORECASE)
_QUALIFIERS = sorted(vocab.QUALIFIER_KINDS, key=len, reverse=True)


def _figures_in(text: str) -> list[tuple[int, str | None]]:
    """Whole numbers in a quote, each with the qualifier written right before it ('' for none)."""
    found = []
    for match in _FIGURE.finditer(text):
        raw = match.group(1) or match.group(2)
        value = _NUMBER_WORDS.get(raw.lower()) or int(re.sub(r"[, ]", "", raw))
        if 1900 <= value <= 2100 and match.group(1) and len(raw) == 4:
            continue  # a year, not a figure
        before = text[:match.start()].lower().rstrip()
        qualifier = next((q for q in _QUALIFIERS if before.endswith(q)), "")
        found.append((value, qualifier))
    return found


def _kind(qualifier: str) -> str:
    return vocab.QUALIFIER_KINDS.get(qualifier, "exact") if qualifier else "exact"


def check(frames: dict[str, pd.DataFrame], names: dict[str, str]) -> list[ConsistencyWarning]:
    """Every consistency warning for a dataset that passed validation."""
    return Consistency(frames, names).run()
