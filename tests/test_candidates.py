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
from dprk_report.data.schema import COLUMNS

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


def test_the_candidates_file_holds_no_formula(tmp_path):
    from dprk_report.curation.candidates import write
    from dprk_report.data.tables import read_rows

    (candidate,) = _estimates("Officials said 300 North Korean soldiers were killed, the agency said.")
    candidate.summary = "=cmd|' /C calc'!A0"
    write([candidate], tmp_path / "S900.csv")
    (row,) = read_rows(tmp_path / "S900.csv")[1]
    assert row["summary"] == "'=cmd|' /C calc'!A0"
