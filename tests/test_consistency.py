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
    # ES003 (20 August) becomes the NIS's newer troop figure; S001 then also repeats ES001 (13 August).
    fake.set("estimates", "ES003", "estimator", "South Korea National Intelligence Service")
    fake.set("estimates", "ES003", "scope", "total")
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
        "National Intelligence Service although ES003 (2025-08-20, " in repeat
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
