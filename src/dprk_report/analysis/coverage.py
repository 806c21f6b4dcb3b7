"""What the evidence is: sources, what each contributes, and how dates were determined."""

from __future__ import annotations

import pandas as pd

from dprk_report.analysis.common import in_window
from dprk_report.analysis.selection import Selection
from dprk_report.data.dataset import Dataset


def source_contributions(dataset: Dataset) -> pd.DataFrame:
    """One row per article: outlet, date, wire agency, and the records it supports."""
    citations = dataset.citations
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


def select_sources(contributions: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """Articles published inside the window."""
    return contributions[in_window(contributions["published_date_start"], selection)].reset_index(drop=True)


def date_certainty(dataset: Dataset) -> pd.DataFrame:
    """How every statement and estimate was dated: precision by basis, with counts."""
    statements = dataset.statements.assign(
        table="statements",
        precision=dataset.statements["date_precision"].astype(str),
        basis=dataset.statements["date_basis"].astype(str),
    )
    estimates = dataset.estimates.assign(
        table="estimates",
        precision=dataset.estimates["announced_precision"].astype(str),
        basis=dataset.estimates["announced_basis"].astype(str),
    )
    both = pd.concat([statements[["table", "precision", "basis"]], estimates[["table", "precision", "basis"]]])
    counts = both.groupby(["table", "basis", "precision"]).size().rename("records").reset_index()
    return (
        counts[counts["records"] > 0].sort_values(["table", "records"], ascending=[False, False]).reset_index(drop=True)
    )


def wire_groups(contributions: pd.DataFrame) -> pd.DataFrame:
    """Articles that carry a named wire agency's story, grouped by agency."""
    wired = contributions[contributions["wire_agency"].notna()]
    return (
        wired.groupby(wired["wire_agency"].astype(str))
        .agg(articles=("source_id", "size"), outlets=("outlet", lambda o: ", ".join(sorted(set(o)))))
        .reset_index()
    )


#: At most this many disagreements are listed on the page; the rest are counted.
DISAGREEMENTS_SHOWN = 25


def disagreements(warnings: list, limit: int = DISAGREEMENTS_SHOWN) -> list[str]:
    """The consistency warnings in words (which rows and sources disagree, and how), the first ``limit``."""
    lines = [f"{warning.file}:{warning.row}: {warning.message}" for warning in warnings]
    if len(lines) > limit:
        return lines[:limit] + [f"... and {len(lines) - limit} more (run make validate for the full list)"]
    return lines
