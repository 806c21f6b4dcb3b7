"""The candidate proposer on sentences written for each rule (no real article needed)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from dprk_report.cli_from_make import command_line
from dprk_report.curation import article as articles
from dprk_report.curation.candidates import Existing, propose
from dprk_report.data.columns import COLUMNS

ARTICLE_DAY = date(2025, 1, 10)  # a Friday


def _nothing_curated() -> Existing:
    return Existing(pd.DataFrame(columns=COLUMNS["statements"]), pd.DataFrame(columns=COLUMNS["estimates"]))


def _estimates(text: str) -> list:
    return [c for c in propose(text, "S900", ARTICLE_DAY, _nothing_curated()) if c.kind == "estimate"]


def test_killed_or_wounded_is_a_casualty_figure_not_a_death_toll():
    (figure,) = _estimates("More than 1,000 North Korean soldiers were killed or wounded, the military said.")
    assert (figure.metric, figure.best, figure.qualifier) == ("casualties", "1000", "more than")


def test_injured_soldiers_are_wounded():
    (figure,) = _estimates("About 2,700 North Korean soldiers were injured in the fighting, the agency said.")
    assert figure.metric == "wounded"


def test_a_figure_late_in_a_long_sentence_is_proposed_with_its_quote():
    filler = " ".join(["the lawmaker told reporters after a long closed-door session of the committee"] * 3)
    sentence = f"In a briefing on Friday {filler} that around 4,700 North Korean soldiers had been killed or wounded."
    (figure,) = _estimates(sentence)
    assert figure.best == "4700" and "4,700" in figure.quote
    assert len(figure.quote.split()) <= 30


@pytest.mark.parametrize(
    "sentence",
    [
        "A North Korean soldier, captured alive on 26 December, later died, the agency said.",
        "Soldiers of Tactical Group No. 84 captured the men, the president said.",
        "Rutte said more than 600,000 Russian soldiers have been killed or wounded since the invasion.",
        "Russian and North Korean troops have reclaimed nearly two-thirds of the seized area, officials said.",
    ],
)
def test_days_unit_numbers_fractions_and_other_armies_are_not_figures(sentence):
    assert _estimates(sentence) == []


def test_since_a_month_is_a_period_not_the_day_a_figure_was_announced():
    (figure,) = _estimates("Some 1,000 North Korean soldiers have been killed since September, the agency said.")
    assert (figure.resolved_date, figure.date_basis) == ("", "")


@pytest.mark.parametrize(
    "dateline",
    [
        "SEOUL, Jan. 10 (Yonhap) -- ",
        "Jan. 10 (UPI) -- ",
        "SEOUL, January 10. /TASS/. ",
        "SEOUL, Jan. 10 \u2014 ",
        "Seoul, Jan 10 (IANS) ",
        "Pyongyang, January 10 (KCNA) \u2014 ",
        "KYIV, Ukraine, Jan. 10 (UPI) -- ",
        "SEOUL/MOSCOW, Jan 10 (Reuters) - ",
    ],
)
def test_a_dateline_dates_the_story_not_the_act_it_reports(dateline):
    sentence = "The spy agency said on Thursday that about 300 North Korean soldiers had been killed."
    (figure,) = _estimates(dateline + sentence)
    assert (figure.resolved_date, figure.date_basis) == ("2025-01-09", "weekday")  # ARTICLE_DAY is a Friday


@pytest.mark.parametrize(
    "sentence",
    [
        "Jan. 8 was when the spy agency said about 300 North Korean soldiers had been killed.",
        "Meanwhile, Jan. 8 (Wednesday) was when the spy agency said about 300 North Korean soldiers had been killed.",
    ],
)
def test_a_sentence_that_opens_with_a_day_keeps_it(sentence):
    (figure,) = _estimates(sentence)
    assert (figure.resolved_date, figure.date_basis) == ("2025-01-08", "stated")


def test_attribution_tails_and_headlines_are_not_statements():
    text = "KCNA news agency said.\n\nZelensky Says North Korean Troops Back On Russian Front Line\n"
    assert propose(text, "S900", ARTICLE_DAY, _nothing_curated()) == []


def test_a_date_in_an_address_ending_in_htm_is_read(tmp_path):
    path = tmp_path / "900_outlet.txt"
    path.write_text("url: https://news.example.test/view/nk-troops-20250618.htm\n\nText.\n", encoding="utf-8")
    published, precision = articles.read(path).published()
    assert (published.value, published.basis, precision) == ("2025-06-18", "url", "day")


def test_the_outlet_comes_from_an_earlier_article_of_the_same_address(tmp_path):
    path = tmp_path / "900_outlet.txt"
    path.write_text("url: https://www.koreaherald.com/article/1\n\nText.\n", encoding="utf-8")
    found = articles.read(path).outlet_from_url({"koreaherald.com": "The Korea Herald"})
    assert (found.value, found.basis) == ("The Korea Herald", "outlet of an earlier article from the same address")


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({"FILE": "../shared/sources/070 a b.txt"}, ["add-source", "../shared/sources/070 a b.txt"]),
        ({"FILE": "x.txt; touch pwned", "ARGS": ""}, ["add-source", "x.txt; touch pwned"]),
        (
            {"FILE": "x.txt", "ARGS": "--outlet 'The Korea Herald' --date 2026-01-05 --basis url"},
            ["add-source", "x.txt", "--outlet", "The Korea Herald", "--date", "2026-01-05", "--basis", "url"],
        ),
    ],
)
def test_make_variables_become_arguments_without_a_shell(environ, expected):
    assert command_line("add-source", environ) == expected


def test_make_without_a_file_says_how_to_give_one():
    with pytest.raises(ValueError, match="make accept FILE=path/to/file"):
        command_line("accept", {})


def test_a_file_name_with_a_semicolon_runs_nothing_and_fails(tmp_path):
    environ = {**os.environ, "FILE": f"{tmp_path}/x.txt; touch {tmp_path}/pwned", "ARGS": ""}
    result = subprocess.run(
        [sys.executable, "-m", "dprk_report.cli_from_make", "add-source"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "is not in the archive" in result.stderr
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("cell", ['=HYPERLINK("x")', "+1", "-2 soldiers", "@SUM(A1)"])
def test_a_formula_is_neutralised_for_spreadsheets_and_read_back_as_written(cell):
    from dprk_report.text.quotes import from_spreadsheet_safe, spreadsheet_safe

    assert spreadsheet_safe(cell) == "'" + cell
    assert from_spreadsheet_safe(spreadsheet_safe(cell)) == cell
    assert spreadsheet_safe("Kim said") == "Kim said" and from_spreadsheet_safe("'quoted'") == "'quoted'"


@pytest.mark.parametrize("cell", ['=HYPERLINK("x")', "+1", "-2 soldiers", "@SUM(A1)"])
def test_a_record_s_formula_is_neutralised_wherever_it_sits_among_empty_cells(cell):
    from dprk_report.text.quotes import spreadsheet_safe_record

    assert spreadsheet_safe_record([None, "Kim said", "", cell]) == [None, "Kim said", "", "'" + cell]
    assert spreadsheet_safe_record([cell, None, "a - b"]) == ["'" + cell, None, "a - b"]
    assert spreadsheet_safe_record([None, "Kim said = 1", ""]) == [None, "Kim said = 1", ""]


def test_the_candidates_file_holds_no_formula(tmp_path):
    from dprk_report.curation.candidates import write
    from dprk_report.data.tables import read_rows

    (candidate,) = _estimates("Officials said 300 North Korean soldiers were killed, the agency said.")
    candidate.summary = "=cmd|' /C calc'!A0"
    write([candidate], tmp_path / "S900.csv")
    (row,) = read_rows(tmp_path / "S900.csv")[1]
    assert row["summary"] == "'=cmd|' /C calc'!A0"


def _statements(text: str) -> list:
    return [c for c in propose(text, "S900", ARTICLE_DAY, _nothing_curated()) if c.kind == "statement"]


def test_a_quotation_and_its_speaker_after_a_comma_are_one_sentence():
    from dprk_report.curation.candidates import sentences

    text = "“The deployment is illegal,” Jeon Ha-kyu, spokesperson for the ministry, said on Monday. He left."
    assert sentences(text) == [
        "“The deployment is illegal,” Jeon Ha-kyu, spokesperson for the ministry, said on Monday.",
        "He left.",
    ]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # A number written in words with 'thousand' is found in the sentence.
        ("The agency said casualties among North Korean troops had exceeded three-thousand.", ("casualties", "3000")),
        # A comma after the figure is punctuation, not more digits.
        (
            "North Korean troops in Russia will grow to 12,000, according to the president.",
            ("troops_deployed", "12000"),
        ),
    ],
)
def test_figures_in_words_and_figures_before_a_comma_are_found(sentence, expected):
    (figure,) = _estimates(sentence)
    assert (figure.metric, figure.best) == expected


def test_a_number_word_after_the_points_back_and_is_not_a_figure():
    text = "Moscow and Pyongyang have confirmed that the two countries sent troops, officials said."
    assert _estimates(text) == []


def test_a_figure_sentence_is_a_statement_too_only_when_it_dates_the_act():
    undated = "Seoul estimates that at least 600 North Korean soldiers were killed in the war."
    dated = "South Korea's spy agency said on Wednesday that at least 600 North Korean soldiers were killed."
    assert [c.kind for c in propose(undated, "S900", ARTICLE_DAY, _nothing_curated())] == ["estimate"]
    assert sorted(c.kind for c in propose(dated, "S900", ARTICLE_DAY, _nothing_curated())) == ["estimate", "statement"]


def test_a_speaker_named_again_without_a_new_date_is_the_same_act():
    text = (
        "Zelensky said on Monday that North Korean troops had entered the war against Ukraine.\n"
        "Zelensky said Ukraine would answer the deployment of the troops with new measures.\n"
        "On 16 October, Zelensky added that North Korea was also sending workers to Russian factories.\n"
    )
    # The second sentence repeats Monday's act; the third dates another act (16 October 2024).
    assert [c.resolved_date for c in _statements(text)] == ["2025-01-06", "2024-10-16"]


@pytest.mark.parametrize("follow_up", ["He added that", "The Ukrainian leader said"])
def test_a_pronoun_or_bare_title_right_after_a_statement_goes_on_with_it(follow_up):
    text = (
        "Defence Minister Rustem Umerov said on Tuesday that Ukrainian forces had clashed with North Korean troops.\n"
        f"{follow_up} the clashes with the North Korean army were small in scale and took place in Kursk.\n"
    )
    (statement,) = _statements(text)
    assert statement.quote.startswith("Defence Minister Rustem Umerov")


def test_a_pronoun_after_a_sentence_that_reports_nothing_is_a_statement():
    text = (
        "North Korea's UN ambassador Kim Song defended the missile test at the meeting.\n"
        "He dismissed the allegations made at the United Nations as wholly unsubstantiated.\n"
    )
    (statement,) = _statements(text)
    assert statement.quote.startswith("He dismissed")


def test_a_reporting_word_inside_a_quotation_reports_no_act():
    inside = 'Quote: "We are seeing contradictory reports, the South Koreans say one thing and the Pentagon another."'
    outside = '"We are seeing a lot of contradictory reports," Kremlin spokesman Dmitry Peskov said on Monday.'
    assert _statements(inside) == []
    assert len(_statements(outside)) == 1


@pytest.mark.parametrize(
    "caption",
    [
        "Foreign Minister Choe Son Hui (l.) held talks with her counterpart Sergei Lavrov in Moscow on Friday.",
        "President Yoon Suk Yeol (Left) shakes hands with President Zelensky before their talks in Kyiv.",
        "Kim Jong Un attends a ceremony with Russia's ambassador in Pyongyang on Friday. © KCNA via Reuters",
    ],
)
def test_photo_captions_are_not_statements(caption):
    assert _statements(caption) == []


@pytest.mark.parametrize(
    "sentence",
    [
        # A cut-off sentence full of names is not a headline: it writes 'said that' in lower case.
        "On December 29, Valery Gerasimov, Chief of the Russian General Staff, said that North Ko",
        # Official words are found whatever their case ('Ministry').
        "The Unification Ministry declined to comment on the disclosure of the soldiers' names.",
        "Andriy Kovalenko, the head of Ukraine's Center for Countering Disinformation, said Monday that troops fought.",
        '"There were discussions about a memorial complex in Pyongyang," Shoigu was quoted as saying by the agency.',
    ],
)
def test_statements_the_assistant_used_to_miss(sentence):
    assert len(_statements(sentence)) == 1
