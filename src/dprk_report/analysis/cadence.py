"""Cadence of statements: when each was made, how sure we are, and the gaps between them."""

from __future__ import annotations

import functools
from collections.abc import Callable

import pandas as pd

from dprk_report import vocab
from dprk_report.analysis.common import first_citation, first_reported, overlaps_window, with_evidence
from dprk_report.analysis.lineage import estimate_table
from dprk_report.analysis.selection import Selection
from dprk_report.data.dataset import Dataset, derived_once
from dprk_report.text.wording import UNNAMED_OUTLET, act_words, date_at_precision, day_text, speaker_words

#: How a statement's date is drawn, from most to least certain.
MARKER_DAY = "day"  # the article gives the day
MARKER_INFERRED = "inferred"  # day worked out from a weekday or a relative phrase
MARKER_SPAN = "span"  # only the month or year is known
MARKER_NO_LATER_THAN = "no_later_than"  # undated: drawn at its first report


#: Channels grouped for charting: fifteen marker shapes would be unreadable.
CHANNEL_GROUPS = {
    "letter": "Letter or message",
    "message": "Letter or message",
    "phone_call": "Call, talks or meeting",
    "talks": "Call, talks or meeting",
    "meeting": "Call, talks or meeting",
    "briefing": "Briefing or press event",
    "press_briefing": "Briefing or press event",
    "press_conference": "Briefing or press event",
    "interview": "Briefing or press event",
    "speech": "Speech, address or ceremony",
    "video_address": "Speech, address or ceremony",
    "ceremony": "Speech, address or ceremony",
    "written_statement": "Written statement or post",
    "social_media": "Written statement or post",
    "unspecified": "Other or unspecified",
}


def date_marker(precision: str, basis: str) -> str:
    """How certain a statement's date is, as drawn on the timeline."""
    if precision == "unknown":
        return MARKER_NO_LATER_THAN
    if precision in ("month", "year"):
        return MARKER_SPAN
    return MARKER_INFERRED if basis in vocab.RESOLVED_BASES else MARKER_DAY


@derived_once
def statement_timeline(dataset: Dataset) -> pd.DataFrame:
    """One row per statement with the date to draw it at and how certain that date is.

    ``timeline_date`` is the day for day-precision statements, the first day of
    the period for month or year precision (drawn as a span to ``date_end``), and
    the first report for undated statements (``common.first_reported``: "no later than" that day, or,
    where ``first_report_open``, only "on or after" it).
    """
    frame = dataset.statements
    reported = first_reported(dataset)
    markers = [date_marker(p, b) for p, b in zip(frame["date_precision"], frame["date_basis"])]
    timeline = pd.DataFrame(
        {
            "statement_id": frame["statement_id"],
            "side": frame["side"].astype(str),
            "speaker": frame["speaker"],
            "channel": frame["channel"].astype(str),
            "channel_group": frame["channel"].astype(str).map(CHANNEL_GROUPS).fillna("Other or unspecified"),
            "act": frame["act"].astype(str),
            "occasion": frame["occasion"],
            "summary": frame["summary"],
            "date_precision": frame["date_precision"].astype(str),
            "date_basis": frame["date_basis"].astype(str),
            "date_marker": markers,
            "date_start": frame["event_date_start"],
            "date_end": frame["event_date_end"],
            "first_reported": frame["statement_id"].map(reported["date"]),
            "first_report_open": frame["statement_id"].map(reported["open"]).fillna(False).astype(bool),
            "state_media": frame["state_media"],
            "state_media_date": frame["state_media_report_date_start"],
        }
    )
    timeline = with_evidence(timeline, "statement_id", dataset)
    undated = timeline["date_marker"] == MARKER_NO_LATER_THAN
    timeline["timeline_date"] = timeline["date_start"].where(~undated, timeline["first_reported"])
    timeline["timeline_end"] = timeline["date_end"].where(~undated, timeline["first_reported"])
    return timeline.sort_values(["timeline_date", "statement_id"], kind="stable").reset_index(drop=True)


