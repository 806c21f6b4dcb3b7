"""A tie for 'the most', 'the busiest' or 'the longest' is said as a tie: a page never names the one of the tied
entries that happens to come first (findings.leaders)."""

from __future__ import annotations

import pandas as pd

from dprk_report.analysis import coverage
from dprk_report.report import findings

MONTHS = pd.period_range("2024-10", "2024-12", freq="M")
TIED_MONTHS = pd.DataFrame({"Ukraine": [5, 0, 4], "Russia": [1, 0, 2]}, index=MONTHS)  # October and December: 6
ARTICLES = pd.Series([2, 0, 3], index=MONTHS)


def _timeline(sides: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "statement_id": [f"ST{i}" for i in range(len(sides))],
            "side": sides,
            "speaker": [f"Speaker {i}" for i in range(len(sides))],
            "date_marker": "day",  # all dated to the day: none may fall inside a gap
            "date_start": pd.NaT,
            "timeline_end": pd.NaT,
            "first_report_open": False,
        }
    )


def _gaps(days: list[int]) -> pd.DataFrame:
    ends = pd.to_datetime("2025-01-01") + pd.to_timedelta(pd.Series(days).cumsum(), unit="D")
    return pd.DataFrame(
        {
            "previous_id": [f"ST{i}" for i in range(len(days))],
            "previous_date": ends - pd.to_timedelta(days, unit="D"),
            "statement_id": [f"ST{i + 1}" for i in range(len(days))],
            "date": ends,
            "gap_days": days,
        }
    )


def test_the_most_frequent_side_and_the_busiest_months_when_they_tie():
    lines = findings.cadence_findings(_timeline(["Ukraine", "Russia", "Ukraine", "Russia", "United States"]),
                                      pd.DataFrame(), TIED_MONTHS, pd.DataFrame(), ARTICLES)  # fmt: skip
    assert lines[0] == "**5 statements** by 3 sides; the most frequent speaker sides are Ukraine and Russia (2 each)."
    assert lines[1] == (
        "The busiest months were October 2024 and December 2024 "
        "(6 statements each; 2 and 3 archived articles published in them)."
    )
    assert findings.monthly_title(TIED_MONTHS, ARTICLES).startswith("The busiest months: October 2024 and December")
    assert findings.timeline_title(_timeline(["Ukraine"] * 12), TIED_MONTHS) == (
        "12 statements; the busiest months, October 2024 and December 2024, had 6 each of the 12 whose month is known"
    )


def test_more_tied_months_or_sides_than_a_sentence_names_are_counted():
    flat = pd.DataFrame(
        {"Ukraine": [1, 1, 1], "Russia": [0, 0, 0]}, index=pd.period_range("2024-10", "2024-12", freq="M")
    )
    articles = pd.Series([1, 2, 3], index=flat.index)
    sides = ["Ukraine", "Russia", "Ukraine", "Russia", "United States", "United States", "United Kingdom"]
    lines = findings.cadence_findings(_timeline(sides), pd.DataFrame(), flat, pd.DataFrame(), articles)
    assert lines[0] == "**7 statements** by 4 sides; 3 sides tie as the most frequent speakers (2 each)."
    assert lines[1] == "3 months tie as the busiest (1 statement each)."
    assert findings.monthly_title(flat, articles) == "3 months tie as the busiest (1 statement each); 0 months had none"
    assert findings.timeline_title(_timeline(["Ukraine"] * 3), flat) == (
        "3 statements; 3 months tie as the busiest, with 1 each of the 3 whose month is known"
    )
    level = findings.cadence_findings(_timeline(["Ukraine", "Russia"]), pd.DataFrame(), flat, pd.DataFrame())
    assert level[0] == "**2 statements** by 2 sides; each side made 1."


