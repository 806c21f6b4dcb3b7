"""Consistency warnings: each names the rows and sources involved, and none makes the data invalid."""

from __future__ import annotations

from dprk_report.analysis import consistency
from dprk_report.data.dataset import typed_dataset
from dprk_report.text.numbers import figures_in as _figures_in


def _warnings(fake) -> list[str]:
    report = fake.write().validate()
    assert report.problems == []
    return [str(warning) for warning in consistency.check(typed_dataset(report.frames, report.names))]


def test_the_tiny_dataset_is_consistent(fake):
    assert _warnings(fake) == []


def test_a_statement_dated_differently_by_its_source(fake):
    # ST002 happened on 10 August; S001 is made to say 11 August.
    fake.set("citations", "C0002", "date_as_written", "on August 11")
    (warning,) = _warnings(fake)
    assert warning.startswith("warning: ") and "citations.csv:3: date_as_written: " in warning
    assert "S001 dates ST002 'on August 11' (2025-08-11)" in warning
    assert "statements.csv:3 dates it 2025-08-10" in warning


def test_an_estimate_given_with_another_qualifier(fake):
    # The article says "more than 300"; the estimate is recorded as "about 300".
    fake.set("estimates", "ES002", "qualifier", "about")
    (warning,) = _warnings(fake)
    assert "citations.csv:5: quote: S000 gives ES002 as 'more than 300', recorded as 'about 300'" in warning
    assert "estimates.csv:3" in warning


def test_an_estimate_given_with_another_figure(fake):
    fake.set("estimates", "ES002", "best", "400")
    (warning,) = _warnings(fake)
    assert "S000 gives 300 for ES002, recorded as 400" in warning


def test_an_estimate_repeated_after_a_newer_one_from_the_same_estimator(fake):
    # ES003 becomes the NIS's newer troop figure, announced on 19 August; S001 (20 August) then also repeats
    # ES001 (13 August). Were ES003 announced on the 20th, S001 could be the article reporting it: no warning.
    fake.set("estimates", "ES003", "estimator", "South Korea National Intelligence Service")
    fake.set("estimates", "ES003", "scope", "total")
    fake.set("estimates", "ES003", "announced_date", "2025-08-19")
    fake.set("estimates", "ES003", "announced_basis", "stated")
    fake.rows["citations"].append(
        {
            "citation_id": "C0006",
            "record_id": "ES001",
            "source_id": "S001",
            "quote": "Between 10,000 and 12,000 soldiers are in the Kursk region",
        }
    )
    warnings = _warnings(fake)
    repeats = [w for w in warnings if "repeats" in w]
    (repeat,) = repeats
    assert (
        "citations.csv:7: record_id: S001 (2025-08-20) repeats ES001 of 2025-08-13 from South Korea "
        "National Intelligence Service although ES003 (2025-08-19, " in repeat
    )
    assert "estimates.csv:4) was already public" in repeat


def test_state_media_report_before_the_event(fake):
    fake.set("statements", "ST002", "state_media_report_date", "2025-08-09")
    (warning,) = _warnings(fake)
    assert "statements.csv:3: state_media_report_date: state media reported ST002 on 2025-08-09" in warning


def test_figures_in_a_quote_carry_their_qualifier():
    assert _figures_in("over 300 dead and approximately 2,700 injured") == [(300, "over"), (2700, "approximately")]
    assert _figures_in("There are approximately 12 000 soldiers") == [(12000, "approximately")]
    assert _figures_in("Two soldiers were captured in 2025") == [(2, "")]


WORDING = ("metric_as_written", "figure_as_written", "qualifier_as_written")


def _worded(fake, citation_id: str, metric: str, figure: str, qualifier: str = ""):
    """The fake dataset with the wording columns, one citation worded as its article words the figure."""
    fake.headers["citations"][5:5] = [column for column in WORDING if column not in fake.headers["citations"]]
    fake.set("citations", citation_id, "metric_as_written", metric)
    fake.set("citations", citation_id, "figure_as_written", figure)
    fake.set("citations", citation_id, "qualifier_as_written", qualifier)
    return _warnings(fake)


def test_the_same_figure_in_other_words_of_the_same_kind_is_no_drift(fake):
    # ES001 is "about 15,000" troops deployed; "nearly" and "around" read the same way, and
    # "soldiers" only names the people counted.
    assert _worded(fake, "C0003", "soldiers", "15,000", "nearly") == []


def test_a_casualty_figure_repeated_as_killed_is_metric_drift(fake):
    # ES002 is "more than 300" killed; an article that calls the same figure casualties has drifted.
    (warning,) = _worded(fake, "C0004", "casualties", "300", "more than")
    assert warning.startswith("warning: ") and "citations.csv:5: metric_as_written: metric drift: " in warning
    assert "S000 words ES002 'more than 300 casualties', recorded as 'more than 300' (killed)" in warning


def test_another_number_is_number_drift(fake):
    (warning,) = _worded(fake, "C0004", "killed", "350", "more than")
    assert "citations.csv:5: figure_as_written: number drift: S000 words ES002 'more than 350 killed'" in warning


def test_another_kind_of_qualifier_is_qualifier_drift(fake):
    (warning,) = _worded(fake, "C0003", "troops", "15,000", "more than")
    assert (
        "citations.csv:4: qualifier_as_written: qualifier drift: S000 words ES001 'more than 15,000 troops', "
        "recorded as 'about 15,000' (troops deployed)" in warning
    )


def test_a_range_is_not_checked_end_by_end(fake):
    # ES003 is 10,000 to 12,000: "11 to 12,000" names one end of it, with no qualifier of its own.
    assert _worded(fake, "C0005", "soldiers", "11 to 12,000") == []


def test_a_share_is_not_a_figure_of_its_own(fake):
    fake.headers["estimates"][fake.headers["estimates"].index("location") + 1 : 0] = ["share_as_written", "share_of"]
    fake.set("estimates", "ES002", "share_as_written", "nearly half")
    fake.set("estimates", "ES002", "share_of", "ES001")
    assert _worded(fake, "C0004", "killed", "nearly half") == []
