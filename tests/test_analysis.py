"""The analysis on small hand-made frames; every expected value is worked out by hand below."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from dprk_report import vocab
from dprk_report.analysis import cadence, common, coverage, lineage
from dprk_report.analysis.selection import validate_parameters
from dprk_report.data.dataset import Dataset
from dprk_report.report import findings
from dprk_report.text import wording

T = pd.Timestamp


def _sources() -> pd.DataFrame:
    days = [T("2025-01-13"), T("2025-05-14"), T("2025-03-05"), T("2025-08-15")]
    return pd.DataFrame(
        {
            "source_id": ["S1", "S2", "S3", "S4"],
            "outlet": ["Daily A", "Daily B", "Daily C", "Daily D"],
            "wire_agency": ["Reuters", "Reuters", None, None],
            "published_date_start": days,
            "published_date_end": days,  # published on a known day: it starts and ends that day
            "published_precision": ["day"] * 4,
        }
    )


def _statement(sid, side, precision, basis, start, end=None, act="assessment", sm_date=None):
    return {
        "statement_id": sid,
        "side": side,
        "speaker": f"speaker {sid}",
        "channel": "letter",
        "act": act,
        "occasion": None,
        "summary": "",
        "date_precision": precision,
        "date_basis": basis,
        "event_date_start": start,
        "event_date_end": end if end is not None else start,
        "state_media": "KCNA" if sm_date is not None else None,
        "state_media_report_date_start": sm_date,
    }


def _statements() -> pd.DataFrame:
    rows = [
        _statement("STA", "Russia", "day", "stated", T("2025-01-01")),
        _statement("STB", "North Korea", "day", "weekday", T("2025-01-11"), sm_date=T("2025-01-18")),
        _statement("STC", "Russia", "month", "stated", T("2025-02-01"), T("2025-02-28"), sm_date=T("2025-03-02")),
        _statement("STD", "Ukraine", "unknown", "not_stated", pd.NaT, pd.NaT),
        _statement("STE", "North Korea", "day", "stated", T("2025-02-01"), act="confirmation"),
        _statement("STF", "Ukraine", "day", "stated", T("2025-04-10")),
    ]
    return pd.DataFrame(rows)


def _estimate(eid, best, start, precision="day", metric="killed", estimator="NIS", scope="total", location=None):
    return {
        "estimate_id": eid,
        "metric": metric,
        "estimator": estimator,
        "estimator_side": "South Korea",
        "best": best,
        "low": pd.NA,
        "high": pd.NA,
        "qualifier": "over",
        "qualifier_kind": "lower_bound",
        "scope": scope,
        "announced_date_start": start,
        "announced_precision": precision,
        "disclosure_channel": "closed_door_briefing",
        "location": location,
    }


def _estimates() -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            _estimate("ESX", 300, T("2025-01-13")),
            _estimate("ESY", 600, T("2025-04-30")),
            _estimate("ESZ", 10000, pd.NaT, precision="unknown", metric="troops_deployed"),
        ]
    )
    frame[["best", "low", "high"]] = frame[["best", "low", "high"]].astype("Int64")
    return frame


def _citations() -> pd.DataFrame:
    pairs = [
        ("STA", "S1"),
        ("STB", "S1"),
        ("STC", "S3"),
        ("STD", "S3"),
        ("STD", "S2"),
        ("STE", "S3"),
        ("STF", "S2"),
        ("ESX", "S1"),
        ("ESX", "S2"),
        ("ESY", "S2"),
        ("ESZ", "S4"),
    ]
    return pd.DataFrame(
        {
            "citation_id": [f"C{i}" for i in range(len(pairs))],
            "record_id": [p[0] for p in pairs],
            "source_id": [p[1] for p in pairs],
            "quote": "",
        }
    )


@pytest.fixture
def dataset() -> Dataset:
    return Dataset(_sources(), _statements(), _estimates(), _citations())


@pytest.fixture
def timeline(dataset) -> pd.DataFrame:
    return cadence.statement_timeline(dataset).set_index("statement_id")


def test_date_markers_follow_precision_and_basis(timeline):
    assert timeline["date_marker"].to_dict() == {
        "STA": "day",
        "STB": "inferred",
        "STC": "span",
        "STD": "no_later_than",
        "STE": "day",
        "STF": "day",
    }


def test_undated_statement_sits_at_its_first_report(timeline):
    # STD is cited by S3 (5 March) and S2 (14 May): the earliest report bounds it.
    assert timeline.loc["STD", "timeline_date"] == T("2025-03-05")


def test_intervals_skip_statements_not_dated_to_the_day(timeline):
    gaps = cadence.intervals(timeline.reset_index())
    # A (1 Jan) -> B (11 Jan) = 10; B -> E (1 Feb) = 21; E -> F (10 Apr) = 68. C and D are left out.
    assert gaps[["previous_id", "statement_id", "gap_days"]].values.tolist() == [
        ["STA", "STB", 10],
        ["STB", "STE", 21],
        ["STE", "STF", 68],
    ]


def test_statements_not_dated_to_the_day_that_may_fall_inside_a_gap(timeline):
    frame = timeline.reset_index()
    # 1 Feb -> 10 Apr: C (February) meets it; D (undated, first reported 5 Mar) may be anywhere before 5 Mar.
    assert cadence.not_dated_within(frame, T("2025-02-01"), T("2025-04-10")) == 2
    # 1 Jan -> 11 Jan: only D; 6 Mar -> 10 Apr: neither (C ended in February, D was public by 5 Mar).
    assert cadence.not_dated_within(frame, T("2025-01-01"), T("2025-01-11")) == 1
    assert cadence.not_dated_within(frame, T("2025-03-06"), T("2025-04-10")) == 0
    # Were D first reported only by an article dated 'on or after' 5 Mar, it could fall inside any gap.
    frame.loc[frame["statement_id"] == "STD", "first_report_open"] = True
    assert cadence.not_dated_within(frame, T("2025-03-06"), T("2025-04-10")) == 1


def test_monthly_counts_include_quiet_months_as_zero(timeline):
    counts = cadence.monthly_counts(timeline.reset_index())
    # Jan: A, B; Feb: C (month), E; Mar: none; Apr: F. D is undated and not counted.
    assert counts.sum(axis=1).tolist() == [2, 2, 0, 1]
    assert [str(month) for month in counts.index] == ["2025-01", "2025-02", "2025-03", "2025-04"]


def test_monthly_counts_span_the_whole_window_even_where_it_has_no_statement(timeline):
    # The statements run from January to April; the window from mid-December to the end of June.
    selection = validate_parameters("2024-12-15", "2025-06-30", [])
    counts = cadence.monthly_counts(timeline.reset_index(), selection)
    assert [str(month) for month in counts.index] == ["2024-12", *(f"2025-0{m}" for m in range(1, 7))]
    assert counts.sum(axis=1).tolist() == [0, 2, 2, 0, 1, 0, 0]


def test_state_media_lag_only_where_both_days_are_known(timeline):
    lags = cadence.state_media_lags(timeline.reset_index())
    # B: 11 Jan -> 18 Jan = 7 days. C has only a month, so no lag is computed.
    assert lags[["statement_id", "lag_days"]].values.tolist() == [["STB", 7]]


def test_selection_keeps_spans_that_overlap_the_window(timeline):
    selection = validate_parameters("2025-02-10", "2025-02-20", ["Russia"])
    chosen = cadence.select_statements(timeline.reset_index(), selection)
    assert chosen["statement_id"].tolist() == ["STC"]


def test_empty_window_selects_nothing(timeline):
    selection = validate_parameters("2023-01-01", "2023-12-31")
    assert cadence.select_statements(timeline.reset_index(), selection).empty


def test_first_confirmation_is_a_milestone(timeline):
    milestones = cadence.confirmation_milestones(timeline.reset_index())
    assert milestones[["side", "date"]].values.tolist() == [["North Korea", T("2025-02-01")]]


def test_public_date_is_the_announcement_day_or_the_first_report(dataset):
    table = lineage.estimate_table(dataset).set_index("estimate_id")
    assert table.loc["ESX", "public_date"] == T("2025-01-13")
    assert table.loc["ESZ", "public_date"] == T("2025-08-15")
    assert table.loc["ESZ", "public_date_basis"] == "first_seen"


def test_an_article_dated_only_on_or_after_a_day_bounds_a_first_report_from_below_only(dataset):
    # ESZ (undated) is cited only by S4, now known only to be published on 15 Aug 2025 or later.
    sources = dataset.sources.assign(
        published_precision=["day", "day", "day", "not_before"],
        published_date_end=[T("2025-01-13"), T("2025-05-14"), T("2025-03-05"), pd.NaT],
    )
    alone = Dataset(sources, dataset.statements, dataset.estimates, dataset.citations)
    table = lineage.estimate_table(alone).set_index("estimate_id")
    assert table.loc["ESZ", "public_date"] == T("2025-08-15")
    assert lineage.public_date_text(table)["ESZ"] == "first reported on or after 15 Aug 2025"
    # Also cited by S3, published on 5 Mar 2025: public no later than that day.
    citations = pd.concat([dataset.citations, pd.DataFrame([{"record_id": "ESZ", "source_id": "S3"}])])
    bounded = Dataset(sources, dataset.statements, dataset.estimates, citations.reset_index(drop=True))
    table = lineage.estimate_table(bounded).set_index("estimate_id")
    assert lineage.public_date_text(table)["ESZ"] == "no later than 5 Mar 2025"


def test_wire_copies_count_as_one_independent_report(dataset):
    # ESX is cited by S1 and S2, both Reuters copies: one report.
    table = lineage.estimate_table(dataset).set_index("estimate_id")
    assert table.loc["ESX", "n_citations"] == 2
    assert table.loc["ESX", "n_independent"] == 1


def test_lineage_ages_and_supersession(dataset):
    table = lineage.estimate_table(dataset)
    history = lineage.estimate_lineage(dataset, table).set_index(["estimate_id", "source_id"])
    # ESX public 13 Jan; repeated by S2 on 14 May: 18 + 28 + 31 + 30 + 14 = 121 days,
    # when the same estimator's newer ESY (30 April) was already public.
    assert history.loc[("ESX", "S1"), "age_days"] == 0
    assert history.loc[("ESX", "S2"), "age_days"] == 121
    assert history.loc[("ESX", "S2"), "superseded_by"] == "ESY"
    assert pd.isna(history.loc[("ESY", "S2"), "superseded_by"])


def test_old_repeats_lists_only_later_appearances(dataset):
    table = lineage.estimate_table(dataset)
    stale = lineage.old_repeats(lineage.estimate_lineage(dataset, table))
    assert stale[["estimate_id", "source_id"]].values.tolist() == [["ESX", "S2"]]


def test_the_estimates_table_says_where_a_part_or_an_increment_is_in_the_article_s_words():
    """A part or an increment ("8,000 ... a partial count") says little without the region the article gives; a total's
    place adds nothing to what it counts."""
    estimates = pd.DataFrame(
        [
            _estimate("ESP", 8000, T("2024-10-31"), metric="troops_deployed", scope="subset", location="Kursk"),
            _estimate("ESI", 2000, T("2024-11-04"), metric="troops_deployed", scope="additional", location="Russia"),
            _estimate("ESR", 500, T("2024-10-24"), metric="troops_deployed", scope="subset") | {"part": "officers"},
            _estimate("EST", 11000, T("2024-11-18"), metric="troops_deployed", location="Russia"),
        ]
    )
    estimates["public_date"], estimates["public_date_basis"] = estimates["announced_date_start"], "announced"
    estimates["n_citations"] = estimates["n_independent"] = 1
    counts = lineage.estimate_summary(estimates)["Counts"].tolist()
    assert counts == ["a partial count (Kursk)", "an increment (Russia)", "a partial count (officers)", "all so far"]


def test_the_estimates_table_names_how_a_figure_became_public_in_plain_words():
    channels = ["closed_door_briefing", "unspecified", "media_report", "press_briefing"]
    estimates = pd.DataFrame([_estimate(f"E{i}", 1, T("2025-01-01")) for i in range(4)]).assign(
        disclosure_channel=channels, public_date_basis="announced", n_citations=1, n_independent=1
    )
    estimates["public_date"] = estimates["announced_date_start"]
    assert lineage.estimate_summary(estimates)["Made public through"].tolist() == [
        "closed-door briefing",
        "not stated",
        "media report (unnamed officials)",
        "press briefing",
    ]


def test_select_estimates_by_metric_and_window(dataset):
    table = lineage.estimate_table(dataset)
    selection = validate_parameters("2025-01-01", "2025-06-30", [], ["killed"])
    assert lineage.select_estimates(table, selection)["estimate_id"].tolist() == ["ESX", "ESY"]


def test_independent_reports_counts_outlets_without_wire_separately():
    citations = pd.DataFrame(
        {
            "record_id": ["R"] * 3,
            "source_id": ["a", "b", "c"],
            "wire_agency": ["AFP", None, None],
            "outlet": ["X", "Y", "Z"],
        }
    )
    assert common.independent_reports(citations)["R"] == 3


@pytest.mark.parametrize(
    "low, best, high, qualifier, expected",
    [
        (10000, pd.NA, 12000, "between", "10,000 to 12,000"),
        (pd.NA, 3000, pd.NA, "more than", "more than 3,000"),
        (pd.NA, pd.NA, pd.NA, "thousands", "thousands"),
        (pd.NA, 2, pd.NA, pd.NA, "2"),
    ],
)
def test_figure_text_keeps_the_qualifier(low, best, high, qualifier, expected):
    row = pd.Series({"low": low, "best": best, "high": high, "qualifier": qualifier})
    assert wording.figure_text(row) == expected


def test_a_share_is_worded_as_a_share_and_a_missing_figure_says_so():
    share = pd.Series(
        {"low": pd.NA, "best": pd.NA, "high": pd.NA, "qualifier": "nearly", "share_as_written": "nearly half"}
    )
    assert wording.figure_text(share) == "nearly half"
    nothing = pd.Series({"low": pd.NA, "best": pd.NA, "high": pd.NA, "qualifier": pd.NA})
    assert wording.figure_text(nothing) == "no figure given"


def _figures(*rows: tuple) -> pd.DataFrame:
    """Typed estimates from (id, qualifier, best, low, high) rows."""
    frame = pd.DataFrame(rows, columns=["estimate_id", "qualifier", "best", "low", "high"])
    for column in ("low", "best", "high"):
        frame[column] = frame[column].astype("Int64")
    return frame.assign(metric=pd.Categorical(["killed"] * len(frame)))


def test_a_table_s_figures_are_worded_row_by_row_whatever_other_columns_it_has():
    table = _figures(
        ("E1", "between", None, 10000, 12000),
        ("E2", "more than", 3000, None, None),
        ("E3", "thousands", None, None, None),
    )
    assert wording.figure_texts(table) == ["10,000 to 12,000", "more than 3,000", "thousands"]
    shares = table.assign(share_as_written=[None, None, "nearly half"])
    assert wording.figure_texts(shares) == ["10,000 to 12,000", "more than 3,000", "nearly half"]


def test_a_superseded_repeat_names_the_newer_figure_and_an_old_one_names_none():
    estimates = _figures(
        ("E1", "at least", 100, None, None), ("E2", "about", 300, None, None), ("E3", None, 900, None, None)
    )
    estimates["public_date"] = pd.to_datetime(["2024-12-19", "2025-01-13", "2025-06-01"])
    stale = estimates.iloc[[0, 1]].assign(
        estimator="NIS",
        outlet=["The Korea Herald", None],
        published=pd.to_datetime(["2025-02-01", "2025-05-01"]),
        published_precision=["day", "not_before"],
        age_days=[44, 108],
        superseded_by=["E2", None],
    )
    table = lineage.repeat_summary(stale.reset_index(drop=True), estimates)
    assert table["Figure"].tolist() == ["at least 100", "about 300"]
    # An increment is said to be one, and a part says which part, as everywhere a figure is worded.
    scoped = stale.assign(scope=["additional", "subset"], location=[None, "Kursk"], part=[None, "officers"])
    assert lineage.repeat_summary(scoped.reset_index(drop=True), estimates)["Figure"].tolist() == [
        "at least 100 more",
        "about 300, a partial count (officers, Kursk)",
    ]
    # An article dated only 'on or after' a day: its date says so, and the age is a minimum.
    assert table[["On", "Age (days)"]].values.tolist() == [["1 Feb 2025", "44"], ["1 May 2025 or later", "108 or more"]]
    assert table["Newer figure already public"].tolist() == ["about 300 (13 Jan 2025)", ""]
    assert table["Repeated by"].tolist() == ["The Korea Herald", "Unnamed outlet"]


def test_repeats_none_of_them_superseded_name_no_newer_figure_and_raise_no_warning():
    estimates = _figures(("E1", "about", 100, None, None))
    estimates["public_date"] = pd.to_datetime(["2024-12-19"])
    stale = estimates.assign(
        estimator="NIS",
        outlet="X",
        published=pd.to_datetime(["2025-06-01"]),
        published_precision="day",
        age_days=[164],
        superseded_by=pd.Series([None], dtype="str"),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # filling a column of no newer figure warned: pandas 4 makes that an error
        table = lineage.repeat_summary(stale, estimates)
    assert table["Newer figure already public"].tolist() == [""]


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NaT, pd.NA], ids=["None", "NaN", "NaT", "NA"])
def test_a_missing_value_of_any_kind_is_worded_as_missing(missing):
    assert wording.date_at_precision(missing, "day", first_report=missing) == "date unknown"
    assert wording.public_when(missing, wording.ANNOUNCED) == "date unknown"
    assert wording.words(missing) == ""
    row = pd.Series({"low": missing, "best": missing, "high": missing, "qualifier": missing}, dtype=object)
    assert wording.figure_text(row) == "no figure given"


def test_findings_say_so_when_nothing_is_selected():
    empty = pd.DataFrame()
    assert findings.cadence_findings(empty, empty, empty, empty) == [
        "No statement in the dataset falls in this window for the selected sides."
    ]


def test_quoted_figure_prefers_totals_then_numbers_and_keeps_the_order_made_public():
    rows = pd.DataFrame(
        {
            "estimate_id": ["old", "increment", "undated", "vague"],
            "scope": ["total", "additional", "total", "total"],
            "public_date": pd.to_datetime(["2025-01-01", "2025-03-01", "2025-02-01", "2025-04-01"]),
            "best": pd.array([100, 50, 300, None], dtype="Int64"),
            "high": pd.array([None, None, None, None], dtype="Int64"),
            "public_date_basis": [wording.ANNOUNCED, wording.ANNOUNCED, wording.FIRST_SEEN, wording.ANNOUNCED],
        }
    )
    # 'many' has no number; the 300 is known only from an article of February, which says when it was public
    # at the latest, not when it was: the figures quoted are those whose day is known.
    assert findings.totals_first(rows)["estimate_id"].tolist() == ["old", "increment"]
    # Without a dated one, an undated figure counts from its first report.
    part = rows.assign(scope=["subset", "subset", "total", "total"])
    assert findings.totals_first(part)["estimate_id"].tolist() == ["undated"]
    only_parts = part[part["estimate_id"] == "increment"]
    assert findings.totals_first(only_parts)["estimate_id"].tolist() == ["increment"]
    only_vague = rows[rows["estimate_id"] == "vague"]
    assert findings.totals_first(only_vague)["estimate_id"].tolist() == ["vague"]


def test_statement_table_quotes_the_earliest_report(dataset, timeline):
    citations = dataset.citations.copy()
    citations["quote"] = citations["source_id"] + " words"
    with_quotes = Dataset(dataset.sources, dataset.statements, dataset.estimates, citations)
    table = cadence.statement_table(timeline.reset_index(), with_quotes).set_index("Speaker")
    # STD is cited by S3 (5 March) and S2 (14 May): the first report is S3's, and STD has no date of its own.
    assert table.loc["speaker STD", "First reported by"] == "Daily C, 5 Mar 2025"
    assert table.loc["speaker STD", "In its words"] == "S3 words"
    assert table.loc["speaker STD", "Date"] == "no later than 5 Mar 2025"
    # STC is known only to the month: it is shown as the month, never as its first day.
    assert table.loc["speaker STC", "Date"] == "Feb 2025"
    # Readers see names and dates, never a record id.
    ids = set(timeline.index)
    assert not table.reset_index().isin(ids).any().any()


def test_statement_table_quotes_the_evidence_its_chart_mark_links_to(dataset, timeline):
    # STD's two reports, S2 and S3, now appeared on the same day: S2's quote is cut short by an excerpt, S3's
    # is the whole sentence. The table quotes S3, as the chart's mark does, although S2's id comes first.
    day = T("2025-03-05")
    sources = dataset.sources.assign(
        published_date_start=[T("2025-01-13"), day, day, T("2025-08-15")],
        published_date_end=[T("2025-01-13"), day, day, T("2025-08-15")],
    )
    citations = dataset.citations.copy()
    std = citations["record_id"] == "STD"
    citations.loc[std & (citations["source_id"] == "S2"), "quote"] = "they were sent to"
    citations.loc[std & (citations["source_id"] == "S3"), "quote"] = "they were sent to the front"
    same_day = Dataset(sources, dataset.statements, dataset.estimates, citations)
    table = cadence.statement_table(timeline.reset_index(), same_day).set_index("Speaker")
    assert table.loc["speaker STD", ["First reported by", "In its words"]].tolist() == [
        "Daily C, 5 Mar 2025",
        "they were sent to the front",
    ]
    marks = common.with_evidence(timeline.reset_index(), "statement_id", same_day).set_index("statement_id")
    assert marks.loc["STD", "evidence_quote"] == "they were sent to the front"


def test_a_loaded_dataset_changed_in_place_does_not_change_the_next_load():
    from dprk_report.data.dataset import load_dataset

    first = load_dataset()
    original = first.statements.loc[0, "speaker"]
    first.statements.loc[0, "speaker"] = "changed by a notebook"
    assert load_dataset().statements.loc[0, "speaker"] == original


def test_metrics_to_chart_keeps_the_selection_order_and_empty_means_all(dataset):
    table = lineage.estimate_table(dataset)
    # The hand-made estimates have killed (ESX, ESY) and troops_deployed (ESZ).
    assert lineage.metrics_to_chart(table, validate_parameters("2024-01-01", "2025-12-31", [], [])) == [
        "troops_deployed",
        "killed",
    ]
    assert lineage.metrics_to_chart(
        table, validate_parameters("2024-01-01", "2025-12-31", [], ["killed", "wounded"])
    ) == ["killed"]


def test_citation_chains_carry_each_repeat_s_wording_age_and_drift(dataset):
    # ESX ("over 300" killed, public 13 Jan) is cited by S1 (13 Jan) and repeated by S2 (14 May), which
    # words it "about 300 casualties": another metric and another kind of qualifier, the same number.
    wording = {"C7": ("killed", "300", "over"), "C8": ("casualties", "300", "about")}
    citations = dataset.citations.assign(
        metric_as_written=[wording.get(c, ("", "", ""))[0] for c in dataset.citations["citation_id"]],
        figure_as_written=[wording.get(c, ("", "", ""))[1] for c in dataset.citations["citation_id"]],
        qualifier_as_written=[wording.get(c, ("", "", ""))[2] for c in dataset.citations["citation_id"]],
    )
    worded = Dataset(dataset.sources, dataset.statements, dataset.estimates, citations)
    chain = lineage.citation_chains(worded, lineage.estimate_table(worded)).set_index(["estimate_id", "source_id"])
    first, repeat = chain.loc[("ESX", "S1")], chain.loc[("ESX", "S2")]
    assert (first["wording"], first["age_days"]) == ("over 300 killed", 0)
    assert (repeat["wording"], repeat["age_days"]) == ("about 300 casualties", (T("2025-05-14") - T("2025-01-13")).days)
    assert (repeat["metric_drift"], repeat["number_drift"], repeat["qualifier_drift"]) == (True, False, True)
    assert not (first["metric_drift"] or first["number_drift"] or first["qualifier_drift"])
    # A citation without wording shows no drift: missing words are no evidence.
    assert not chain.loc[("ESY", "S2")][["metric_drift", "number_drift", "qualifier_drift"]].any()


def test_state_media_on_the_same_day_is_said_in_words():
    lags = pd.DataFrame(
        {
            "lag_days": [0, 3],
            "speaker": ["A", "Kim Jong Un"],
            "side": ["Russia", "North Korea"],
            "channel": ["letter", "phone_call"],
        }
    )
    assert findings.lags_title(lags) == (
        "State media reported the same day at best and 3 days at worst (Kim Jong Un's phone call)"
    )


def test_an_act_said_only_to_have_been_said_is_a_statement():
    lags = pd.DataFrame(
        {"lag_days": [2, 1], "speaker": ["Sergei Shoigu", None], "side": ["Russia"] * 2, "channel": ["unspecified"] * 2}
    )
    assert findings.lags_title(lags).endswith("(Sergei Shoigu's statement)")
    # A statement whose article names no speaker is its side's officials', never 'nan's'.
    assert findings.lags_title(lags.iloc[::-1].assign(lag_days=[3, 1])).endswith("(Russia officials' statement)")


def test_the_title_of_several_measures_says_so_before_the_most_estimated_one(dataset):
    table = lineage.estimate_table(dataset)
    several = findings.estimates_title(table)
    assert several.startswith(f"{len(table)} figures of {table['metric'].nunique()} measures. ")
    one = findings.estimates_title(table[table["metric"] == table["metric"].iloc[0]])
    assert "measures" not in one and one.startswith(f"{vocab.METRIC_LABELS[table['metric'].iloc[0]]}: from ")


def test_a_newer_figure_made_public_the_day_of_the_article_does_not_make_its_repeat_stale():
    estimates = pd.DataFrame(
        {
            "estimate_id": ["OLD", "NEW"],
            "metric": ["killed", "killed"],
            "estimator": ["Agency", "Agency"],
            "scope": ["total", "total"],
            "public_date": [T("2025-04-30"), T("2025-09-02")],
        }
    )
    repeats = pd.DataFrame(
        {
            "metric": ["killed", "killed"],
            "estimator": ["Agency", "Agency"],
            "scope": ["total", "total"],
            "public_date": [T("2025-04-30"), T("2025-04-30")],
            # The first article reports the new figure itself (and the old one as history); the second is later.
            "published": [T("2025-09-02"), T("2025-09-03")],
        }
    )
    assert lineage._newer_estimates(estimates, repeats) == [None, "NEW"]


@pytest.mark.parametrize("scope", ["additional", "subset"])
def test_an_increment_or_a_part_is_not_made_out_of_date_by_another(scope):
    """'About 1,000 engineers arrived' and, later, 'about 5,000 construction troops have moved' are two
    increments, not a revision of one figure; likewise two regions' troops. Nor does a part replace a total."""
    estimates = pd.DataFrame(
        {
            "estimate_id": ["ENGINEERS", "BUILDERS", "ALL"],
            "metric": ["troops_deployed"] * 3,
            "estimator": ["Agency"] * 3,
            "scope": [scope, scope, "total"],
            "public_date": [T("2025-09-02"), T("2025-11-04"), T("2025-04-30")],
        }
    )
    repeats = pd.DataFrame(
        {
            "metric": ["troops_deployed"] * 2,
            "estimator": ["Agency"] * 2,
            "scope": [scope, "total"],
            "public_date": [T("2025-09-02"), T("2025-04-30")],
            "published": [T("2025-12-13"), T("2025-12-13")],  # after both the increments or parts
        }
    )
    assert lineage._newer_estimates(estimates, repeats) == [None, None]