def test_the_richest_articles_when_they_tie():
    contributions = pd.DataFrame(
        {
            "outlet": ["Newsloup", None, "KBS World", "Babel"],
            "published_date_start": pd.to_datetime(["2025-03-31", "2025-01-24", "2025-02-04", "2025-04-26"]),
            "statements": [1, 2, 0, 1],
            "estimates": [5, 4, 1, 0],
        }
    )
    assert findings.contributions_title(contributions) == (
        "4 articles support the dataset; the richest, Newsloup (31 March 2025) and an unnamed outlet "
        "(24 January 2025), support 6 records each"
    )
    alone = contributions.assign(estimates=[6, 4, 1, 0])
    assert findings.contributions_title(alone).endswith("the richest, Newsloup (31 March 2025), supports 7 records")
    level = contributions.assign(statements=[1] * 4, estimates=[0] * 4)
    assert findings.contributions_title(level).endswith("; 4 tie as the richest, with 1 record each")


def test_the_longest_gaps_when_they_tie():
    gaps = _gaps([10, 3, 10])
    assert findings.intervals_title(gaps) == (
        "Statements dated to the day: median gap 10 days; the longest gaps, 10 days each, ended on "
        "11 January 2025 and 24 January 2025"
    )
    lines = findings.cadence_findings(_timeline(["Ukraine"] * 4), gaps, pd.DataFrame(), pd.DataFrame())
    assert lines[1].startswith(
        "Counting from the day the deployment was first reported, between statements dated to the day the median "
        "gap is 10 days; "
    )
    assert lines[1].endswith(
        "; the longest gap, 10 days, came 2 times: from 1 January 2025 (Speaker 0) to 11 January 2025 "
        "(Speaker 1); from 14 January 2025 (Speaker 2) to 24 January 2025 (Speaker 3)."
    )
    assert findings.intervals_title(_gaps([10, 3])).endswith("the longest gap, 10 days, ended on 11 January 2025")
    assert findings.intervals_title(_gaps([10, 10, 10])).endswith("the longest gap, 10 days, came 3 times")
    # A speaker recorded with a bracket of its own ('(via NK News)') does not nest brackets in the sentence.
    relayed = _timeline(["Ukraine"] * 4).assign(speaker=["Sources (via NK News)", "Kim Jong Un", "A", "B"])
    assert findings.cadence_findings(relayed, _gaps([10, 3, 1]), pd.DataFrame(), pd.DataFrame())[1].endswith(
        "the longest gap is 10 days, from 1 January 2025 (Sources, via NK News) to 11 January 2025 (Kim Jong Un)."
    )
    thrice = findings.cadence_findings(_timeline(["Ukraine"] * 4), _gaps([10, 10, 10]), pd.DataFrame(), pd.DataFrame())
    assert thrice[1].endswith("; the longest gap, 10 days, came 3 times.")


def test_the_slowest_state_media_reports_when_they_tie():
    lags = pd.DataFrame(
        {
            "lag_days": [7, 2, 7],
            "speaker": ["Kim Jong Un", "A", "Vladimir Putin"],
            "side": ["North Korea", "Russia", "Russia"],
            "channel": ["speech", "letter", "letter"],
            "state_media": ["KCNA", "KCNA", "TASS"],
            "date_start": pd.to_datetime(["2025-04-28", "2025-05-01", "2025-06-19"]),
        }
    )
    assert findings.lags_title(lags) == (
        "State media reported within 2 days at best and 7 days at worst (Kim Jong Un's speech and Vladimir Putin's "
        "letter)"
    )
    lines = findings.cadence_findings(_timeline(["Russia"] * 2), pd.DataFrame(), pd.DataFrame(), lags)
    assert lines[-1] == (
        "State media's longest delay, 7 days, came 2 times: KCNA reported Kim Jong Un's speech of 28 April 2025; "
        "TASS reported Vladimir Putin's letter of 19 June 2025."
    )


#: A figure as the estimates table and its repeats carry it: NIS's some 600 killed.
FIGURE = {"estimator": "NIS", "metric": "killed", "best": 600, "low": pd.NA, "high": pd.NA, "qualifier": "some"}


def _one_figure() -> tuple[dict, pd.DataFrame]:
    """``FIGURE``, and the estimates table holding it alone (made public on 30 April 2025)."""
    estimates = pd.DataFrame(
        [FIGURE | {"estimate_id": "ES1", "scope": "total", "public_date": pd.Timestamp("2025-04-30")}]
    ).assign(public_date_basis="announced", share_as_written=None)
    return FIGURE, estimates


