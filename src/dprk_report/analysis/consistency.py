"""Cross-source consistency: disagreements worth a curator's look, reported as warnings.

Unlike validation problems these do not make the dataset invalid: sources do
disagree, and the dataset records that. Each warning names the rows (file and
line) and the sources involved:

- a statement that an article dates differently from the statement's own date;
- an estimate that an article words differently: another metric ("casualties" repeated as "killed"),
  another number, or another kind of qualifier ("around" repeated as "more than");
- a total repeated after the same estimator had published a newer total of the same metric;
- an act that state media reported before it happened.
"""

from __future__ import annotations

from dprk_report import vocab
from dprk_report.analysis import lineage
from dprk_report.data.dataset import Dataset, derived_once
from dprk_report.data.findings import WARNING, Finding
from dprk_report.data.tables import frame_records
from dprk_report.text.dates import Period, period_or_none
from dprk_report.text.metrics import TROOP_METRICS, metric_named, same_kind_of_count
from dprk_report.text.numbers import figures_in
from dprk_report.text.phrases import article_dates, date_contradicted


def _describe(period: Period) -> str:
    return (
        period.start.isoformat()
        if period.precision == "day"
        else f"{period.start:%Y-%m}"
        if period.precision == "month"
        else str(period.start.year)
    )


Record = dict[str, str]

#: The columns of each table that the checks read, as written (those an older table may lack are read with
#: ``get``).
READS = {
    "sources": ("source_id", "published_date", "published_precision"),
    "statements": ("statement_id", "event_date", "state_media_report_date"),
    "estimates": ("estimate_id", "metric", "qualifier", "best", "low", "high", "share_of"),
    "citations": (
        "source_id",
        "record_id",
        "quote",
        "date_as_written",
        "figure_as_written",
        "qualifier_as_written",
        "metric_as_written",
    ),
}