def test_the_evidence_shown_is_the_fullest_quote_of_the_earliest_day(dataset):
    # S1 and S2 both cite ESX; on one day, S1's quote cut short by an excerpt gives way to S2's whole sentence.
    sources = dataset.sources.assign(
        published_date_start=[T("2025-01-13"), T("2025-01-13"), T("2025-03-05"), T("2025-08-15")],
        published_date_end=[T("2025-01-13"), T("2025-01-13"), T("2025-03-05"), T("2025-08-15")],
    )
    citations = dataset.citations.copy()
    esx = citations["record_id"] == "ESX"
    citations.loc[esx & (citations["source_id"] == "S1"), "quote"] = "about 300 sol"
    citations.loc[esx & (citations["source_id"] == "S2"), "quote"] = "about 300 soldiers were killed"
    evidence = common.first_citation(Dataset(sources, dataset.statements, dataset.estimates, citations))
    assert evidence.loc["ESX", ["source_id", "quote"]].tolist() == ["S2", "about 300 soldiers were killed"]


def test_the_evidence_shown_does_not_date_its_statement_otherwise(dataset):
    # S1 and S2 both report STA (1 Jan 2025) on 13 Jan. S1's fuller quote dates it 13 January, which the record
    # does not (a consistency warning): S2's, which agrees with the date shown, is the evidence.
    day = T("2025-01-13")
    sources = dataset.sources.assign(
        published_date_start=[day, day, T("2025-03-05"), T("2025-08-15")],
        published_date_end=[day, day, T("2025-03-05"), T("2025-08-15")],
        published_date=["2025-01-13", "2025-01-13", "2025-03-05", "2025-08-15"],
    )
    statements = dataset.statements.assign(
        event_date=["2025-01-01", "2025-01-11", "2025-02", None, "2025-02-01", "2025-04-10"]
    )
    also = pd.DataFrame({"citation_id": ["C99"], "record_id": ["STA"], "source_id": ["S2"], "quote": [""]})
    citations = pd.concat([dataset.citations, also], ignore_index=True).assign(date_as_written=None)
    sta = citations["record_id"] == "STA"
    citations.loc[sta & (citations["source_id"] == "S1"), ["quote", "date_as_written"]] = [
        "On 13 January, the minister said at some length that the troops had gone",
        "13 January",
    ]
    citations.loc[sta & (citations["source_id"] == "S2"), ["quote", "date_as_written"]] = [
        "On 1 January, he said the troops had gone",
        "1 January",
    ]
    evidence = common.first_citation(Dataset(sources, statements, dataset.estimates, citations))
    assert evidence.loc["STA", ["source_id", "quote"]].tolist() == ["S2", "On 1 January, he said the troops had gone"]
    # Without a date of its own in the articles' words, the fuller quote is shown, as for any record.
    undated = citations.assign(date_as_written=None)
    evidence = common.first_citation(Dataset(sources, statements, dataset.estimates, undated))
    assert evidence.loc["STA", "source_id"] == "S1"


