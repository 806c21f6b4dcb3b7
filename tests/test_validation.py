"""Validation of the tiny dataset in ``conftest``: valid as written, then broken one thing per test."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from conftest import ARTICLE_000, problem_at
from dprk_report import paths
from dprk_report.data.dataset import DatasetError, load_dataset
from dprk_report.data.findings import Finding as Problem
from dprk_report.data.validation import validate


def test_valid_fixture_has_no_problems(fake):
    report = fake.validate()
    assert report.problems == []
    assert report.summary() == "4 tables valid: 2 sources, 2 statements, 3 estimates, 5 citations"


def test_problem_renders_file_line_field_message():
    problem = Problem("data/statements.csv", 12, "event_date", "not a real date")
    assert str(problem) == "data/statements.csv:12: event_date: not a real date"
    assert str(Problem("data/estimates.csv", None, None, "file not found")) == "data/estimates.csv: file not found"


def test_project_files_are_shown_relative_to_the_project():
    assert paths.shown(paths.PROJECT_ROOT / "data" / "statements.csv") == "data/statements.csv"


def test_missing_file(fake):
    (fake.data / "estimates.csv").unlink()
    problem = problem_at(fake.problems(), "estimates", None, None)
    assert problem.endswith("estimates.csv: file not found")


def test_missing_column(fake):
    fake.headers["statements"].remove("summary")
    problem = problem_at(fake.write().problems(), "statements", 1, "summary")
    assert "missing" in problem


def test_column_not_in_codebook(fake):
    fake.headers["citations"].append("page")
    problem = problem_at(fake.write().problems(), "citations", 1, "page")
    assert "not in the codebook" in problem


def test_impossible_date(fake):
    fake.set("statements", "ST002", "event_date", "2025-02-30")
    problems = fake.write().problems()
    assert "must be a real date" in problem_at(problems, "statements", 3, "event_date")
    assert len(problems) == 1


def test_date_disagrees_with_precision(fake):
    fake.set("estimates", "ES003", "announced_date", "2025-08")
    problems = fake.write().problems()
    assert "'2025-08' is written to the month but precision is 'day'" in problem_at(
        problems, "estimates", 4, "announced_date"
    )
    assert len(problems) == 1


def test_not_stated_basis_with_a_date(fake):
    fake.set("statements", "ST001", "date_basis", "not_stated")
    problem = problem_at(fake.write().problems(), "statements", 2, "date_basis")
    assert "not_stated" in problem


def test_empty_date_needs_not_stated_and_unknown(fake):
    fake.set("statements", "ST001", "event_date", "")
    problems = fake.write().problems()
    assert "use 'not_stated'" in problem_at(problems, "statements", 2, "date_basis")
    assert "precision is 'day'" in problem_at(problems, "statements", 2, "event_date")


def test_an_estimate_names_who_made_it(fake):
    """The pages say whose figure each is ('from ...'): an empty estimator would read 'from nan'. (Its side
    may be unknown: ES003's 'officials' have none.)"""
    fake.set("estimates", "ES003", "estimator", "")
    problems = fake.write().problems()
    assert problem_at(problems, "estimates", 4, "estimator").endswith("estimator: required but empty")
    assert len(problems) == 1


def test_duplicate_id(fake):
    fake.set("citations", "C0005", "citation_id", "C0004")
    problems = fake.write().problems()
    assert "'C0004' appears on more than one row" in problem_at(problems, "citations", 5, "citation_id")
    assert "'C0004' appears on more than one row" in problem_at(problems, "citations", 6, "citation_id")
    assert len(problems) == 2


def test_citation_to_unknown_record(fake):
    fake.set("citations", "C0002", "record_id", "ST099")
    problems = fake.write().problems()
    assert "'ST099' is not in" in problem_at(problems, "citations", 3, "record_id")
    # ST002 has now lost its only citation.
    assert "ST002 has no citation" in problem_at(problems, "statements", 3, "statement_id")


def test_citation_to_unknown_source(fake):
    fake.set("citations", "C0005", "source_id", "S009")
    problem = problem_at(fake.write().problems(), "citations", 6, "source_id")
    assert "'S009' is not in sources.csv" in problem


def test_quote_not_in_source(fake):
    fake.set("citations", "C0004", "quote", "more than 3,000 had been killed")
    problem = problem_at(fake.write().problems(), "citations", 5, "quote")
    assert "not found in 000_example-news.txt" in problem


def test_quote_of_30_words_is_accepted(fake):
    quote = (
        "The officials said the soldiers had been moved in several groups over the summer, travelling "
        "by train and by air from Pyongyang to Vladivostok and then on to the front"
    )
    fake.set("citations", "C0005", "quote", quote)
    assert fake.write().problems() == []


def test_quote_over_30_words(fake):
    quote = (
        "The officials said the soldiers had been moved in several groups over the summer, travelling "
        "by train and by air from Pyongyang to Vladivostok and then on to the front near"
    )
    fake.set("citations", "C0005", "quote", quote)
    problems = fake.write().problems()
    assert "more than 30 words" in problem_at(problems, "citations", 6, "quote")
    assert len(problems) == 1


def test_quote_with_ellipsis(fake):
    fake.set("citations", "C0005", "quote", "Between 10,000 and 12,000 soldiers ... Kursk region")
    # The quote is not found either; the point here is the rule against ellipses.
    problem_at(fake.write().problems(), "citations", 6, "quote", containing="contains '...'")


def test_sha_mismatch(fake):
    fake.set("sources", "S001", "sha256", "0" * 64)
    problems = fake.write().problems()
    assert "does not match 001_wire-daily.txt" in problem_at(problems, "sources", 3, "sha256")
    assert len(problems) == 1


def test_archive_file_missing(fake):
    fake.set("sources", "S001", "archive_file", "001_gone.txt")
    problem = problem_at(fake.write().problems(), "sources", 3, "archive_file")
    assert "not found in the archive" in problem


def test_source_id_must_match_file_number(fake):
    fake.set("sources", "S001", "archive_file", "002_wire-daily.txt")
    fake.articles["002_wire-daily.txt"] = fake.articles["001_wire-daily.txt"]
    problem = problem_at(fake.write().problems(), "sources", 3, "source_id")
    assert "expected S002" in problem


def test_low_above_high(fake):
    fake.set("estimates", "ES003", "low", "13000")
    problems = fake.write().problems()
    assert "13000 is greater than high 12000" in problem_at(problems, "estimates", 4, "low")
    assert len(problems) == 1


def test_best_outside_low_high(fake):
    fake.set("estimates", "ES003", "best", "9000")
    problem = problem_at(fake.write().problems(), "estimates", 4, "best")
    assert "9000 is below low 10000" in problem


def test_range_needs_both_ends(fake):
    fake.set("estimates", "ES003", "high", "")
    problem = problem_at(fake.write().problems(), "estimates", 4, "low")
    assert "needs both low and high" in problem


def test_only_a_part_says_which_part(fake):
    headers = fake.headers["estimates"]
    headers[headers.index("location") + 1 : 0] = ["part"]
    fake.set("estimates", "ES001", "part", "officers")  # a total
    problem = problem_at(fake.write().problems(), "estimates", 2, "part")
    assert "only a part (scope 'subset') says which part; scope is 'total'" in problem
    fake.set("estimates", "ES001", "scope", "subset")
    assert fake.write().problems() == []


def test_figure_with_thousands_separator(fake):
    fake.set("estimates", "ES001", "best", "15,000")
    problem = problem_at(fake.write().problems(), "estimates", 2, "best")
    assert "whole number" in problem


def test_event_after_the_article_that_reports_it(fake):
    fake.set("statements", "ST001", "event_date", "2025-08-16")
    problems = fake.write().problems()
    assert "'2025-08-16' is after S000 (published 2025-08-15)" in problem_at(problems, "statements", 2, "event_date")
    assert len(problems) == 1


def test_event_in_the_article_month_is_not_after_it(fake):
    # August 2025 may begin before 15 August: the record is not provably later.
    fake.set("statements", "ST001", "event_date", "2025-08")
    fake.set("statements", "ST001", "date_precision", "month")
    assert fake.write().problems() == []


def test_not_before_article_bounds_nothing(fake):
    fake.set("sources", "S000", "published_precision", "not_before")
    fake.set("statements", "ST001", "event_date", "2025-08-16")
    assert fake.write().problems() == []


@pytest.mark.parametrize(
    ("table", "row_id", "column", "value", "line"),
    [
        ("statements", "ST001", "side", "Mars", 2),
        ("estimates", "ES002", "metric", "dead", 3),
        ("estimates", "ES001", "qualifier", "roughly about", 2),
        ("sources", "S001", "wire_agency", "Reuters wire", 3),
    ],
)
def test_unknown_vocabulary_value(fake, table, row_id, column, value, line):
    fake.set(table, row_id, column, value)
    problems = fake.write().problems()
    assert "must be one of:" in problem_at(problems, table, line, column)
    assert repr(value) in problems[0]
    assert len(problems) == 1


def test_weekday_basis_needs_date_resolved_against(fake):
    fake.set("estimates", "ES001", "date_resolved_against", "")
    problem = problem_at(fake.write().problems(), "estimates", 2, "date_resolved_against")
    assert "required when announced_basis is 'weekday'" in problem


def test_weekday_date_must_be_the_latest_such_weekday(fake):
    # "on Wednesday" in an article of Friday 2025-08-15 is 2025-08-13, not 2025-08-14.
    fake.set("estimates", "ES001", "announced_date", "2025-08-14")
    problem = problem_at(fake.write().problems(), "estimates", 2, "announced_date")
    assert "that is 2025-08-13" in problem


def test_resolved_against_an_unknown_source(fake):
    fake.set("estimates", "ES002", "date_resolved_against", "S042")
    problem = problem_at(fake.write().problems(), "estimates", 3, "date_resolved_against")
    assert "'S042' is not a source_id" in problem


def test_every_problem_is_reported_at_once(fake):
    fake.set("sources", "S001", "sha256", "0" * 64)
    fake.set("statements", "ST001", "side", "Mars")
    fake.set("estimates", "ES003", "low", "13000")
    fake.set("citations", "C0004", "quote", "fewer than 300")
    problems = fake.write().problems()
    assert len(problems) == 4
    for table, line, column in [
        ("sources", 3, "sha256"),
        ("statements", 2, "side"),
        ("estimates", 4, "low"),
        ("citations", 5, "quote"),
    ]:
        problem_at(problems, table, line, column)


def test_line_numbers_count_lines_inside_quoted_cells(fake):
    # ST001's summary spans lines 2 and 3, so ST002 starts on line 4.
    fake.set("statements", "ST001", "summary", "Seoul condemns\nthe deployment.")
    fake.set("statements", "ST002", "side", "Mars")
    problem_at(fake.write().problems(), "statements", 4, "side")


def test_bom_and_crlf_are_read(fake):
    crlf_article = "\ufeff" + ARTICLE_000.replace("\n", "\r\n")
    fake.articles["000_example-news.txt"] = crlf_article
    fake.set("sources", "S000", "sha256", hashlib.sha256(crlf_article.encode()).hexdigest())
    fake.write(bom=True, newline="\r\n")
    assert (fake.data / "sources.csv").read_bytes().startswith(b"\xef\xbb\xbfsource_id,")
    assert b"\r\n" in (fake.data / "citations.csv").read_bytes()
    assert fake.problems() == []


def test_typography_and_line_breaks_do_not_hide_a_quote(fake):
    # The fixture's quotes are typed straight; the article has curly quotes, an em dash and
    # a line break inside the quoted passage, so a plain substring search would miss them.
    cited = [(line, row) for line, row in enumerate(fake.rows["citations"], 2) if row["source_id"] == "S000"]
    assert not any(row["quote"] in ARTICLE_000 for _, row in cited[:2])
    assert [problem for problem in fake.problems() if "quote" in problem] == []
    # The same comparison still refuses a quote whose words differ from the article's.
    line, row = cited[0]
    fake.set("citations", row["citation_id"], "quote", row["quote"].replace("foreign minister", "defence minister"))
    problem_at(fake.write().problems(), "citations", line, "quote", "not found in 000_example-news.txt")


def test_archive_missing(fake):
    with pytest.raises(paths.ArchiveNotFoundError, match="source archive not found"):
        validate(fake.data, fake.root / "no-archive")


def test_load_dataset_types(fake):
    dataset = load_dataset(fake.data, fake.archive)
    sources, statements, estimates, citations = (
        dataset.sources,
        dataset.statements,
        dataset.estimates,
        dataset.citations,
    )
    assert list(citations["citation_id"]) == ["C0001", "C0002", "C0003", "C0004", "C0005"]
    assert pd.api.types.is_string_dtype(citations["record_id"])
    assert pd.api.types.is_datetime64_any_dtype(statements["event_date_start"])
    assert statements["event_date_start"].tolist() == [pd.Timestamp("2025-08-12"), pd.Timestamp("2025-08-10")]
    assert statements["event_date"].tolist() == ["2025-08-12", "2025-08-10"]
    # ES003 is "as of" August 2025: the whole month.
    assert estimates.loc[2, "as_of_date_start"] == pd.Timestamp("2025-08-01")
    assert estimates.loc[2, "as_of_date_end"] == pd.Timestamp("2025-08-31")
    assert estimates["as_of_date_start"].isna().tolist() == [True, True, False]
    for frame, column in [
        (statements, "date_precision"),
        (statements, "side"),
        (statements, "channel"),
        (estimates, "metric"),
        (sources, "published_precision"),
    ]:
        assert isinstance(frame[column].dtype, pd.CategoricalDtype), column
    assert "troops_planned" in estimates["metric"].cat.categories
    for column in ("low", "best", "high"):
        assert estimates[column].dtype == "Int64"
    assert estimates["best"].tolist()[:2] == [15000, 300]
    assert estimates["best"].isna().tolist() == [False, False, True]
    assert estimates["low"].tolist()[2] == 10000
    assert sources["is_excerpt"].dtype == "boolean"
    assert sources["is_excerpt"].tolist() == [False, True]
    assert estimates["qualifier_kind"].tolist() == ["approximate", "lower_bound", "range"]


def test_load_dataset_open_ended_publication(fake):
    fake.set("sources", "S001", "published_precision", "not_before")
    sources = load_dataset(fake.write().data, fake.archive).sources
    assert sources.loc[1, "published_date_start"] == pd.Timestamp("2025-08-20")
    assert pd.isna(sources.loc[1, "published_date_end"])
    assert sources.loc[0, "published_date_end"] == pd.Timestamp("2025-08-15")


def test_load_dataset_refuses_invalid_data(fake):
    fake.set("statements", "ST001", "side", "Mars")
    with pytest.raises(DatasetError, match=r"statements\.csv:2: side: 'Mars' must be one of"):
        load_dataset(fake.write().data, fake.archive)


def test_one_citation_per_record_and_article(fake):
    fake.rows["citations"].append(
        {"citation_id": "C0006", "record_id": "ES002", "source_id": "S000", "quote": "had been killed"}
    )
    problem = problem_at(fake.write().problems(), "citations", 7, "record_id")
    assert "ES002 is already cited from S000 on line 5" in problem


def test_weekday_resolved_against_an_article_that_does_not_cite_the_record(fake):
    fake.set("estimates", "ES001", "date_resolved_against", "S001")
    problem = problem_at(fake.write().problems(), "estimates", 2, "date_resolved_against")
    assert "S001 does not cite ES001" in problem


def test_row_with_too_many_fields(fake):
    path = fake.data / "citations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] += ",surplus"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problem = problem_at(fake.problems(), "citations", 3, None)
    assert "has 7 fields but the header has 6" in problem


def test_table_not_utf8(fake):
    (fake.data / "sources.csv").write_bytes("source_id,outlet\nS000,Caf\xe9\n".encode("latin-1"))
    problem = problem_at(fake.problems(), "sources", None, None)
    assert "not valid UTF-8" in problem


def test_table_that_is_empty(fake):
    (fake.data / "estimates.csv").write_bytes(b"")
    problem = problem_at(fake.problems(), "estimates", None, None)
    assert problem.endswith("estimates.csv: file is empty (no header row)")


def test_table_with_a_header_and_no_rows(fake):
    header = (fake.data / "statements.csv").read_text(encoding="utf-8").splitlines()[0]
    (fake.data / "statements.csv").write_text(header + "\n", encoding="utf-8")
    problems = fake.problems()
    assert problem_at(problems, "statements", None, None).endswith("statements.csv: has a header but no rows")
    # ... and the citations of the statements it lost are named too, each at its line and field
    assert problem_at(problems, "citations", 2, "record_id", "'ST001' is not in statements.csv")


def test_a_renamed_column_is_named_twice_missing_and_unknown(fake):
    fake.headers["estimates"][fake.headers["estimates"].index("best")] = "figure"
    for row in fake.rows["estimates"]:
        row["figure"] = row.pop("best", "")
    problems = fake.write().problems()
    assert problem_at(problems, "estimates", 1, "best", "column missing from the header")
    assert problem_at(problems, "estimates", 1, "figure", "column is not in the codebook")


def test_a_figure_written_as_words(fake):
    fake.set("estimates", "ES001", "best", "fifteen thousand")
    problem = problem_at(fake.write().problems(), "estimates", 2, "best")
    assert "'fifteen thousand'" in problem and "whole number" in problem


def test_each_article_is_read_once_for_its_hash_and_its_quotes(fake, monkeypatch):
    """The quotes are checked in the very bytes whose sha256 matched the registered one (and a large archive
    is read once, not twice)."""
    from pathlib import Path

    reads = []
    read_bytes = Path.read_bytes

    def counted(path):
        if path.parent == fake.archive:
            reads.append(path.name)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    assert fake.validate().ok
    assert sorted(reads) == sorted(path.name for path in fake.archive.iterdir())
