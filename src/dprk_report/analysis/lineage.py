"""Lineage of the estimates: first seen, every repeat, and how old a figure was when repeated."""

from __future__ import annotations

import pandas as pd

from dprk_report import vocab
from dprk_report.analysis.common import cited_sources, first_reported, in_window, independent_reports, with_evidence
from dprk_report.analysis.selection import Selection
from dprk_report.analysis.thresholds import OLD_AFTER_DAYS
from dprk_report.data.dataset import Dataset
from dprk_report.text.metrics import metric_named
from dprk_report.text.numbers import figures_in
from dprk_report.text.wording import day_text, figure_text, words


def estimate_table(dataset: Dataset) -> pd.DataFrame:
    """One row per estimate with the date it became public and its reach.

    ``public_date`` is the announcement day where the text gives it to the day,
    otherwise the first article citing it (``public_date_basis`` says which).
    """
    citations = cited_sources(dataset)
    estimates = dataset.estimates.copy()
    estimates["first_seen"] = estimates["estimate_id"].map(first_reported(dataset))
    announced_day = estimates["announced_date_start"].where(estimates["announced_precision"] == "day")
    estimates["public_date"] = announced_day.fillna(estimates["first_seen"])
    estimates["public_date_basis"] = announced_day.notna().map({True: "announced", False: "first_seen"})
    estimates["n_citations"] = estimates["estimate_id"].map(citations.groupby("record_id").size()).fillna(0).astype(int)
    estimates["n_independent"] = estimates["estimate_id"].map(independent_reports(citations)).fillna(0).astype(int)
    estimates["estimator_side"] = estimates["estimator_side"].astype(str)
    estimates["metric"] = estimates["metric"].astype(str)
    estimates = with_evidence(estimates, "estimate_id", dataset)
    return estimates.sort_values(["public_date", "estimate_id"], kind="stable").reset_index(drop=True)