def test_a_share_is_worded_with_the_whole_it_is_a_share_of(dataset):
    # ESY becomes 'nearly half' of ESZ (over 10,000 troops deployed); a share whose words give the whole's
    # number already is left as written.
    estimates = dataset.estimates.assign(share_as_written=[None, "nearly half", None], share_of=[None, "ESZ", None])
    estimates["best"] = pd.array([300, None, 10000], dtype="Int64")
    table = lineage.estimate_table(Dataset(dataset.sources, dataset.statements, estimates, dataset.citations))
    shares = table.set_index("estimate_id").loc[["ESY"]]
    assert wording.figure_texts(shares) == ["nearly half (of over 10,000 troops deployed)"]
    said = estimates.assign(share_as_written=[None, "half of the 10,000 sent", None])
    table = lineage.estimate_table(Dataset(dataset.sources, dataset.statements, said, dataset.citations))
    assert wording.figure_texts(table.set_index("estimate_id").loc[["ESY"]]) == ["half of the 10,000 sent"]
    # A whole that counts a part says which, inside the share's brackets without brackets of its own; a share
    # that names another number ('110,000' holds '10,000' but is not it) still gets its whole.
    part = said.assign(share_as_written=[None, "half of the 110,000", None], scope=["total", "total", "subset"])
    table = lineage.estimate_table(Dataset(dataset.sources, dataset.statements, part, dataset.citations))
    assert wording.figure_texts(table.set_index("estimate_id").loc[["ESY"]]) == [
        "half of the 110,000 (of over 10,000 troops deployed, a partial count)"
    ]
    located = part.assign(location=[None, None, "Kursk"])
    table = lineage.estimate_table(Dataset(dataset.sources, dataset.statements, located, dataset.citations))
    assert wording.figure_texts(table.set_index("estimate_id").loc[["ESY"]]) == [
        "half of the 110,000 (of over 10,000 troops deployed, a partial count: Kursk)"
    ]


