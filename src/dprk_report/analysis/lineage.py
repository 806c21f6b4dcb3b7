"""Lineage of the estimates: first seen, every repeat, and how old a figure was when repeated."""

from __future__ import annotations

import pandas as pd

from dprk_report import vocab
from dprk_report.analysis.common import cited_sources, first_reported, in_window, independent_reports, with_evidence
from dprk_report.analysis.selection import Selection
from dprk_report.analysis.thresholds import OLD_AFTER_DAYS
from dprk_report.data.dataset import Dataset, derived_once
from dprk_report.text.metrics import metric_named
from dprk_report.text.numbers import figures_in
from dprk_report.text.wording import (
    ANNOUNCED,
    FIRST_SEEN,
    FIRST_SEEN_OPEN,
    UNNAMED_OUTLET,
    age_text,
    bracketed,
    date_at_precision,
    day_text,
    figure_text,
    figure_texts,
    plural,
    public_when,
    words,
)

#: The scope of a figure that counts all troops or losses so far (``vocab.SCOPES``).
TOTAL = "total"
#: The scope of a figure that counts a part only: one region, one unit, one rank.
SUBSET = "subset"


@derived_once
def estimate_table(dataset: Dataset) -> pd.DataFrame:
    """One row per estimate with the date it became public and its reach.

    ``public_date`` is the announcement day where the text gives it to the day,
    otherwise the first article citing it (``public_date_basis`` says which).
    """
    citations = cited_sources(dataset)
    estimates = dataset.estimates.copy()
    reported = first_reported(dataset)
    estimates["first_seen"] = estimates["estimate_id"].map(reported["date"])
    announced_day = estimates["announced_date_start"].where(estimates["announced_precision"] == "day")
    estimates["public_date"] = announced_day.fillna(estimates["first_seen"])
    seen_open = estimates["estimate_id"].map(reported["open"]).fillna(False).astype(bool)
    estimates["public_date_basis"] = [
        ANNOUNCED if announced else FIRST_SEEN_OPEN if is_open else FIRST_SEEN
        for announced, is_open in zip(announced_day.notna(), seen_open)
    ]
    estimates["n_citations"] = estimates["estimate_id"].map(citations.groupby("record_id").size()).fillna(0).astype(int)
    estimates["n_independent"] = estimates["estimate_id"].map(independent_reports(citations)).fillna(0).astype(int)
    sides = estimates["estimator_side"].astype(object)
    estimates["estimator_side"] = sides.where(sides.notna(), vocab.SIDE_NOT_STATED).astype(str)
    estimates["metric"] = estimates["metric"].astype(str)
    estimates["share_whole"] = _share_wholes(estimates)
    estimates = with_evidence(estimates, "estimate_id", dataset)
    return estimates.sort_values(["public_date", "estimate_id"], kind="stable").reset_index(drop=True)