def test_the_oldest_repeats_when_they_tie():
    figure, estimates = _one_figure()
    stale = pd.DataFrame(
        [
            figure | {"estimate_id": estimate, "outlet": outlet, "published": pd.Timestamp(published), "age_days": age}
            for estimate, outlet, published, age in [
                ("ES1", "The Korea Herald", "2025-12-13", 227),
                ("ES1", "The Tribune (India)", "2025-12-13", 227),
                ("ES1", None, "2025-12-13", 227),  # an article whose stored copy names no outlet
                ("ES2", "AJU Press", "2025-12-12", 227),
                ("ES1", "AJU Press", "2025-08-30", 122),
            ]
        ]
    )
    milestones = pd.DataFrame({"side": [], "date": []})
    lines = findings.estimate_findings(estimates, pd.DataFrame(), stale, milestones)
    assert lines[-2].endswith(
        "; the oldest, 227 days after it was made public, came 2 times: NIS's some 600 (killed), repeated by 3 "
        "articles on 13 December 2025; NIS's some 600 (killed), repeated by AJU Press on 12 December 2025."
    )
    one_day = findings.estimate_findings(estimates, pd.DataFrame(), stale.iloc[1:3], milestones)
    assert one_day[-2].endswith(
        "; the oldest: NIS's some 600 (killed), repeated by The Tribune (India) and an unnamed outlet on 13 "
        "December 2025, 227 days after it was made public."
    )
    alone = findings.estimate_findings(estimates, pd.DataFrame(), stale.iloc[4:], milestones)
    assert alone[-2].endswith(
        "; the oldest: NIS's some 600 (killed), repeated by AJU Press on 30 August 2025, 122 days after it was made "
        "public."
    )


def _articles(months: dict[str, int]) -> pd.DataFrame:
    """Articles with one statement each, ``months`` saying how many were published in which month."""
    days = [pd.Timestamp(f"{month}-15") for month, count in months.items() for _ in range(count)]
    return pd.DataFrame(
        {"outlet": "Outlet", "published_date_start": days, "statements": 1, "estimates": [0] * len(days)}
    )


def test_the_title_of_a_chart_by_month_names_the_richest_month_not_an_article_it_does_not_show():
    many = _articles({"2024-10": 20, "2024-11": 31, "2024-12": 10})
    assert len(many) > coverage.ARTICLES_CHARTED_EACH  # more than the chart shows one by one
    assert findings.contributions_title(many) == (
        "61 articles support the dataset; by month of publication, the richest is November 2024: 31 citations from "
        "31 articles"
    )
    tied = _articles({"2024-10": 30, "2024-11": 30, "2024-12": 1})
    assert findings.contributions_title(tied).endswith(
        "; by month of publication, October 2024 and November 2024 tie, 30 citations each"
    )


def test_an_age_counted_to_an_article_dated_only_on_or_after_a_day_is_a_minimum():
    figure, estimates = _one_figure()
    stale = pd.DataFrame(
        [
            figure
            | {
                "estimate_id": "ES1",
                "outlet": "The Kyiv Independent",
                "published": pd.Timestamp("2025-10-16"),
                "published_precision": "not_before",
                "age_days": 169,
            }
        ]
    )
    lines = findings.estimate_findings(estimates, pd.DataFrame(), stale, pd.DataFrame({"side": [], "date": []}))
    assert lines[-2].endswith(
        "; the oldest: NIS's some 600 (killed), repeated by The Kyiv Independent on 16 October 2025 or later, at "
        "least 169 days after it was made public."
    )
    assert findings.repeats_title(stale, stale).endswith("; the oldest was at least 169 days old")


def test_a_statement_that_may_fall_inside_two_tied_gaps_counts_once():
    timeline = _timeline(["Ukraine"] * 5)
    timeline.loc[4, ["date_marker", "date_start", "timeline_end"]] = [
        "span",
        pd.Timestamp("2025-01-01"),
        pd.Timestamp("2025-01-31"),
    ]
    lines = findings.cadence_findings(timeline, _gaps([10, 3, 10]), pd.DataFrame(), pd.DataFrame())
    assert lines[1].endswith("; 1 statement not dated to the day may fall inside them.")