def test_the_title_compares_totals_not_a_total_with_an_increment():
    estimates = pd.DataFrame(
        {
            "estimate_id": ["E1", "E2", "E3"],
            "metric": ["troops_deployed"] * 3,
            "best": pd.array([11000, 15000, 5000], dtype="Int64"),
            "low": pd.array([None] * 3, dtype="Int64"),
            "high": pd.array([None] * 3, dtype="Int64"),
            "qualifier": [None, "around", "about"],
            "share_as_written": [None] * 3,
            "scope": ["total", "total", "additional"],
            "public_date": [T("2025-03-10"), T("2025-04-30"), T("2025-11-04")],
            "public_date_basis": [wording.ANNOUNCED, wording.FIRST_SEEN, wording.ANNOUNCED],
        }
    )
    # The second total is known only from its first report: it is no later total than the dated one (it may
    # have been public long before that report), so with one dated total the title ends, as the latest figures
    # do, at the latest figure by their rule: the increment, which follows the total rather than replacing it
    # ('from 11,000 to about 5,000 more' would read as a fall).
    assert findings.estimates_title(estimates) == "Troops deployed: 11,000 (Mar 2025), then about 5,000 more (Nov 2025)"
    assert findings.latest_figures(estimates.assign(estimator="NIS"))[0] == (
        "troops deployed figure: 11,000, from NIS (10 March 2025), then about 5,000 more (4 November 2025)"
    )
    # With no dated total, the first report's month, as 'by' (no later than) that month.
    undated = estimates.assign(public_date_basis=wording.FIRST_SEEN)
    assert (
        findings.estimates_title(undated) == "Troops deployed: from 11,000 (by Mar 2025) to around 15,000 (by Apr 2025)"
    )
    dated = estimates.assign(public_date_basis=wording.ANNOUNCED)
    assert findings.estimates_title(dated) == "Troops deployed: from 11,000 (Mar 2025) to around 15,000 (Apr 2025)"
    # With one total only, the latest figure by the stated rule, an increment said to be one.
    assert findings.estimates_title(estimates.drop(index=1)).endswith(", then about 5,000 more (Nov 2025)")
    assert findings.estimates_title(estimates.iloc[[0]]) == "Troops deployed: 11,000 (Mar 2025)"