def _share_wholes(estimates: pd.DataFrame) -> list[str | None]:
    """For each share ('nearly half'), the figure it is a share of, in words ('about 11,000 troops deployed, a
    partial count: Kursk region'): without it a reader cannot tell half of what. None where the share's own words give
    that figure's number already ('more than a third of North Korea's 11,000 troops'), and for every figure
    that is no share."""
    shares = estimates.reindex(columns=["share_as_written", "share_of"])
    bases = estimates[estimates["estimate_id"].isin(set(shares["share_of"].dropna()))].set_index("estimate_id")
    found = []
    for share, of in zip(shares["share_as_written"], shares["share_of"]):
        if of not in bases.index:
            found.append(None)
            continue
        base = bases.loc[of]
        recorded = {int(base[column]) for column in ("low", "best", "high") if pd.notna(base[column])}
        said = {number for number, _ in figures_in(share)} if isinstance(share, str) else set()
        # Inside the share's brackets: 'nearly half (of about 11,000 troops deployed, a partial count: Kursk region)'.
        found.append(None if recorded & said else figure_words(base, metric_noun(base["metric"]), in_brackets=True))
    return found


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
    date. ``superseded_by`` names a newer total of the same metric by the
    same estimator that was already public when the article repeated this total
    (see ``_newer_estimates``).
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
        .join(estimates.reindex(columns=["location", "part"]))  # which part a part counts (older tables lack them)
        .merge(
            citations[["record_id", "source_id", "outlet", "wire_agency", "published", "published_precision"]],
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
    known = now.map(_given).astype(bool) & first.map(_given).astype(bool)  # bool even when there are no rows
    return known & (now.astype(str) != first.astype(str))


def _given(value) -> bool:
    return isinstance(value, (str, tuple)) and len(value) > 0


def _numbers(figure: str) -> tuple[int, ...]:
    return tuple(sorted(number for number, _ in figures_in(figure))) if figure else ()


def _qualifier_kind(qualifier: str) -> str:
    return vocab.QUALIFIER_KINDS.get(qualifier, qualifier) if qualifier else "exact"


def _newer_estimates(estimates: pd.DataFrame, lineage: pd.DataFrame) -> list[str | None]:
    """For each repeat of a total (all troops or losses so far), the latest total of the same metric by the
    same estimator that became public after the repeated one and before the repeating article's day
    (``None`` when there is none). A newer figure made public that same day is not counted: the article may
    be the one reporting it.

    Only totals replace totals: an increment ("another 1,000") or a part (one region's troops) is about other
    troops than the same estimator's next increment or part, so neither makes the other out of date.

    Of several made public on that latest day, the last by id. One as-of join over all the rows: a loop
    over them took seconds at a hundred times today's data.
    """
    keys = ["metric", "estimator"]
    totals = estimates[estimates["scope"] == TOTAL]
    newest = (
        _keyed(totals, keys, "public_date")[[*keys, "public_date", "estimate_id"]]
        .rename(columns={"public_date": "newer_date", "estimate_id": "newer"})
        .sort_values(["newer_date", "newer"], kind="stable")
    )
    numbered = lineage.reset_index(drop=True).assign(row=range(len(lineage)))
    rows = _keyed(numbered[numbered["scope"] == TOTAL], keys, "public_date", "published")
    found = pd.merge_asof(
        rows.sort_values("published", kind="stable"),
        newest,
        left_on="published",
        right_on="newer_date",
        by=keys,
        direction="backward",
        allow_exact_matches=False,  # not the article's own day
    )
    found = found[found["newer_date"] > found["public_date"]]
    newer: list[str | None] = [None] * len(lineage)
    for row, estimate_id in zip(found["row"], found["newer"]):
        newer[row] = estimate_id
    return newer


def _keyed(frame: pd.DataFrame, keys: list[str], *dates: str) -> pd.DataFrame:
    """The rows with every key and date given, keys as text and dates in one unit (as an as-of join needs)."""
    known = frame.dropna(subset=[*keys, *dates])
    return known.assign(
        **{key: known[key].astype(str) for key in keys},
        **{date: known[date].astype("datetime64[ns]") for date in dates},
    )


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
    """When each figure became public, as precisely as known (``text.wording.public_when``)."""
    return pd.Series(
        [public_when(day, basis) for day, basis in zip(estimates["public_date"], estimates["public_date_basis"])],
        index=estimates.index,
    )


def estimate_summary(estimates: pd.DataFrame) -> pd.DataFrame:
    """The estimates as a reader's table: figure as written, what it counts, who, how it became public, reach."""
    return pd.DataFrame(
        {
            "Made public": public_date_text(estimates),
            "Measure": estimates["metric"].map(vocab.METRIC_LABELS),
            "Figure": figure_texts(estimates),
            "Counts": [
                scope_text(scope, place, part)
                for scope, place, part in zip(
                    estimates["scope"], estimates["location"], estimates.get("part", [None] * len(estimates))
                )
            ],
            "Estimated by": estimates["estimator"].fillna("Not named"),
            "Made public through": [
                vocab.DISCLOSURE_CHANNEL_LABELS.get(channel, words(channel))
                for channel in estimates["disclosure_channel"]
            ],
            "Articles": estimates["n_citations"],
            "Independent reports": estimates["n_independent"],
        }
    )


#: How a figure's scope reads in a table.
SCOPE_WORDS = {TOTAL: "all so far", "additional": "an increment", SUBSET: "a partial count"}


def scope_text(scope: str, location, part=None, in_brackets: bool = False) -> str:
    """What a figure counts, for a reader: 'all so far', or a partial count or an increment with which part and
    the place the article gives ('a partial count (officers)', 'a partial count (Kursk)'), without which '8,000,
    a partial count' says nothing of which part. ``in_brackets``: for text already inside brackets, 'a partial
    count: Kursk' (brackets would nest)."""
    text = SCOPE_WORDS[scope]
    said = ", ".join(value for value in (part, location) if isinstance(value, str) and value)
    if scope == TOTAL or not said:
        return text
    return f"{text}: {said}" if in_brackets else f"{text} ({said})"


def figure_words(row: pd.Series, noun: str = "", in_brackets: bool = False) -> str:
    """A figure as a sentence quotes it: 'about 15,000', '6,000 more' for an increment, '9, a partial count
    (Kursk region)' for a part, which counts only some of the troops or losses (the newest estimate can be one);
    with ``noun`` after the number: 'about 11,000 troops deployed, a partial count (Kursk region)';
    ``in_brackets``: 'a partial count: Kursk region' (``scope_text``). A table without scopes words every figure
    as a whole one."""
    return _worded(figure_text(row), row.get("scope"), row.get("location"), row.get("part"), noun, in_brackets)


def figures_worded(frame: pd.DataFrame) -> list[str]:
    """``figure_words`` of each row of a table, without a Series per row (12,000 repeats at 100 times today's
    data took 0.6 s so)."""
    scoped = frame.reindex(columns=["scope", "location", "part"])
    return [
        _worded(text, scope, location, part)
        for text, scope, location, part in zip(figure_texts(frame), scoped["scope"], scoped["location"], scoped["part"])
    ]


def _worded(figure: str, scope, location, part, noun: str = "", in_brackets: bool = False) -> str:
    figure = f"{figure}{' more' if scope == 'additional' else ''}{f' {noun}' if noun else ''}"
    return f"{figure}, {scope_text(SUBSET, location, part, in_brackets)}" if scope == SUBSET else figure


def figure_and_measure(row) -> str:
    """A figure as written with its measure in brackets, none nested: 'around 15,000 (troops deployed)',
    'around 4,700 (casualties, killed and wounded)'."""
    return f"{figure_text(row)} {bracketed(vocab.METRIC_LABELS[row['metric']].lower())}"


def metric_noun(metric: str) -> str:
    """A measure as a noun after a number: 'troops deployed', 'casualties' (without the label's '(killed and
    wounded)', which inside a sentence's brackets would nest)."""
    return vocab.METRIC_LABELS[metric].split(" (")[0].lower()


def repeat_summary(stale: pd.DataFrame, estimates: pd.DataFrame) -> pd.DataFrame:
    """Old or superseded repeats as a reader's table (``estimates``: to word the newer figure)."""
    newer = estimates[estimates["estimate_id"].isin(set(stale["superseded_by"].dropna()))]
    newer_text = {
        eid: f"{figure} ({day_text(day)})"
        for eid, figure, day in zip(newer["estimate_id"], figure_texts(newer), newer["public_date"])
    }
    return pd.DataFrame(
        {
            "Estimated by": stale["estimator"],
            "Measure": stale["metric"].map(vocab.METRIC_LABELS),
            "Figure": figures_worded(stale),  # a part says which
            "Repeated by": stale["outlet"].fillna(UNNAMED_OUTLET),
            "On": _article_days(stale),
            "Age (days)": _ages(stale),
            "Newer figure already public": stale["superseded_by"].map(lambda newer: newer_text.get(newer, "")),
        }
    )


def _article_days(rows: pd.DataFrame) -> list[str]:
    """Each row's article date at the precision known ('16 Oct 2025 or later')."""
    return [date_at_precision(day, precision) for day, precision in zip(rows["published"], rows["published_precision"])]


def _ages(rows: pd.DataFrame) -> list[str]:
    """Each row's age in days, a minimum ('332 or more') when its article is dated only 'on or after' a day."""
    return [age_text(days, precision) for days, precision in zip(rows["age_days"], rows["published_precision"])]


#: How many of the most repeated figures the travel tables follow.
TRAVELS_SHOWN = 3
#: Each kind of drift, the wording column it compares, and how a reader names it.
_DRIFTS = (
    ("metric_drift", "metric_as_written", "measure"),
    ("number_drift", "figure_as_written", "number"),
    ("qualifier_drift", "qualifier_as_written", "qualifier"),
)


def travels(chains: pd.DataFrame, shown: int = TRAVELS_SHOWN) -> list[tuple[str, pd.DataFrame]]:
    """How the most repeated figures travelled: for each (most appearances first, then the earlier figure),
    a caption naming the figure and a reader's table of its appearances in date order, with each article's
    wording and how it drifted from the first ('casualties → killed')."""
    if chains.empty:
        return []
    counts = chains.groupby("estimate_id").size()
    first_public = chains.groupby("estimate_id")["public_date"].first()
    order = pd.DataFrame({"n": counts, "public": first_public}).query("n > 1")
    order = order.sort_values(["n", "public"], ascending=[False, True], kind="stable").head(shown)
    return [_travel(chains[chains["estimate_id"] == estimate_id]) for estimate_id in order.index]


def _travel(chain: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    first = chain.iloc[0]
    estimator = first["estimator"] if isinstance(first["estimator"], str) else "Unnamed estimator"
    caption = (
        f"{estimator}: {figure_and_measure(first)}, first reported "
        f"{date_at_precision(first['published'], first['published_precision'])}, then repeated by "
        f"{plural(len(chain) - 1, 'more article')}"
    )
    table = pd.DataFrame(
        {
            "Article": _article_days(chain),
            "Outlet": chain["outlet"].fillna(UNNAMED_OUTLET),
            "Age (days)": _ages(chain),
            "As the article words it": chain["wording"].replace("", "(not recorded)"),
            "Changed from the first wording": [_drift_text(row, first) for _, row in chain.iterrows()],
        }
    )
    return caption, table


def _drift_text(row: pd.Series, first: pd.Series) -> str:
    """'qualifier: around → at least', 'qualifier: "some" dropped', one clause per kind of drift."""
    return "; ".join(
        f"{name}: {_change(first[column], row[column])}" for flag, column, name in _DRIFTS if bool(row[flag])
    )


def _change(before: str, after: str) -> str:
    if not after:
        return f"'{before}' dropped"
    if not before:
        return f"'{after}' added"
    return f"{before} → {after}"


def metrics_to_chart(estimates: pd.DataFrame, selection: Selection) -> list[str]:
    """The selected metrics that have estimates, in the selection's order (all metrics when none is selected)."""
    present = set(estimates["metric"])
    return [metric for metric in (selection.metrics or vocab.METRICS) if metric in present]
