"""The statement counts per month are read against how many archived articles each month holds."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from dprk_report.analysis.coverage import articles_per_month
from dprk_report.report import charts
from dprk_report.report.findings import busiest_month, cadence_findings, monthly_title

MONTHS = pd.period_range("2024-10", "2024-12", freq="M")
COUNTS = pd.DataFrame({"Ukraine": [5, 0, 2], "Russia": [1, 0, 0]}, index=MONTHS)


def _dataset(dates: list[str], precisions: list[str]):
    sources = pd.DataFrame(
        {"published_date_start": pd.to_datetime(dates), "published_precision": pd.Categorical(precisions)}
    )
    return SimpleNamespace(sources=sources)


def test_articles_are_counted_by_the_month_they_were_published_and_undated_ones_are_left_out():
    dataset = _dataset(["2024-10-03", "2024-10-30", "2024-12-01", "2024-11-15"], ["day", "month", "day", "unknown"])
    assert articles_per_month(dataset, MONTHS).tolist() == [2, 0, 1]


def test_the_busiest_month_says_how_many_archived_articles_the_month_holds():
    articles = pd.Series([2, 0, 1], index=MONTHS)
    assert busiest_month(COUNTS, articles) == "October 2024 (6 statements; 2 archived articles published that month)"
    assert busiest_month(COUNTS) == "October 2024 (6 statements)"
    assert monthly_title(COUNTS, articles).endswith("; 1 month had none")


def test_the_findings_and_the_chart_title_use_the_same_busiest_month():
    articles = pd.Series([2, 0, 1], index=MONTHS)
    timeline = pd.DataFrame({"side": ["Ukraine"] * 7 + ["Russia"]})
    lines = cadence_findings(timeline, pd.DataFrame(), COUNTS, pd.DataFrame(), articles)
    assert "The busiest month was October 2024 (6 statements; 2 archived articles published that month)." in lines
    assert busiest_month(COUNTS, articles) in monthly_title(COUNTS, articles)


def test_the_monthly_chart_marks_the_articles_of_each_month():
    articles = pd.Series([2, 0, 1], index=MONTHS)
    ax = charts.monthly_counts(COUNTS, "t", articles).axes[0]
    (diamonds,) = [line for line in ax.lines if line.get_marker() == "D"]
    assert list(diamonds.get_ydata()) == [2, 0, 1]