def test_the_longest_gaps_name_who_spoke_around_them_and_a_side_s_officials_when_no_one_is_named():
    day = pd.Timestamp
    timeline = pd.DataFrame(
        {
            "statement_id": ["ST1", "ST2", "ST3", "ST4", "ST5"],
            "speaker": ["Kim Jong Un", None, "Vladimir Putin", "Choe Son Hui", "Andrei Belousov"],
            "side": ["North Korea", "Russia", "Russia", "North Korea", "Russia"],
            # ST4 is known to the month (February), ST5 only as reported no later than 10 January: ST4 may
            # fall inside the gap from 11 January to 1 April, ST5 not.
            "date_marker": [cadence.MARKER_DAY] * 3 + [cadence.MARKER_SPAN, cadence.MARKER_NO_LATER_THAN],
            "date_start": [day("2025-01-01"), day("2025-01-11"), day("2025-04-01"), day("2025-02-01"), pd.NaT],
            "timeline_end": [pd.NaT, pd.NaT, pd.NaT, day("2025-02-28"), day("2025-01-10")],
            "first_report_open": [False] * 5,
        }
    )
    gaps = cadence.longest_gaps(cadence.intervals(timeline), timeline, count=1)
    assert gaps.to_dict("records") == [
        {
            "From": "11 Jan 2025",
            "Spoke before": "Russia officials",
            "To": "1 Apr 2025",
            "Spoke after": "Vladimir Putin",
            "Days": 80,
            "Statements not dated to the day that may fall inside": 1,
        }
    ]