def select_estimates(estimates: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """Estimates of the selected metrics and sides made public inside the window."""
    keep = in_window(estimates["public_date"], selection)
    if selection.sides:
        keep &= estimates["estimator_side"].isin(selection.sides)
    if selection.metrics:
        keep &= estimates["metric"].isin(selection.metrics)
    return estimates[keep].reset_index(drop=True)


def estimate_lineage(dataset: Dataset, estimates: pd.DataFrame) -> pd.DataFrame:
    """One row per (estimate, citing article): when it appeared and how old the figure was.

    ``age_days`` counts from the estimate's ``public_date`` to the article's
    date. ``superseded_by`` names a newer estimate of the same metric by the
    same estimator that was already public when the article repeated this one.
    """
    citations = cited_sources(dataset)
    columns = [
        "estimate_id",
        "metric",
        "scope",
        "estimator",
        "estimator_side",
        "best",
        "low",
        "high",
        "qualifier",
        "public_date",
    ]
    lineage = (
        estimates[columns]
        .merge(
            citations[["record_id", "source_id", "outlet", "wire_agency", "published"]],
            left_on="estimate_id",
            right_on="record_id",
        )
        .drop(columns="record_id")
    )
    lineage["age_days"] = (lineage["published"] - lineage["public_date"]).dt.days.astype("Int64")
    lineage = lineage.sort_values(["estimate_id", "published", "source_id"], kind="stable")
    lineage["appearance"] = lineage.groupby("estimate_id").cumcount() + 1
    lineage["superseded_by"] = _newer_estimates(estimates, lineage)
    return lineage.reset_index(drop=True)


#: The citation's own wording of a figure (empty columns where a table predates them).
WORDING = ("metric_as_written", "figure_as_written", "qualifier_as_written")


def citation_chains(dataset: Dataset, estimates: pd.DataFrame) -> pd.DataFrame:
    """Per estimate, its citations in date order: who repeated it, when, how old it was, in what words.

    One row per (estimate, citing article), as ``estimate_lineage``, with the article's own wording
    (``wording``: qualifier, figure and metric word as printed) and whether that wording drifted from
    the figure's first appearance: ``metric_drift``, ``number_drift``, ``qualifier_drift``.
    """
    lineage = estimate_lineage(dataset, estimates)
    words = dataset.citations.reindex(columns=["record_id", "source_id", *WORDING]).fillna("")
    chain = lineage.merge(words, left_on=["estimate_id", "source_id"], right_on=["record_id", "source_id"], how="left")
    chain = chain.drop(columns="record_id")
    chain[list(WORDING)] = chain[list(WORDING)].fillna("")
    chain["wording"] = [
        " ".join(part for part in (q, f, m) if part)
        for q, f, m in zip(chain["qualifier_as_written"], chain["figure_as_written"], chain["metric_as_written"])
    ]
    first = chain.groupby("estimate_id")[list(WORDING)].transform("first")
    chain["metric_drift"] = _changed(
        chain["metric_as_written"].map(metric_named), first["metric_as_written"].map(metric_named)
    )
    chain["number_drift"] = _changed(chain["figure_as_written"].map(_numbers), first["figure_as_written"].map(_numbers))
    chain["qualifier_drift"] = _changed(
        chain["qualifier_as_written"].map(_qualifier_kind), first["qualifier_as_written"].map(_qualifier_kind)
    )
    return chain


def _changed(now: pd.Series, first: pd.Series) -> pd.Series:
    """True where both are known and differ (a missing wording is no evidence of drift)."""
    known = now.map(_given) & first.map(_given)
    return known & (now.astype(str) != first.astype(str))


def _given(value) -> bool:
    return isinstance(value, (str, tuple)) and len(value) > 0


def _numbers(figure: str) -> tuple[int, ...]:
    return tuple(sorted(number for number, _ in figures_in(figure))) if figure else ()


def _qualifier_kind(qualifier: str) -> str:
    return vocab.QUALIFIER_KINDS.get(qualifier, qualifier) if qualifier else "exact"


def _newer_estimates(estimates: pd.DataFrame, lineage: pd.DataFrame) -> list[str | None]:
    """For each repeat, the latest estimate of the same metric, estimator and scope that became public
    after the repeated one and by the repeating article's date (``None`` when there is none)."""
    ordered = estimates.dropna(subset=["public_date"]).sort_values(["public_date", "estimate_id"], kind="stable")
    series = {
        key: (group["public_date"].to_numpy(), group["estimate_id"].to_numpy())
        for key, group in ordered.groupby(["metric", "estimator", "scope"], sort=False)
    }
    newer = []
    for row in lineage.itertuples(index=False):
        dates, ids = series.get((row.metric, row.estimator, row.scope), (None, None))
        if dates is None or pd.isna(row.public_date) or pd.isna(row.published):
            newer.append(None)
            continue
        last = dates.searchsorted(row.published.to_datetime64(), side="right") - 1
        newer.append(ids[last] if last >= 0 and dates[last] > row.public_date.to_datetime64() else None)
    return newer


def old_repeats(lineage: pd.DataFrame, min_age_days: int = OLD_AFTER_DAYS) -> pd.DataFrame:
    """Repeats of a figure that was old, or already replaced by its own estimator, when repeated."""
    later = repeats(lineage)
    stale = (later["age_days"] >= min_age_days) | later["superseded_by"].notna()
    return later[stale].sort_values(["age_days", "estimate_id"], ascending=[False, True]).reset_index(drop=True)


def repeats(lineage: pd.DataFrame) -> pd.DataFrame:
    """Appearances of a figure after its first."""
    if lineage.empty:
        return lineage
    return lineage[lineage["appearance"] > 1].reset_index(drop=True)


def public_date_text(estimates: pd.DataFrame) -> pd.Series:
    """When each figure became public, as precisely as known ('17 Dec 2024', 'no later than 3 Jan 2025')."""
    return pd.Series(
        [
            day_text(day) if basis == "announced" else f"no later than {day_text(day)}" if pd.notna(day) else "unknown"
            for day, basis in zip(estimates["public_date"], estimates["public_date_basis"])
        ],
        index=estimates.index,
    )


def estimate_summary(estimates: pd.DataFrame) -> pd.DataFrame:
    """The estimates as a reader's table: figure as written, who, how it became public, reach."""
    return pd.DataFrame(
        {
            "Made public": public_date_text(estimates),
            "Measure": estimates["metric"].map(vocab.METRIC_LABELS),
            "Figure": [figure_text(row) for row in estimates.itertuples()],
            "Counts": estimates["scope"].map(SCOPE_WORDS),
            "Estimated by": estimates["estimator"].fillna("Not named"),
            "Made public through": estimates["disclosure_channel"].map(words),
            "Articles": estimates["n_citations"],
            "Independent reports": estimates["n_independent"],
        }
    )


#: How a figure's scope reads in a table.
SCOPE_WORDS = {"total": "all so far", "additional": "an increment", "subset": "a part"}


def repeat_summary(stale: pd.DataFrame, estimates: pd.DataFrame) -> pd.DataFrame:
    """Old or superseded repeats as a reader's table (``estimates``: to word the newer figure)."""
    newer = estimates.set_index("estimate_id")
    newer_text = {
        eid: f"{figure_text(row)} ({day_text(row.public_date)})" for eid, row in zip(newer.index, newer.itertuples())
    }
    return pd.DataFrame(
        {
            "Estimated by": stale["estimator"],
            "Measure": stale["metric"].map(vocab.METRIC_LABELS),
            "Figure": [figure_text(row) for row in stale.itertuples()],
            "Repeated by": stale["outlet"].fillna("Unnamed outlet"),
            "On": stale["published"].map(day_text),
            "Age (days)": stale["age_days"],
            "Newer figure already public": stale["superseded_by"].map(newer_text).fillna(""),
        }
    )


def metrics_to_chart(estimates: pd.DataFrame, selection: Selection) -> list[str]:
    """The selected metrics that have estimates, in the selection's order (all metrics when none is selected)."""
    present = set(estimates["metric"])
    return [metric for metric in (selection.metrics or vocab.METRICS) if metric in present]
