"""Partial dates, precision agreement and weekday resolution, with expected values worked out by calendar."""

from __future__ import annotations

from datetime import date

import pytest

from dprk_report.text.dates import Period, parse_partial_date, precision_problem, resolve_weekday, weekday_named_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025", Period(date(2025, 1, 1), date(2025, 12, 31), "year")),
        ("2025-04", Period(date(2025, 4, 1), date(2025, 4, 30), "month")),
        ("2024-02", Period(date(2024, 2, 1), date(2024, 2, 29), "month")),  # leap year
        ("2025-02", Period(date(2025, 2, 1), date(2025, 2, 28), "month")),
        ("2025-04-26", Period(date(2025, 4, 26), date(2025, 4, 26), "day")),
    ],
)
def test_parse_partial_date(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["2025-4", "25-04-26", "2025-04-26 ", "April 2025", "2025-13", "2025-02-29", ""])
def test_parse_partial_date_rejects(text):
    with pytest.raises(ValueError):
        parse_partial_date(text)


@pytest.mark.parametrize(
    ("text", "precision", "agrees"),
    [
        ("2025-04", "month", True),
        ("2025-04", "day", False),
        ("2025-04-26", "month", False),
        ("2025", "year", True),
        (None, "unknown", True),
        (None, "day", False),
        ("2025-04-26", "unknown", False),
        ("2025-04-26", None, False),
        ("2025-04-26", "not_before", True),
    ],
)
def test_precision_problem(text, precision, agrees):
    assert (precision_problem(text, precision) is None) is agrees


@pytest.mark.parametrize(
    ("weekday", "article_date", "expected"),
    [
        # Friday 2025-08-15: the Wednesday before it is the 13th.
        ("Wednesday", date(2025, 8, 15), date(2025, 8, 13)),
        # The article's own weekday is the article's own day.
        ("Friday", date(2025, 8, 15), date(2025, 8, 15)),
        # The Saturday before a Friday is six days earlier.
        ("saturday", date(2025, 8, 15), date(2025, 8, 9)),
        # Across a month end: Monday 2025-09-01, so "Thursday" is 2025-08-28.
        ("Thursday", date(2025, 9, 1), date(2025, 8, 28)),
        # Across a year end: Thursday 2025-01-02, so "Monday" is 2024-12-30.
        ("Monday", date(2025, 1, 2), date(2024, 12, 30)),
    ],
)
def test_resolve_weekday(weekday, article_date, expected):
    assert resolve_weekday(weekday, article_date) == expected


def test_resolve_weekday_rejects_unknown_name():
    with pytest.raises(ValueError):
        resolve_weekday("Funday", date(2025, 8, 15))


def test_weekday_named_in():
    assert weekday_named_in("earlier on Thursday") == "thursday"
    assert weekday_named_in("on Sundays") is None
    assert weekday_named_in("last week") is None
    assert weekday_named_in(None) is None


def test_parsed_dates_are_remembered_and_refusals_are_not():
    """Each date a dataset writes is parsed once (the same period is handed out again); a bad date is refused
    each time, so every check that reads it reports it."""
    assert parse_partial_date("2025-04") is parse_partial_date("2025-04")
    for _ in range(2):
        with pytest.raises(ValueError, match="not a real date"):
            parse_partial_date("2025-02-30")


def test_an_article_contradicts_a_date_only_when_its_words_give_another():
    import pandas as pd

    from dprk_report.text.phrases import date_contradicted

    friday = parse_partial_date("2024-12-27")  # an article of Friday 27 December 2024
    monday, tuesday = parse_partial_date("2024-12-23"), parse_partial_date("2024-12-24")
    assert date_contradicted("On Monday", monday, friday, True) is None  # the 23rd: it agrees
    assert date_contradicted("On Monday", tuesday, friday, True) == monday  # the record says the 24th
    assert date_contradicted("On Monday", parse_partial_date("2024-12"), friday, True) is None  # within the month
    # Which Monday an article known only to the month means is unknown; so is a record's undated date.
    assert date_contradicted("On Monday", tuesday, parse_partial_date("2024-12"), False) is None
    assert date_contradicted("On Monday", None, friday, True) is None
    # No phrase (an empty cell read by pandas: None, NaN or pd.NA), or an article of no known date.
    for empty in (None, float("nan"), pd.NA, ""):
        assert date_contradicted(empty, tuesday, friday, True) is None
    assert date_contradicted("On Monday", tuesday, None, True) is None