def test_counts_in_a_reader_s_sentences_carry_thousands_separators():
    assert wording.plural(12022, "repeat") == "12,022 repeats"
    assert wording.plural(1, "repeat") == "1 repeat"
    assert wording.plural(0, "repeat") == "0 repeats"


def test_an_occasion_table_names_an_act_the_article_gives_no_channel_for_a_statement():
    day = pd.Timestamp("2025-08-13")
    timeline = pd.DataFrame(
        {
            "statement_id": ["ST1", "ST2"],
            "date_start": [day, day],
            "date_precision": ["day", "day"],
            "first_reported": [day, day],
            "first_report_open": [False, False],
            "side": ["Russia", "North Korea"],
            "speaker": ["Vladimir Putin", "Kim Jong Un"],
            "channel": ["unspecified", "phone_call"],
            "occasion": ["Alaska summit", "Liberation Day"],
        }
    )
    assert list(cadence.marked_occasions(timeline)["Channel"]) == ["Statement", "Phone call"]


def test_the_newest_estimate_says_when_it_counts_a_part_only():
    """'Newest estimate: a killed figure, 9' beside 'Latest killed figure: more than 6,000' read as a
    contradiction: the 9 are one unit's dead."""
    from dprk_report.analysis.freshness import Freshness

    day = pd.Timestamp("2025-12-12")
    estimate = pd.Series(
        _estimate("ES9", 9, day, location="Kursk region", scope="subset", estimator="Kim Jong Un")
        | {"public_date": day, "public_date_basis": "announced"}
    )
    fresh = Freshness(day, pd.NaT, pd.Timestamp("2026-03-17"), estimate=estimate)
    assert findings.newest_record_lines(fresh, "the newest article (17 March 2026)") == [
        "Newest estimate: a killed figure, over 9, a partial count (Kursk region), from Kim Jong Un "
        "(12 December 2025), 95 days before the newest article (17 March 2026)"
    ]


