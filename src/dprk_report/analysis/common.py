"""Joins and filters shared by the statement and estimate analyses."""

from __future__ import annotations

import pandas as pd

from dprk_report.analysis.selection import Selection
from dprk_report.data.dataset import Dataset, derived_once
from dprk_report.text.dates import period_or_none
from dprk_report.text.phrases import article_dates, date_contradicted


@derived_once
def cited_sources(dataset: Dataset) -> pd.DataFrame:
    """Citations joined with the publication date, outlet and wire agency of their article (``published``
    is the first day the article can have appeared; ``published_latest`` the last, missing when the article
    is dated only 'on or after' a day)."""
    columns = [
        "source_id",
        "outlet",
        "wire_agency",
        "published_date_start",
        "published_date_end",
        "published_precision",
    ]
    joined = dataset.citations.merge(dataset.sources[columns], on="source_id", how="left")
    return joined.rename(columns={"published_date_start": "published", "published_date_end": "published_latest"})


@derived_once
def first_reported(dataset: Dataset) -> pd.DataFrame:
    """When each record was first reported, indexed by record id: ``date``, the latest day by which an
    article citing it had appeared (the earliest of the citing articles' last possible days), and ``open``,
    true when every citing article is dated only 'on or after' a day, so that ``date`` is that earliest
    day, a lower bound: no article bounds the first report from above."""
    cited = cited_sources(dataset).groupby("record_id")
    latest, earliest = cited["published_latest"].min(), cited["published"].min()
    return pd.DataFrame({"date": latest.fillna(earliest), "open": latest.isna() & earliest.notna()})


@derived_once
def first_citation(dataset: Dataset) -> pd.DataFrame:
    """Each record's citation in the earliest article that cites it, with the article's outlet, date (and its
    precision) and address: the evidence a reader is shown for the record, in a chart's tooltip as in a table.
    Indexed by record id.

    Among articles of the same days, one whose words date the record otherwise than the record does (a
    consistency warning) comes last, so that the quote shown does not contradict the date shown; then the
    fullest quote wins (an excerpt may cut a sentence short), then the lower source id."""
    addresses = dataset.sources.reindex(columns=["source_id", "url"])  # a table without addresses links nowhere
    cited = cited_sources(dataset).merge(addresses, on="source_id", how="left")
    cited["quote_length"] = cited["quote"].fillna("").str.len()
    cited["dates_otherwise"] = _dates_otherwise(cited, dataset)
    # By the last day each article can have appeared (an article dated only 'on or after' a day, which has
    # none, comes after those that have one): the first report is the article known to be earliest.
    first = cited.sort_values(
        ["record_id", "published_latest", "published", "dates_otherwise", "quote_length", "source_id"],
        ascending=[True, True, True, True, False, True],
        kind="stable",
    ).drop_duplicates("record_id")
    return first.set_index("record_id")[["source_id", "outlet", "published", "published_precision", "quote", "url"]]


def _dates_otherwise(cited: pd.DataFrame, dataset: Dataset) -> list[bool]:
    """Whether each citation's article dates its statement otherwise than the statement does: the day its
    ``date_as_written`` gives does not meet the statement's date (what ``consistency`` warns of)."""
    statements = dataset.statements.reindex(columns=["statement_id", "event_date"]).dropna()
    own = dict(zip(statements["statement_id"], statements["event_date"]))
    sources = dataset.sources.reindex(columns=["source_id", "published_date", "published_precision"])
    published = article_dates(sources["source_id"], sources["published_date"], sources["published_precision"])
    phrases = cited.reindex(columns=["date_as_written"])["date_as_written"]
    worded = cited[cited["record_id"].isin(own.keys()) & phrases.notna()]  # dated statements, a date in words
    otherwise = []
    for row, record, source, phrase in zip(
        worded.index, worded["record_id"], worded["source_id"], phrases[worded.index]
    ):
        if date_contradicted(phrase, period_or_none(own[record]), *published.get(source, (None, False))):
            otherwise.append(row)
    return cited.index.isin(otherwise).tolist()


def with_evidence(frame: pd.DataFrame, id_column: str, dataset: Dataset) -> pd.DataFrame:
    """``frame`` with its records' first citation as ``evidence_source_id``, ``evidence_outlet``,
    ``evidence_quote`` and ``evidence_url`` (see ``first_citation``)."""
    evidence = first_citation(dataset)
    return frame.assign(
        **{
            f"evidence_{column}": frame[id_column].map(evidence[column])
            for column in ("source_id", "outlet", "quote", "url")
        }
    )


def independent_reports(citations: pd.DataFrame) -> pd.Series:
    """How many independent reports each record has.

    Articles that carry one wire agency's story count once: they are one
    report, not confirmation of each other. Articles with no named wire count
    once per outlet.
    """
    origin = (
        citations["wire_agency"]
        .astype("string")
        .fillna("outlet: " + citations["outlet"].fillna(citations["source_id"]))
    )
    return citations.assign(origin=origin).groupby("record_id")["origin"].nunique()


def in_window(dates: pd.Series, selection: Selection) -> pd.Series:
    """True where a date falls inside the selection's window (both ends included)."""
    start, end = pd.Timestamp(selection.start), pd.Timestamp(selection.end)
    return dates.between(start, end) & dates.notna()


def overlaps_window(starts: pd.Series, ends: pd.Series, selection: Selection) -> pd.Series:
    """True where the period [start, end] shares at least one day with the window."""
    start, end = pd.Timestamp(selection.start), pd.Timestamp(selection.end)
    return (starts <= end) & (ends >= start)
