"""Findings in plain words, computed from the analysis frames (no typed-in numbers)."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from dprk_report import vocab
from dprk_report.analysis import cadence, coverage
from dprk_report.analysis.lineage import TOTAL, figure_and_measure, figure_words
from dprk_report.analysis.thresholds import OLD_AFTER_DAYS
from dprk_report.text.wording import (
    AN_UNNAMED_OUTLET,
    ANNOUNCED,
    FIRST_SEEN_OPEN,
    act_words,
    bracketed,
    date_at_precision,
    earliest_possible,
    joined,
    long_day,
    plural,
    possessive,
    public_when,
    speaker_words,
)
from dprk_report.vocab import METRIC_LABELS


def day(value: pd.Timestamp) -> str:
    return long_day(value)


#: How many tied leaders a sentence or a title names; more are counted instead ('3 tie as the richest, with 6
#: records each'): three names made a chart's title wider than the chart.
TIES_NAMED = 2


def leaders(values: pd.Series) -> list:
    """The labels of ``values`` that share its largest value, in their order: every 'the most', 'the busiest'
    and 'the longest' on a page is said by this rule, so that a tie is said as a tie instead of naming the
    tied entry that happens to come first."""
    return list(values.index[values == values.max()])


def _named(items: list[str], what: str) -> str:
    """Tied leaders as a sentence names them: up to ``TIES_NAMED`` by name, else how many."""
    return joined(items) if len(items) <= TIES_NAMED else plural(len(items), what)


def _whole_or_increment(frame: pd.DataFrame) -> pd.Series:
    return frame["scope"].isin([TOTAL, "additional"])


def _with_number(frame: pd.DataFrame) -> pd.Series:
    return frame["best"].notna() | frame["high"].notna()


def _dated(frame: pd.DataFrame) -> pd.Series:
    return frame["public_date_basis"] == ANNOUNCED


#: The preferences of ``totals_first``, in order.
PREFERENCES = (_whole_or_increment, _with_number, _dated)


def totals_first(rows: pd.DataFrame) -> pd.DataFrame:
    """The figures to quote for a metric, in the order they were made public: totals and increments ('6,000
    more') over parts (one unit's dead), figures with a number over vague ones ('many'), and figures whose
    announcement day is known over those known only from their first report. Such a report is the latest day
    the figure can have been made public, not the day it was: a background figure first archived late ('some
    14,000 ... last year') would otherwise pass for the newest. Each preference applies among what the one
    before it kept: without a dated figure among them, an undated one counts from its first report. On one day a
    total comes after an increment: '16,000 in all, 1,000 of them new' ends at the total."""
    for wanted in PREFERENCES:  # each preference applies to what the one before it kept
        preferred = rows[wanted(rows)]
        rows = preferred if not preferred.empty else rows
    ordered = rows.assign(total_last=rows["scope"] == TOTAL)
    return ordered.sort_values(["public_date", "total_last", "estimate_id"], kind="stable").drop(columns="total_last")


#: The rule of the latest figures, as the index and the estimates pages state it.
LATEST_RULE = (
    "the figure most recently made public, by three preferences, each among the figures the one before kept: "
    "a total or an increment rather than one part of the force (an increment comes after the total it adds to, "
    "its estimator's latest before it by these same preferences, or is said to have none in the data); a number "
    "rather than vague words; "
    "and a figure whose announcement day is known rather than one known only from the article that first reported "
    "it (which counts from that report; those first reported later are listed after it). A casualties figure "
    "older than the latest killed or wounded figure whose day is known says so"
)


class Latest(NamedTuple):
    """A metric's figures, and the latest of them by ``LATEST_RULE``."""

    figures: pd.DataFrame
    latest: pd.Series


def latest_figures(estimates: pd.DataFrame, every_estimate: pd.DataFrame | None = None) -> list[str]:
    """The latest figure of each metric, in the codebook's order of metrics, by one rule (``LATEST_RULE``:
    ``totals_first``, then the latest made public): 'killed figure: around 2,000, from South Korea National
    Intelligence Service (2 September 2025)'. An increment alone ('around 1,000 more') does not say how large
    the force or the losses are: it follows the total its estimator gave before it ('around 15,000, from ...
    (30 April 2025), then around 1,000 more (2 September 2025)'), or is said to have none. A casualties figure
    older than the latest dated killed or wounded figure says so (``_older``). ``every_estimate``: where to look
    for that total when ``estimates`` are a selection (a window may start after it); by default, ``estimates``."""
    every_estimate = estimates if every_estimate is None else every_estimate
    latest = {}
    for metric in [m for m in vocab.METRICS if m in set(estimates["metric"])]:
        figures = estimates[estimates["metric"] == metric]
        latest[metric] = Latest(figures, totals_first(figures).iloc[-1])
    lines = []
    for metric, (figures, row) in latest.items():
        total = _total_before(every_estimate[every_estimate["metric"] == metric], row)
        said = _latest_words(_figure_parts(row)[0], row, total)
        lines.append(said + _undated_later(figures, row) + _older(metric, latest))
    return lines


def _older(metric: str, latest: dict[str, Latest]) -> str:
    """'; older than the latest killed figure': for a figure of a metric that counts others' people too
    (``vocab.COUNTS_OTHERS``), when the latest figure of one of those was made public on a known day after it,
    so that 'casualties: around 4,700 (30 April 2025)' beside a killed figure of 2 September does not read as
    the newer count. A figure known only from its first report may be older than it looks: it is not compared."""
    day = latest[metric].latest["public_date"]
    newer = [
        METRIC_LABELS[other].lower()
        for other in vocab.COUNTS_OTHERS.get(metric, ())
        if other in latest
        and latest[other].latest["public_date_basis"] == ANNOUNCED
        and latest[other].latest["public_date"] > day
    ]
    return f"; older than the latest {joined(newer)} {'figures' if len(newer) > 1 else 'figure'}" if newer else ""


def _undated_later(figures: pd.DataFrame, latest: pd.Series) -> str:
    """'; first reported later, with no known day: about 5,000 more, from ... (no later than 4 November 2025)':
    the figures (totals and increments with a number) that the dated ``latest`` was preferred to although an
    article reported them after it, so that the rule does not hide them."""
    if latest["public_date_basis"] != ANNOUNCED:
        return ""
    later = figures[
        _whole_or_increment(figures)
        & _with_number(figures)
        & ~_dated(figures)
        & (figures["public_date"] > latest["public_date"])
    ].sort_values(["public_date", "estimate_id"], kind="stable")
    described = [", ".join(_figure_parts(row)[1:]) for _, row in later.iterrows()]
    return f"; first reported later, with no known day: {_named(described, 'figure')}" if described else ""


def _total_before(figures: pd.DataFrame, increment: pd.Series) -> pd.Series | None:
    """The total ``increment`` adds to: of its estimator's totals made public no later than it (of all the
    metric's ``figures``), the latest by the preferences of the latest figures (``totals_first``: a number, a
    known day, where there is one); ``None`` for a total, or with no such total. A total first reported only
    'on or after' a day may have come after the increment: it is not counted."""
    if increment["scope"] != "additional":
        return None
    before = figures[
        (figures["scope"] == TOTAL)
        & (figures["estimator"] == increment["estimator"])
        & (figures["public_date"] <= increment["public_date"])
        & (figures["public_date_basis"] != FIRST_SEEN_OPEN)
    ]
    return None if before.empty else totals_first(before).iloc[-1]


def _latest_words(label: str, row: pd.Series, total: pd.Series | None) -> str:
    """'killed figure: around 2,000, from NIS (2 September 2025)'; an increment after the total it adds to, as the
    estimates chart's title says it: 'troops deployed figure: around 15,000, from NIS (30 April 2025), then
    around 1,000 more (2 September 2025)'; an increment on no total in the data says so ('2 more' alone reads
    as a count)."""
    if total is not None:
        return f"{label} figure: {', '.join(_figure_parts(total)[1:])}, then {figure_words(row)} ({_when(row)})"
    alone = ", an increment with no earlier total of its estimator in the data" if row["scope"] == "additional" else ""
    return f"{label} figure: {', '.join(_figure_parts(row)[1:])}{alone}"


def _when(row: pd.Series) -> str:
    return public_when(row["public_date"], row["public_date_basis"], day)


def _figure_parts(row: pd.Series) -> tuple[str, str, str]:
    """An estimate for a sentence: its measure ('killed'), the figure ('6,000 more') and its source with
    when it was made public ('from South Korea National Intelligence Service (2 September 2025)')."""
    return METRIC_LABELS[row["metric"]].lower(), figure_words(row), f"from {row['estimator']} ({_when(row)})"


def newest_record_lines(fresh, as_of_text: str) -> list[str]:
    """The newest estimate and statement, and how many days before ``as_of_text`` each was made public
    (``fresh``: ``analysis.freshness.Freshness``)."""
    lines = []
    if fresh.estimate is not None:
        label, figure, source = _figure_parts(fresh.estimate)
        lines.append(
            f"Newest estimate: a {label} figure, {figure}, {source}, {plural(fresh.estimate_age, 'day')} "
            f"before {as_of_text}"
        )
    if fresh.statement is not None:
        row = fresh.statement
        who = speaker_words(row["speaker"], row["side"])
        lines.append(
            f"Newest statement: {who} ({_statement_when(row)}), {plural(fresh.statement_age, 'day')} "
            f"before {as_of_text}"
        )
    return lines


def _statement_when(row: pd.Series) -> str:
    """A timeline row's date at the precision known: a day, a month, a year, or 'no later than' a day."""
    when = row["timeline_date"]
    if row["date_marker"] == cadence.MARKER_NO_LATER_THAN:
        return f"no later than {day(when)}"
    if row["date_precision"] == "month":
        return f"{when:%b %Y}"
    if row["date_precision"] == "year":
        return f"{when:%Y}"
    return day(when)


def coverage_findings(contributions: pd.DataFrame, timeline: pd.DataFrame, estimates: pd.DataFrame) -> list[str]:
    if contributions.empty:
        return ["No archived article was published in this window."]
    wired = contributions["wire_agency"].notna().sum()
    excerpts = int(contributions["is_excerpt"].sum())
    single = (estimates["n_independent"] == 1).sum() if not estimates.empty else 0
    undated = (timeline["date_marker"] == cadence.MARKER_NO_LATER_THAN).sum()
    findings = [
        f"The evidence is **{plural(len(contributions), 'article')}** from "
        f"{plural(contributions['outlet'].nunique(), 'outlet')}, published between "
        f"{day(contributions['published_date_start'].min())} and {day(contributions['published_date_start'].max())}; "
        f"{excerpts:,} of them are excerpts.",
        f"{int(wired):,} of the {len(contributions):,} articles carry a named wire agency's story; copies of one "
        "agency's story are not independent confirmation of each other.",
    ]
    if len(timeline):
        findings.append(
            f"{plural(int(undated), 'statement')} of {len(timeline):,} have no date in any article and can only be "
            "placed by their first report."
        )
    if len(estimates):
        findings.append(f"{single:,} of {len(estimates):,} estimates rest on a single independent report.")
    return findings


def disagreement_summary(warnings) -> str:
    if not warnings:
        return "The sources agree everywhere the checks look."
    return f"{plural(len(warnings), 'place')} where the sources disagree:"


def busiest_month(counts: pd.DataFrame, articles: pd.Series | None = None) -> str:
    """The month with the most statements dated to it (or the months tied: see ``busiest_noun``), with how much
    of it the archive holds: 'October 2024 (16 statements; 10 archived articles published that month)',
    'October 2024 and May 2025 (6 statements each; 2 and 3 archived articles published in them)'."""
    totals = counts.sum(axis=1)
    months, most = leaders(totals), int(totals.max())
    if len(months) == 1:
        held = "" if articles is None else f"; {plural(int(articles.get(months[0], 0)), 'archived article')}"
        held += " published that month" if held else ""
        return f"{months[0].strftime('%B %Y')} ({plural(most, 'statement')}{held})"
    named = _named([month.strftime("%B %Y") for month in months], "month")
    held = (
        ""
        if articles is None or len(months) > TIES_NAMED
        else f"; {joined([str(int(articles.get(month, 0))) for month in months])} archived articles published in them"
    )
    return f"{named} ({plural(most, 'statement')} each{held})"


def _many_busiest(counts: pd.DataFrame) -> str | None:
    """'3 months tie as the busiest (1 statement each)' when more months tie than a sentence names, else
    ``None`` (``busiest_month`` names them)."""
    totals = counts.sum(axis=1)
    months = leaders(totals)
    if len(months) <= TIES_NAMED:
        return None
    return f"{len(months)} months tie as the busiest ({plural(int(totals.max()), 'statement')} each)"


def busiest_noun(counts: pd.DataFrame) -> str:
    """'month', or 'months' when several tie as the busiest."""
    return "month" if len(leaders(counts.sum(axis=1))) == 1 else "months"


def cadence_findings(
    timeline: pd.DataFrame,
    gaps: pd.DataFrame,
    counts: pd.DataFrame,
    lags: pd.DataFrame,
    articles: pd.Series | None = None,
) -> list[str]:
    if timeline.empty:
        return ["No statement in the dataset falls in this window for the selected sides."]
    by_side = timeline["side"].value_counts()
    if len(by_side) == 1:  # one side selected: naming it as the most frequent would say nothing
        findings = [f"**{plural(len(timeline), 'statement')}**, all by {by_side.index[0]}."]
    else:
        sides = leaders(by_side)
        count = by_side.iloc[0]
        if len(sides) == len(by_side):
            most = f"each side made {count}"  # none is more frequent than another
        elif len(sides) > TIES_NAMED:
            most = f"{len(sides)} sides tie as the most frequent speakers ({count} each)"
        elif len(sides) == 2:
            most = f"the most frequent speaker sides are {joined(sides)} ({count} each)"
        else:
            most = f"the most frequent speaker side is {sides[0]} ({count})"
        statements = f"**{plural(len(timeline), 'statement')}** by {plural(len(by_side), 'side')}"
        findings = [f"{statements}; {most}."]
    if not counts.empty:
        verb = "was" if busiest_noun(counts) == "month" else "were"
        many = _many_busiest(counts)
        findings.append(
            f"{many}." if many else f"The busiest {busiest_noun(counts)} {verb} {busiest_month(counts, articles)}."
        )
    if not gaps.empty:
        findings.append(_gap_finding(timeline, gaps))
    if not lags.empty:
        worst = lags.loc[leaders(lags["lag_days"].astype(float))]
        reports = [
            f"{row.state_media} reported {possessive(speaker_words(row.speaker, row.side))} {act_words(row.channel)} "
            f"of {day(row.date_start)}"
            for row in worst.itertuples()
        ]
        days = plural(int(worst["lag_days"].iloc[0]), "day")
        findings.append(
            f"State media's longest delay: {reports[0]} {days} later."
            if len(reports) == 1
            else f"State media's longest delay, {days}, {_times(reports)}."
        )
    return findings


def _repeat_words(rows: pd.DataFrame) -> str:
    """A figure and the articles that repeated it on one day: 'NIS's around 15,000 (troops deployed), repeated
    by The Korea Herald and AJU Press on 13 December 2025' (more than ``TIES_NAMED`` articles are counted)."""
    first, outlets = rows.iloc[0], list(rows["outlet"].fillna(AN_UNNAMED_OUTLET))
    by = joined(outlets) if len(outlets) <= TIES_NAMED else plural(len(outlets), "article")
    return f"{first['estimator']}'s {figure_and_measure(first)}, repeated by {by} on {_article_day(first)}"


def _article_day(row: pd.Series) -> str:
    """The date of the article of ``row`` (``published``), at its precision, as a sentence says it: '13 December
    2025', or '16 October 2025 or later' for an article dated only 'on or after' a day."""
    return date_at_precision(row["published"], row.get("published_precision", "day"), day=day)


def _at_least(rows: pd.DataFrame) -> str:
    """'at least ' when an age counted to the articles of ``rows`` is a minimum (``earliest_possible``): one of them
    may have appeared, and repeated the figure, later still."""
    precisions = rows.get("published_precision", [])
    return "at least " if any(earliest_possible(precision) for precision in precisions) else ""


def _times(events: list[str]) -> str:
    """How often a tied longest came, and each time unless there are more than ``TIES_NAMED``."""
    listed = f": {'; '.join(events)}" if len(events) <= TIES_NAMED else ""
    return f"came {plural(len(events), 'time')}{listed}"


def _gap_finding(timeline: pd.DataFrame, gaps: pd.DataFrame) -> str:
    """The median gap and the longest gap (or gaps, when several tie), with who spoke on either side, and how many
    statements dated less precisely may fall inside it."""
    speakers = timeline.set_index("statement_id")["speaker"].fillna("an unnamed speaker")
    longest = gaps.loc[leaders(gaps["gap_days"].astype(float))]
    spans = [
        f"from {day(gap.previous_date)} {bracketed(speakers[gap.previous_id])} to {day(gap.date)} "
        f"{bracketed(speakers[gap.statement_id])}"
        for gap in longest.itertuples()
    ]
    may_fall_inside = pd.Series(False, index=timeline.index)
    for gap in longest.itertuples():  # a statement that may fall inside two tied gaps counts once
        may_fall_inside |= cadence.may_fall_within(timeline, gap.previous_date, gap.date)
    loose = int(may_fall_inside.sum())
    inside = "it" if len(spans) == 1 else "them"
    caveat = f"; {plural(loose, 'statement')} not dated to the day may fall inside {inside}" if loose else ""
    days = plural(int(longest["gap_days"].iloc[0]), "day")
    longest_gap = (
        f"the longest gap is {days}, {spans[0]}" if len(spans) == 1 else f"the longest gap, {days}, {_times(spans)}"
    )
    return (
        f"Counting from the day the deployment was first reported, between statements dated to the day the median "
        f"gap is {median_days(gaps['gap_days'])}; {longest_gap}{caveat}."
    )


def estimate_findings(
    estimates: pd.DataFrame,
    lineage: pd.DataFrame,
    stale: pd.DataFrame,
    milestones: pd.DataFrame,
    every_estimate: pd.DataFrame | None = None,
) -> list[str]:
    """The estimates page's findings about the selected ``estimates`` (``every_estimate``: the whole table, for
    the total an increment adds to, which may precede the window: ``latest_figures``)."""
    if estimates.empty:
        return ["No estimate of the selected metrics was made public in this window."]
    findings = []
    for milestone in milestones.itertuples(index=False):
        before = (estimates["public_date"] < milestone.date).sum()
        findings.append(
            f"{milestone.side} first confirmed the deployment on {day(milestone.date)}, after "
            f"{plural(int(before), 'estimate')} in this selection had been published."
        )
    findings += [f"Latest {line}." for line in latest_figures(estimates, every_estimate)]
    if not stale.empty:
        oldest = stale.loc[leaders(stale["age_days"].astype(float))]
        # One figure repeated by several articles on one day is one repeat to name, with its articles.
        repeats = [_repeat_words(rows) for _, rows in oldest.groupby(["estimate_id", "published"], sort=False)]
        age = _at_least(oldest) + plural(int(oldest["age_days"].iloc[0]), "day")
        which = (
            f"the oldest: {repeats[0]}, {age} after it was made public"
            if len(repeats) == 1
            else f"the oldest, {age} after it was made public, {_times(repeats)}"
        )
        findings.append(
            f"**{plural(len(stale), 'repeat')}** carried a figure that was old ({OLD_AFTER_DAYS} days or more) "
            f"or already replaced by its own estimator; {which}."
        )
    first = estimates.iloc[0]
    findings.append(
        f"The first figure in the window is {figure_and_measure(first)} "
        f"from {first['estimator']}, public on {day(first['public_date'])}."
    )
    return findings


def contributions_title(contributions: pd.DataFrame) -> str:
    """The chart's finding: the richest article, or, when the chart shows months (``coverage.by_month``), the
    richest month of publication."""
    supported = f"{len(contributions):,} articles support the dataset"
    months = coverage.by_month(contributions)
    if months is not None:
        totals = months["statements"] + months["estimates"]
        # A month's articles may each cite one record: a month counts citations, not records.
        top, cited = leaders(totals), plural(int(totals.max()), "citation")
        if len(top) == 1:
            articles = plural(int(months.loc[top[0], "articles"]), "article")
            return f"{supported}; by month of publication, the richest is {top[0]:%B %Y}: {cited} from {articles}"
        return f"{supported}; by month of publication, {_named([f'{m:%B %Y}' for m in top], 'month')} tie, {cited} each"
    totals = contributions["statements"] + contributions["estimates"]
    top = contributions.loc[leaders(totals)]
    names = [
        f"{outlet if pd.notna(outlet) else AN_UNNAMED_OUTLET} ({day(published)})"
        for outlet, published in zip(top["outlet"], top["published_date_start"])
    ]
    records = plural(int(totals.max()), "record")
    if len(names) == 1:
        return f"{supported}; the richest, {names[0]}, supports {records}"
    if len(names) > TIES_NAMED:
        return f"{supported}; {len(names)} tie as the richest, with {records} each"
    return f"{supported}; the richest, {joined(names)}, support {records} each"


def median_days(days: pd.Series) -> str:
    """A median number of days as measured: '4 days', '4.5 days' (never truncated)."""
    value = float(days.astype(float).median())
    return f"{value:g} day{'' if value == 1 else 's'}"


def timeline_title(timeline: pd.DataFrame, counts: pd.DataFrame) -> str:
    """The busiest month by the rule of the monthly chart (statements dated at least to the month)."""
    if counts.empty:
        return f"{plural(len(timeline), 'statement')}, none whose month is known"
    totals = counts.sum(axis=1)
    months = leaders(totals)
    of = f"of the {int(totals.sum()):,} whose month is known"
    if len(months) > TIES_NAMED:
        tied = f"{len(months)} months tie as the busiest, with {int(totals.max()):,} each"
        return f"{plural(len(timeline), 'statement')}; {tied} {of}"
    named = joined([month.strftime("%B %Y") for month in months])
    return (
        f"{plural(len(timeline), 'statement')}; the busiest {busiest_noun(counts)}, {named}, "
        f"had {int(totals.max()):,}{' each' * (len(months) > 1)} {of}"
    )


def monthly_title(counts: pd.DataFrame, articles: pd.Series | None = None) -> str:
    totals = counts.sum(axis=1)
    quiet = int((totals == 0).sum())
    busiest = _many_busiest(counts) or f"The busiest {busiest_noun(counts)}: {busiest_month(counts, articles)}"
    return f"{busiest}; {plural(quiet, 'month')} had none"


def intervals_title(gaps: pd.DataFrame) -> str:
    days = gaps["gap_days"].astype(float)
    ends = [day(end) for end in gaps.loc[leaders(days), "date"]]
    longest = plural(int(days.max()), "day")
    if len(ends) == 1:
        longest_gap = f"the longest gap, {longest}, ended on {ends[0]}"
    elif len(ends) <= TIES_NAMED:
        longest_gap = f"the longest gaps, {longest} each, ended on {joined(ends)}"
    else:
        longest_gap = f"the longest gap, {longest}, came {len(ends)} times"
    # Gaps are measured between statements dated to the day only: the title says so, as the page does.
    return f"Statements dated to the day: median gap {median_days(gaps['gap_days'])}; {longest_gap}"


def _lag_words(days: int) -> str:
    return "the same day" if days == 0 else f"within {plural(days, 'day')}"


def lags_title(lags: pd.DataFrame) -> str:
    worst = lags.loc[leaders(lags["lag_days"].astype(float))]
    acts = [
        f"{possessive(speaker_words(row.speaker, row.side))} {act_words(row.channel)}" for row in worst.itertuples()
    ]
    return (
        f"State media reported {_lag_words(int(lags['lag_days'].min()))} at best and "
        f"{plural(int(worst['lag_days'].iloc[0]), 'day')} at worst ({_named(acts, 'act')})"
    )


def estimates_title(estimates: pd.DataFrame) -> str:
    """What the panels hold (with several measures), then how the measure with the most figures went: from its
    first total to its latest; by the rule of the latest figures (``totals_first``) when it has fewer than two
    totals, and then, as only totals compare ('from 15,000 to 1,000 more' would read as a fall), the one figure
    followed by the other ('15,000 (Apr 2025), then 1,000 more (Sep 2025)')."""
    metric = estimates["metric"].value_counts().index[0]
    figures = estimates[estimates["metric"] == metric]
    totals = figures[figures["scope"] == TOTAL]
    kept = totals_first(totals) if not totals.empty else totals  # the totals the latest figures' rule keeps
    rows = kept if len(kept) > 1 else totals_first(figures)
    first, latest = rows.iloc[0], rows.iloc[-1]
    change = f"{figure_words(first)} ({_month_when(first)})"
    if len(rows) > 1:
        compared = first["scope"] == TOTAL and latest["scope"] == TOTAL
        change = f"from {change} to " if compared else f"{change}, then "
        change += f"{figure_words(latest)} ({_month_when(latest)})"
    measures = estimates["metric"].nunique()
    if measures == 1:
        return f"{METRIC_LABELS[metric]}: {change}"
    held = f"{plural(len(estimates), 'figure')} of {measures:,} measures"
    return f"{held}. {METRIC_LABELS[metric]}: {change}"


def _month_when(row: pd.Series) -> str:
    """The month a figure was made public, as a chart's title says it, short: 'Apr 2025'; known only from its
    first report, 'by Jun 2025' (no later than), or 'Jun 2025 or later' when that report is dated only from a
    day on."""
    month = f"{row['public_date']:%b %Y}"
    basis = row["public_date_basis"]
    return month if basis == ANNOUNCED else f"{month} or later" if basis == FIRST_SEEN_OPEN else f"by {month}"


def repeats_title(repeats: pd.DataFrame, stale: pd.DataFrame) -> str:
    """Title of the repeat-age chart: the repeats, and how many were stale by the findings' rule
    (``lineage.old_repeats``: old, or already replaced by the estimator's newer figure)."""
    oldest = repeats.loc[leaders(repeats["age_days"].astype(float))]
    return (
        f"{plural(len(stale), 'repeat')} of {len(repeats):,} carried a figure {OLD_AFTER_DAYS} days old or more, "
        f"or one its estimator had replaced; the oldest was {_at_least(oldest)}{int(repeats['age_days'].max()):,} "
        "days old"
    )