def test_the_latest_increment_is_given_with_the_total_its_estimator_had_given_before():
    """'Latest troops deployed figure: around 1,000 more' says nothing of the force's size."""
    estimates = pd.DataFrame(
        {
            "estimate_id": ["E1", "E2", "E3", "E4"],
            "metric": ["troops_deployed"] * 3 + ["troops_planned"],
            "estimator": ["NIS", "Other", "NIS", "NIS"],
            "best": pd.array([15000, 12000, 1000, 6000], dtype="Int64"),
            "low": pd.array([None] * 4, dtype="Int64"),
            "high": pd.array([None] * 4, dtype="Int64"),
            "qualifier": ["around", None, "around", None],
            "share_as_written": [None] * 4,
            "scope": ["total", "total", "additional", "additional"],
            "public_date": [T("2025-04-30"), T("2025-06-01"), T("2025-09-02"), T("2025-09-02")],
            "public_date_basis": [wording.ANNOUNCED] * 4,
        }
    )
    assert findings.latest_figures(estimates) == [
        # The other estimator's later total is not what NIS's increment adds to.
        "troops deployed figure: around 15,000, from NIS (30 April 2025), then around 1,000 more (2 September 2025)",
        # No total of its estimator before it: said to be an increment, which '6,000 more' alone does not say.
        "troops planned or expected figure: 6,000 more, from NIS (2 September 2025), an increment with no earlier "
        "total of its estimator in the data",
    ]
    # A total of its estimator known only from its first report is a total all the same, and a number is
    # preferred to vague words, as for the latest figure.
    planned = estimates.iloc[[3]]
    undated = planned.assign(estimate_id="E5", scope="total", best=pd.array([10000], dtype="Int64"))
    undated = undated.assign(public_date=T("2024-10-23"), public_date_basis=wording.FIRST_SEEN)
    vague = undated.assign(estimate_id="E6", best=pd.array([None], dtype="Int64"), qualifier="thousands")
    vague = vague.assign(public_date=T("2024-12-01"))
    assert findings.latest_figures(pd.concat([planned, undated])) == [
        "troops planned or expected figure: 10,000, from NIS (no later than 23 October 2024), then 6,000 more "
        "(2 September 2025)"
    ]
    assert findings.latest_figures(pd.concat([planned, undated, vague])) == findings.latest_figures(
        pd.concat([planned, undated])
    )
    assert findings.latest_figures(pd.concat([planned, vague]))[0].startswith(
        "troops planned or expected figure: thousands, from NIS (no later than 1 December 2024), then 6,000 more"
    )
    # A total first reported only on or after a day may have come after the increment: not what it adds to.
    open_ended = undated.assign(public_date_basis=wording.FIRST_SEEN_OPEN)
    assert findings.latest_figures(pd.concat([planned, open_ended]))[0].endswith(
        "no earlier total of its estimator in the data"
    )
    # A page's selection may start after the total: it is looked for among every estimate.
    assert findings.latest_figures(planned, every_estimate=pd.concat([planned, undated]))[0].startswith(
        "troops planned or expected figure: 10,000, from NIS (no later than 23 October 2024), then 6,000 more"
    )