def select_statements(timeline: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """Statements by the selected sides whose date or period meets the window."""
    keep = overlaps_window(timeline["timeline_date"], timeline["timeline_end"], selection)
    if selection.sides:
        keep &= timeline["side"].isin(selection.sides)
    return timeline[keep].reset_index(drop=True)


def intervals(timeline: pd.DataFrame, since: pd.Timestamp | None = None) -> pd.DataFrame:
    """Days between consecutive statements known to the day, from ``since`` on (all when ``None``).

    Month-, year- and undated statements are left out: an interval to a date
    we do not know would be invented precision. ``since`` is the first report of the
    deployment: before it there was nothing to be silent about.
    """
    dated = timeline[timeline["date_marker"].isin([MARKER_DAY, MARKER_INFERRED])]
    if since is not None and pd.notna(since):
        dated = dated[dated["date_start"] >= since]
    dated = dated.sort_values(["date_start", "statement_id"], kind="stable")
    gaps = pd.DataFrame(
        {
            "previous_id": dated["statement_id"].shift(),
            "previous_date": dated["date_start"].shift(),
            "statement_id": dated["statement_id"],
            "date": dated["date_start"],
            "side": dated["side"],
        }
    )
    gaps["gap_days"] = (gaps["date"] - gaps["previous_date"]).dt.days.astype("Int64")
    return gaps.dropna(subset=["previous_id"]).reset_index(drop=True)


def deployment_first_reported(dataset: Dataset) -> pd.Timestamp:
    """The day the deployment was first reported: the earliest troops-deployed figure made public."""
    estimates = estimate_table(dataset)
    return estimates.loc[estimates["metric"] == "troops_deployed", "public_date"].min()


def not_dated_within(timeline: pd.DataFrame, after: pd.Timestamp, before: pd.Timestamp) -> int:
    """How many statements not known to the day may have been made between two days (``may_fall_within``)."""
    return int(may_fall_within(timeline, after, before).sum())


def may_fall_within(timeline: pd.DataFrame, after: pd.Timestamp, before: pd.Timestamp) -> pd.Series:
    """Which statements, not known to the day, may have been made between two days: those known to the month
    or year whose period meets the interval, and undated ones first reported after its start (or first reported
    by articles dated only 'on or after' a day, which bound them from no side)."""
    span = timeline["date_marker"] == MARKER_SPAN
    loose = span | (timeline["date_marker"] == MARKER_NO_LATER_THAN)
    latest_ok = (timeline["timeline_end"] > after) | (~span & timeline["first_report_open"].fillna(False).astype(bool))
    earliest_ok = ~span | (timeline["date_start"] < before)
    return loose & latest_ok & earliest_ok


def monthly_counts(timeline: pd.DataFrame, selection: Selection | None = None) -> pd.DataFrame:
    """Statements per calendar month and side (months as rows, sides as columns).

    Only statements dated at least to the month are counted. Every month of the selection's window appears
    (without a selection, every month from the first statement's to the last's), so quiet months show as
    zeros, at the window's ends as anywhere else: a window's last months without statements are as much a
    finding as its middle ones.
    """
    placed = timeline[timeline["date_precision"].isin(["day", "month"])]
    if placed.empty:
        return pd.DataFrame()
    months = placed["date_start"].dt.to_period("M")
    counts = pd.crosstab(months, placed["side"])
    first, last = counts.index.min(), counts.index.max()
    if selection is not None:  # a month-dated statement may begin before a window that starts mid-month
        first, last = min(first, pd.Period(selection.start, "M")), max(last, pd.Period(selection.end, "M"))
    every_month = pd.period_range(first, last, freq="M")
    return counts.reindex(every_month, fill_value=0).rename_axis("month")


def state_media_lags(timeline: pd.DataFrame) -> pd.DataFrame:
    """Days from an act to its state-media report, where both are known to the day."""
    known = timeline[
        timeline["state_media_date"].notna() & timeline["date_marker"].isin([MARKER_DAY, MARKER_INFERRED])
    ].copy()
    known["lag_days"] = (known["state_media_date"] - known["date_start"]).dt.days.astype("Int64")
    return known[
        [
            "statement_id",
            "side",
            "speaker",
            "channel",
            "occasion",
            "date_start",
            "state_media",
            "state_media_date",
            "lag_days",
        ]
    ].reset_index(drop=True)


def _who_and_when(timeline: pd.DataFrame) -> dict[str, pd.Series]:
    """The columns every statement table opens with: the date as precisely as known, side, speaker, channel."""
    return {
        "Date": pd.Series(
            [
                date_at_precision(start, precision, first, is_open)
                for start, precision, first, is_open in zip(
                    timeline["date_start"],
                    timeline["date_precision"],
                    timeline["first_reported"],
                    timeline["first_report_open"],
                )
            ],
            index=timeline.index,
        ),
        "Side": timeline["side"],
        "Speaker": timeline["speaker"].fillna("Not named"),
        # As charts and titles name an act: 'Statement' where the article says only that someone said something.
        "Channel": pd.Series(list(map(act_words, timeline["channel"])), index=timeline.index).str.capitalize(),
    }


def marked_occasions(timeline: pd.DataFrame) -> pd.DataFrame:
    """Statements the data tie to an occasion (anniversary, New Year, summit)."""
    tied = timeline[timeline["occasion"].notna()]
    return pd.DataFrame({**_who_and_when(tied), "Occasion": tied["occasion"]})


#: Sides whose own confirmation of the deployment is a milestone on the estimate charts.
DEPLOYING_SIDES = ("North Korea", "Russia")


def confirmation_milestones(timeline: pd.DataFrame) -> pd.DataFrame:
    """The first confirmation by each deploying side, with a label for charts."""
    confirmations = timeline[(timeline["act"] == "confirmation") & timeline["side"].isin(DEPLOYING_SIDES)]
    confirmations = confirmations.dropna(subset=["timeline_date"])
    first = confirmations.sort_values("timeline_date", kind="stable").groupby("side", observed=True).head(1)
    return pd.DataFrame(
        {
            "side": first["side"],
            "date": first["timeline_date"],
            "statement_id": first["statement_id"],
            "label": [f"{side} confirms ({day_text(day)})" for side, day in zip(first["side"], first["timeline_date"])],
        }
    ).reset_index(drop=True)


def longest_gaps(gaps: pd.DataFrame, timeline: pd.DataFrame, count: int = 5) -> pd.DataFrame:
    """The ``count`` longest gaps between statements dated to the day, with who spoke before and after, and how
    many statements not known to the day may fall inside each (``may_fall_within``): a gap is no silence when
    they may. A statement that names no speaker is its side's officials', as the charts and their titles say."""
    speakers = pd.Series(
        list(map(speaker_words, timeline["speaker"], timeline["side"])), index=timeline["statement_id"].to_numpy()
    )
    longest = gaps.nlargest(count, "gap_days")
    inside = [
        not_dated_within(timeline, after, before)
        for after, before in zip(longest["previous_date"], longest["date"], strict=True)
    ]
    return pd.DataFrame(
        {
            "From": longest["previous_date"].map(day_text),
            "Spoke before": longest["previous_id"].map(speakers),
            "To": longest["date"].map(day_text),
            "Spoke after": longest["statement_id"].map(speakers),
            "Days": longest["gap_days"],
            "Statements not dated to the day that may fall inside": pd.Series(
                inside, index=longest.index, dtype="Int64"
            ),
        }
    )


def statement_wording(dataset: Dataset) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """``statement_table`` for ``dataset``, as a function of the statements only: what a notebook hands to
    ``display.show_table`` to word only the statements it shows."""
    return functools.partial(statement_table, dataset=dataset)


def statement_table(timeline: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Every selected statement with its first report and that report's quote, for reading: the evidence its
    chart mark links to (``common.first_citation``)."""
    first = first_citation(dataset)
    ids = timeline["statement_id"]
    return pd.DataFrame(
        {
            **_who_and_when(timeline),
            "What was said or done": timeline["summary"],
            "First reported by": [
                f"{outlet}, {date_at_precision(published, precision)}"
                for outlet, published, precision in zip(
                    ids.map(first["outlet"]).fillna(UNNAMED_OUTLET),
                    ids.map(first["published"]),
                    ids.map(first["published_precision"]),
                )
            ],
            "In its words": ids.map(first["quote"]),
        }
    )
