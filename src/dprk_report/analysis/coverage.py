"""What the evidence is: sources, what each contributes, and how dates were determined."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from dprk_report.analysis.common import in_window
from dprk_report.analysis.selection import Selection
from dprk_report.data.dataset import Dataset
from dprk_report.text.wording import UNNAMED_OUTLET, date_at_precision, plural


def source_contributions(dataset: Dataset, records: set[str] | None = None) -> pd.DataFrame:
    """One row per article: outlet, date, wire agency, and how many of ``records`` (all when ``None``) it supports."""
    citations = dataset.citations
    if records is not None:
        citations = citations[citations["record_id"].isin(records)]
    is_statement = citations["record_id"].str.startswith("ST")
    per_source = pd.DataFrame(
        {
            "statements": citations[is_statement].groupby("source_id").size(),
            "estimates": citations[~is_statement].groupby("source_id").size(),
        }
    )
    sources = dataset.sources.set_index("source_id")
    table = sources[
        [
            "outlet",
            "title",
            "url",
            "published_date",
            "published_date_start",
            "published_precision",
            "wire_agency",
            "is_excerpt",
        ]
    ].join(per_source)
    table[["statements", "estimates"]] = table[["statements", "estimates"]].fillna(0).astype(int)
    return table.sort_values(["published_date_start", "source_id"], kind="stable").reset_index()


#: More articles than this are charted by month of publication: a bar each would not fit a page.
ARTICLES_CHARTED_EACH = 60


def by_month(contributions: pd.DataFrame) -> pd.DataFrame | None:
    """The statements and estimates the articles support, and the articles, per month of publication, when
    there are more articles than ``ARTICLES_CHARTED_EACH`` (the chart and its title then speak of months);
    ``None`` when each article is charted."""
    if len(contributions) <= ARTICLES_CHARTED_EACH:
        return None
    months = contributions["published_date_start"].dt.to_period("M")
    grouped = contributions.assign(articles=1).groupby(months)
    return grouped[["statements", "estimates", "articles"]].sum()


def articles_per_month(dataset: Dataset, months: pd.PeriodIndex) -> pd.Series:
    """How many archived articles were published in each of ``months`` (articles dated at least to the
    month): what the archive can report for that month, beside what it does report."""
    sources = dataset.sources[dataset.sources["published_precision"].astype(str).isin(["day", "month", "not_before"])]
    published = sources["published_date_start"].dt.to_period("M").value_counts()
    return published.reindex(months, fill_value=0).astype(int).rename("articles")


def select_sources(contributions: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """Articles published inside the window that support at least one record of the selection."""
    supports = (contributions["statements"] + contributions["estimates"]) > 0
    return contributions[in_window(contributions["published_date_start"], selection) & supports].reset_index(drop=True)


def article_table(contributions: pd.DataFrame) -> pd.DataFrame:
    """The articles as a reader's table: outlet, date as precisely as known, wire story, what each supports."""
    return pd.DataFrame(
        {
            "Outlet": contributions["outlet"].fillna(UNNAMED_OUTLET),
            "Published": [
                date_at_precision(day, precision)
                for day, precision in zip(contributions["published_date_start"], contributions["published_precision"])
            ],
            "Wire story": contributions["wire_agency"].astype("string").fillna(""),
            "Excerpt": contributions["is_excerpt"].map({True: "yes", False: "no"}),
            "Statements": contributions["statements"],
            "Figures": contributions["estimates"],
        }
    )


#: How each date basis and precision reads in a table.
BASIS_WORDS = {
    "stated": "given in the article",
    "weekday": "worked out from a weekday",
    "relative": "worked out from a phrase such as 'the following day'",
    "other_source": "taken from another article",
    "article_date": "the article's own date",
    "not_stated": "no article gives it",
}
PRECISION_WORDS = {"day": "the day", "month": "the month", "year": "the year", "unknown": "not known"}


def date_certainty(dataset: Dataset, records: set[str] | None = None) -> pd.DataFrame:
    """How the selected statements and figures (all when ``records`` is ``None``) were dated, with counts."""
    statements, estimates = dataset.statements, dataset.estimates
    if records is not None:
        statements = statements[statements["statement_id"].isin(records)]
        estimates = estimates[estimates["estimate_id"].isin(records)]
    both = pd.concat(
        [
            pd.DataFrame(
                {
                    "kind": "Statements",
                    "basis": statements["date_basis"].astype(str),
                    "precision": statements["date_precision"].astype(str),
                }
            ),
            pd.DataFrame(
                {
                    "kind": "Figures",
                    "basis": estimates["announced_basis"].astype(str),
                    "precision": estimates["announced_precision"].astype(str),
                }
            ),
        ]
    )
    counts = both.groupby(["kind", "basis", "precision"]).size().rename("Records").reset_index()
    counts = counts[counts["Records"] > 0].sort_values(["kind", "Records"], ascending=[False, False])
    return pd.DataFrame(
        {
            "Records": counts["kind"],
            "How the date was found": counts["basis"].map(BASIS_WORDS),
            "Known to": counts["precision"].map(PRECISION_WORDS),
            "Count": counts["Records"],
        }
    ).reset_index(drop=True)


def wire_groups(contributions: pd.DataFrame) -> pd.DataFrame:
    """Articles that carry a named wire agency's story, grouped by agency."""
    wired = contributions[contributions["wire_agency"].notna()]
    return (
        wired.groupby(wired["wire_agency"].astype(str))
        .agg(Articles=("source_id", "size"), Outlets=("outlet", lambda o: ", ".join(sorted(set(o.dropna())))))
        .rename_axis("Wire agency")
        .reset_index()
    )


#: At most this many disagreements are listed in the executed notebook; the rest are counted.
DISAGREEMENTS_SHOWN = 25
_RECORD_ID = re.compile(r"\b(?:ST|ES)\d{3,}\b")
#: Each kind of consistency warning, by words its message holds, as a reader counts it.
WARNING_KINDS = {
    "metric drift": "an article calls a figure by another measure (for example casualties repeated as killed)",
    "number drift": "an article gives another number for the same figure",
    "qualifier drift": "an article qualifies a figure differently (for example 'around' repeated as 'more than')",
    "repeats": "an article repeats a total after whoever gave it had published a newer one",
    "dates": "an article gives a statement another date",
    "gives": "an article's quote gives a figure differently",
    "state media": "state media reported an act before its recorded date",
}


def selected_warnings(warnings: Sequence, records: set[str] | None = None) -> list:
    """The consistency warnings about the selected records (all when ``records`` is ``None``)."""
    if records is None:
        return list(warnings)
    return [warning for warning in warnings if set(_RECORD_ID.findall(warning.message)) & records]


def disagreements(warnings: Sequence, limit: int = DISAGREEMENTS_SHOWN) -> list[str]:
    """The consistency warnings for maintainers (which rows disagree, and how), the first ``limit``."""
    lines = [f"{warning.file}:{warning.row}: {warning.message}" for warning in warnings]
    if len(lines) > limit:
        return lines[:limit] + [f"... and {len(lines) - limit:,} more (run make validate for the full list)"]
    return lines


def disagreement_kinds(warnings: Sequence) -> list[str]:
    """The consistency warnings counted by kind, in a reader's words ('3 times, an article ...')."""
    counts: dict[str, int] = {}
    for warning in warnings:
        kind = next((key for key in WARNING_KINDS if key in warning.message), None)
        if kind is not None:
            counts[kind] = counts.get(kind, 0) + 1
    return [
        f"{plural(count, 'time')}, {WARNING_KINDS[kind]}."
        for kind, count in sorted(counts.items(), key=lambda item: -item[1])
    ]