def test_a_latest_casualties_figure_older_than_the_latest_killed_or_wounded_says_so():
    """'casualties: around 4,700' beside a newer 'killed: more than 6,000' read as a contradiction."""

    def figure(eid, metric, best, day):
        return [eid, metric, "NIS", best, None, None, None, None, "total", T(day), wording.ANNOUNCED]

    columns = [
        "estimate_id",
        "metric",
        "estimator",
        "best",
        "low",
        "high",
        "qualifier",
        "share_as_written",
        "scope",
        "public_date",
        "public_date_basis",
    ]
    rows = [
        figure("E1", "casualties", 4700, "2025-04-30"),
        figure("E2", "killed", 2000, "2025-09-02"),
        figure("E3", "wounded", 2700, "2025-01-13"),
    ]
    estimates = pd.DataFrame(rows, columns=columns).astype({"best": "Int64", "low": "Int64", "high": "Int64"})
    lines = findings.latest_figures(estimates)
    assert lines[0] == "killed figure: 2,000, from NIS (2 September 2025)"
    assert lines[1] == "wounded figure: 2,700, from NIS (13 January 2025)"
    assert (
        lines[2]
        == "casualties (killed and wounded) figure: 4,700, from NIS (30 April 2025); older than the latest killed "
        "figure"
    )
    # Newer than the wounded figure, with no killed figure: nothing to say; older than both: both named.
    assert findings.latest_figures(estimates.drop(index=[1]))[1].endswith("(30 April 2025)")
    both = estimates.assign(public_date=[T("2025-01-01"), T("2025-09-02"), T("2025-01-13")])
    assert findings.latest_figures(both)[2].endswith("; older than the latest killed and wounded figures")
    # A killed figure known only from its first report may be older than it looks: not compared.
    undated = estimates.assign(public_date_basis=[wording.ANNOUNCED, wording.FIRST_SEEN, wording.ANNOUNCED])
    assert findings.latest_figures(undated)[2].endswith("(30 April 2025)")


def test_a_figure_reported_later_with_no_known_day_is_named_after_the_latest_dated_one():
    estimates = pd.DataFrame(
        {
            "estimate_id": ["E1", "E2", "E3"],
            "metric": ["killed"] * 3,
            "estimator": ["NIS", "Wire sources", "NIS"],
            "best": pd.array([2000, 6000, 600], dtype="Int64"),
            "low": pd.array([None] * 3, dtype="Int64"),
            "high": pd.array([None] * 3, dtype="Int64"),
            "qualifier": ["around", "more than", "some"],
            "share_as_written": [None] * 3,
            "scope": ["total"] * 3,
            "public_date": [T("2025-09-02"), T("2025-11-14"), T("2025-04-30")],
            "public_date_basis": [wording.ANNOUNCED, wording.FIRST_SEEN, wording.FIRST_SEEN],
        }
    )
    # The 600 was first reported before the dated 2,000: it is not listed; the 6,000 was first reported after.
    assert findings.latest_figures(estimates) == [
        "killed figure: around 2,000, from NIS (2 September 2025); first reported later, with no known day: more "
        "than 6,000, from Wire sources (no later than 14 November 2025)"
    ]


def test_the_first_report_is_the_article_known_to_be_earliest():
    """An article dated only 'on or after' 22 August may have appeared later than one of 22 August: the
    dated one is the first report, whichever quote is fuller."""
    day = T("2025-08-22")
    sources = pd.DataFrame(
        {
            "source_id": ["S1", "S2"],
            "outlet": [None, "The Korea Herald"],
            "wire_agency": [None, None],
            "published_date_start": [day, day],
            "published_date_end": [pd.NaT, day],
            "published_precision": ["not_before", "day"],
        }
    )
    citations = pd.DataFrame(
        {"citation_id": ["C1", "C2"], "record_id": ["ST1", "ST1"], "source_id": ["S1", "S2"], "quote": ["a b c d", "a"]}
    )
    dataset = Dataset(sources, pd.DataFrame(), pd.DataFrame(), citations)
    assert common.first_citation(dataset).loc["ST1", "source_id"] == "S2"


def test_the_disagreements_are_counted_by_kind_in_a_reader_s_words_most_frequent_first():
    from dprk_report.data.findings import WARNING, Finding

    def warning(message):
        return Finding("citations.csv", 2, "quote", message, WARNING)

    warnings = [
        warning("metric drift: C1 says 'killed' for ES1"),
        warning("qualifier drift: C2 says 'more than' for ES1"),
        warning("qualifier drift: C3 says 'over' for ES2"),
        warning("an unknown kind of warning"),
    ]
    assert coverage.disagreement_kinds(warnings) == [
        "2 times, an article qualifies a figure differently (for example 'around' repeated as 'more than').",
        "1 time, an article calls a figure by another measure (for example casualties repeated as killed).",
    ]


def test_a_total_and_an_increment_of_one_day_end_at_the_total():
    """'16,000, then 1,000 more', both of 2 September, would read as 17,000: the total already counts them."""
    estimates = pd.DataFrame(
        {
            "estimate_id": ["E1", "E2"],
            "metric": ["troops_deployed"] * 2,
            "estimator": ["NIS"] * 2,
            "best": pd.array([16000, 1000], dtype="Int64"),
            "low": pd.array([None] * 2, dtype="Int64"),
            "high": pd.array([None] * 2, dtype="Int64"),
            "qualifier": [None, None],
            "share_as_written": [None] * 2,
            "scope": ["total", "additional"],
            "public_date": [T("2025-09-02")] * 2,
            "public_date_basis": [wording.ANNOUNCED] * 2,
        }
    )
    # Whichever of the two ids sorts first: the order must not rest on ids.
    for frame in (estimates, estimates.assign(estimate_id=["E2", "E1"])):
        assert findings.latest_figures(frame) == ["troops deployed figure: 16,000, from NIS (2 September 2025)"]


def test_a_figure_with_its_measure_in_brackets_nests_none():
    """One rule for the travels' captions and the repeats and first-figure findings."""
    row = pd.Series({"qualifier": "around", "low": None, "best": 4700, "high": None, "metric": "casualties"})
    assert lineage.figure_and_measure(row) == "around 4,700 (casualties, killed and wounded)"
    assert lineage.figure_and_measure(row.replace({"casualties": "killed"})) == "around 4,700 (killed)"