class Consistency:
    """Runs every consistency check over the frames of a valid dataset (indexed by line number)."""

    def __init__(self, dataset: Dataset):
        self.dataset, self.names = dataset, dataset.names
        self.warnings: list[Finding] = []
        # Only the cells the checks read: with every cell of every table, a dict per row, the page's peak was
        # 8 MB higher at 100 times today's data, in a kernel that keeps the most it ever used.
        self.rows = {
            table: frame_records(frame[[name for name in READS[table] if name in frame]], empty="")
            for table, frame in dataset.raw.items()
        }
        self.by_id = {
            table: {row[column]: (line, row) for line, row in self.rows[table]}
            for table, column in (("statements", "statement_id"), ("estimates", "estimate_id"))
        }
        sources = dataset.raw["sources"]
        self.published = article_dates(sources["source_id"], sources["published_date"], sources["published_precision"])

    def warn(self, table: str, line: int, column: str | None, message: str) -> None:
        self.warnings.append(Finding(self.names[table], line, column, message, WARNING))

    def citations_of(self, prefix: str) -> list[tuple[int, Record]]:
        return [(line, row) for line, row in self.rows["citations"] if row["record_id"].startswith(prefix)]

    def run(self) -> list[Finding]:
        self.statement_dates()
        self.estimate_wording()
        self.superseded_repeats()
        self.state_media_order()
        return sorted(self.warnings, key=lambda w: (w.file, w.row or 0))

    def statement_dates(self) -> None:
        for line, cite in self.citations_of("ST"):
            phrase, source = cite["date_as_written"], cite["source_id"]
            own_line, statement = self.by_id["statements"][cite["record_id"]]
            own = period_or_none(statement["event_date"])
            cited = date_contradicted(phrase, own, *self.published.get(source, (None, False)))
            if cited is not None:
                self.warn(
                    "citations",
                    line,
                    "date_as_written",
                    f"{source} dates {cite['record_id']} '{phrase}' ({_describe(cited)}), but "
                    f"{self.names['statements']}:{own_line} dates it {_describe(own)}",
                )

    def estimate_wording(self) -> None:
        """Citations whose article words a figure otherwise than its record: another metric, number or qualifier.

        The article's own wording is read from the citation's ``*_as_written`` cells where the curator
        filled them, else from its quote.
        """
        for line, cite in self.citations_of("ES"):
            own_line, estimate = self.by_id["estimates"][cite["record_id"]]
            if estimate.get("share_of"):
                continue  # a share's words ("nearly half") are not a figure of their own
            where = f"({self.names['estimates']}:{own_line})"
            if cite.get("figure_as_written"):
                self._wording_drift(line, cite, estimate, where)
            else:
                self._quote_drift(line, cite, estimate, where)

    def _wording_drift(self, line: int, cite: Record, estimate: Record, where: str) -> None:
        written = " ".join(
            filter(None, (cite.get("qualifier_as_written"), cite["figure_as_written"], cite.get("metric_as_written")))
        )
        recorded = f"'{_recorded_figure(estimate)}' ({estimate['metric'].replace('_', ' ')})"
        said = f"{cite['source_id']} words {cite['record_id']} '{written}', recorded as {recorded} {where}"
        named = metric_named(cite.get("metric_as_written"))
        # "soldiers" or "troops" only names the people counted; drift is a casualty word that changed.
        if named is not None and named not in TROOP_METRICS and not same_kind_of_count(named, estimate["metric"]):
            self.warn("citations", line, "metric_as_written", f"metric drift: {said}")
        wanted = _recorded_numbers(estimate)
        given = [number for number, _ in figures_in(cite["figure_as_written"])]
        if wanted and given and not set(given) & set(wanted):
            self.warn("citations", line, "figure_as_written", f"number drift: {said}")
        elif (
            len(wanted) == 1 and given and _kind(cite.get("qualifier_as_written") or "") != _kind(estimate["qualifier"])
        ):
            self.warn("citations", line, "qualifier_as_written", f"qualifier drift: {said}")

    def _quote_drift(self, line: int, cite: Record, estimate: Record, where: str) -> None:
        wanted = _recorded_numbers(estimate)
        if not wanted:
            return
        given = figures_in(cite["quote"])
        matches = [(number, qualifier) for number, qualifier in given if number in wanted]
        if not matches:
            shown = ", ".join(f"{n:,}" for n, _ in given) or "no figure"
            self.warn(
                "citations",
                line,
                "quote",
                f"{cite['source_id']} gives {shown} for {cite['record_id']}, "
                f"recorded as {'-'.join(f'{n:,}' for n in wanted)} {where}",
            )
            return
        if len(wanted) > 1:
            return  # a range: its words ("11 to 12,000") qualify the pair, not each end
        recorded = estimate["qualifier"]
        number, qualifier = matches[0]
        if _kind(qualifier) != _kind(recorded):
            self.warn(
                "citations",
                line,
                "quote",
                f"{cite['source_id']} gives {cite['record_id']} as '{(qualifier + ' ').lstrip()}{number:,}', "
                f"recorded as '{(recorded + ' ').lstrip()}{number:,}' {where}",
            )

    def superseded_repeats(self) -> None:
        """Repeats that the lineage finds superseded: a newer total of the same estimator was already public."""
        estimates = self.by_id["estimates"]
        citation_line = {(row["record_id"], row["source_id"]): line for line, row in self.citations_of("ES")}
        table = lineage.estimate_table(self.dataset)
        # A dict, not the Series: a Series look-up costs tens of microseconds, and a repeat takes two.
        public = dict(zip(table["estimate_id"], table["public_date"]))
        history = lineage.estimate_lineage(self.dataset, table)
        repeats = history.loc[
            history["superseded_by"].notna(), ["estimate_id", "superseded_by", "source_id", "published", "estimator"]
        ]
        for repeat in repeats.itertuples(index=False):  # the columns worded only: iterating all costs more
            record, latest = repeat.estimate_id, repeat.superseded_by
            self.warn(
                "citations",
                citation_line[(record, repeat.source_id)],
                "record_id",
                f"{repeat.source_id} ({repeat.published.date()}) repeats {record} of "
                f"{public[record].date()} from {repeat.estimator} although {latest} "
                f"({public[latest].date()}, {self.names['estimates']}:{estimates[latest][0]}) was already public",
            )

    def state_media_order(self) -> None:
        for line, row in self.rows["statements"]:
            event, reported = period_or_none(row["event_date"]), period_or_none(row["state_media_report_date"])
            if event is not None and reported is not None and reported.end < event.start:
                self.warn(
                    "statements",
                    line,
                    "state_media_report_date",
                    f"state media reported {row['statement_id']} on {row['state_media_report_date']}, "
                    f"before its event date {row['event_date']}",
                )


def _recorded_numbers(estimate: Record) -> list[int]:
    return [int(estimate[column]) for column in ("best", "low", "high") if estimate[column]]


def _recorded_figure(estimate: Record) -> str:
    """The record's figure in the words the codebook stores: qualifier, then number or range."""
    if estimate["low"] and estimate["high"]:
        number = f"{int(estimate['low']):,} to {int(estimate['high']):,}"
    else:
        number = f"{int(estimate['best']):,}" if estimate["best"] else ""
    return " ".join(filter(None, (estimate["qualifier"], number)))


def _kind(qualifier: str) -> str:
    return vocab.QUALIFIER_KINDS.get(qualifier, "exact") if qualifier else "exact"


@derived_once  # both variants of 01-describe-sources show them: at 100 times today's data, 1.6 s a page
def check(dataset: Dataset) -> tuple[Finding, ...]:
    """Every consistency warning for a dataset that passed validation."""
    return tuple(Consistency(dataset).run())
