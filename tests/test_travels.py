"""How the most repeated figures travelled: appearances in date order, wording and drift, from a hand-made chain."""

from __future__ import annotations

import pandas as pd

from dprk_report.analysis.lineage import travels

T = pd.Timestamp


def _appearance(
    eid,
    published,
    outlet,
    age,
    wording,
    *,
    metric_drift=False,
    number_drift=False,
    qualifier_drift=False,
    qualifier="around",
    metric_word="casualties",
    figure="1,000",
):
    return {
        "estimate_id": eid,
        "metric": "casualties",
        "estimator": "Spy agency",
        "best": 1000,
        "low": None,
        "high": None,
        "qualifier": "around",
        "public_date": T("2025-01-01"),
        "published": T(published),
        "published_precision": "day",
        "outlet": outlet,
        "age_days": age,
        "wording": wording,
        "metric_as_written": metric_word,
        "figure_as_written": figure,
        "qualifier_as_written": qualifier,
        "metric_drift": metric_drift,
        "number_drift": number_drift,
        "qualifier_drift": qualifier_drift,
    }


CHAINS = pd.DataFrame(
    [
        _appearance("A", "2025-01-01", "Daily One", 0, "around 1,000 casualties"),
        _appearance(
            "A",
            "2025-03-01",
            "Weekly Two",
            59,
            "1,000 killed",
            metric_drift=True,
            qualifier_drift=True,
            qualifier="",
            metric_word="killed",
        ),
        _appearance("A", "2025-04-01", None, 90, "", qualifier=""),
        _appearance("B", "2025-02-01", "Daily One", 0, "around 1,000 casualties"),
        _appearance("B", "2025-02-02", "Weekly Two", 1, "around 1,000 casualties"),
        _appearance("C", "2025-02-05", "Daily One", 0, "around 1,000 casualties"),
    ]
)


def test_the_most_repeated_figures_come_first_and_a_figure_printed_once_is_not_a_travel():
    captions = [caption for caption, _ in travels(CHAINS)]
    assert captions == [
        "Spy agency: around 1,000 (casualties, killed and wounded), first reported 1 Jan 2025, "
        "then repeated by 2 more articles",
        "Spy agency: around 1,000 (casualties, killed and wounded), first reported 1 Feb 2025, "
        "then repeated by 1 more article",
    ]
    assert len(travels(CHAINS, shown=1)) == 1


def test_each_appearance_shows_its_wording_and_what_changed_from_the_first():
    _, table = travels(CHAINS)[0]
    assert table["Article"].tolist() == ["1 Jan 2025", "1 Mar 2025", "1 Apr 2025"]
    assert table["Outlet"].tolist() == ["Daily One", "Weekly Two", "Unnamed outlet"]
    assert table["As the article words it"].tolist() == ["around 1,000 casualties", "1,000 killed", "(not recorded)"]
    assert table["Changed from the first wording"].tolist() == [
        "",
        "measure: casualties → killed; qualifier: 'around' dropped",
        "",
    ]


def test_no_appearance_means_no_travel():
    assert travels(CHAINS.iloc[0:0]) == []
