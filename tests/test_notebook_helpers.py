"""What the notebooks display: text forms for nbval, escaped HTML for readers, capped tables."""

from __future__ import annotations

import ast

import pandas as pd
import pytest

from dprk_report.report import display as notebook


def _shown(capsys) -> list[dict]:
    return [ast.literal_eval(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


def test_say_escapes_dataset_text_and_keeps_bold(capsys):
    notebook.say('He said "<script>x</script>"', "**really**")
    (output,) = _shown(capsys)
    assert output["text/html"] == "<p>He said &quot;&lt;script&gt;x&lt;/script&gt;&quot; <strong>really</strong></p>"
    assert output["text/plain"] == 'He said "<script>x</script>" really'


def test_long_tables_are_capped_and_say_so(capsys):
    rows = notebook.MAX_TABLE_ROWS + 40
    notebook.show_table(pd.DataFrame({"n": range(rows)}), caption="Numbers")
    (output,) = _shown(capsys)
    assert output["text/plain"].startswith(f"Numbers (first {notebook.MAX_TABLE_ROWS} of {rows} rows)")
    assert output["text/html"].count("<tr>") == notebook.MAX_TABLE_ROWS


def test_a_column_of_long_texts_keeps_a_readable_width(capsys):
    """On a narrow screen the table scrolls sideways rather than squeezing a quote to a word a line."""
    quote = "word " * 20  # 100 characters
    notebook.show_table(pd.DataFrame({"Date": ["8 Jan 2025"], "In its words": [quote]}), caption="Quotes")
    (output,) = _shown(capsys)
    assert '<th style="min-width: 18em;">In its words</th>' in output["text/html"]
    assert "<th>Date</th>" in output["text/html"]


def test_each_cell_carries_its_column_name_for_a_phone_s_cards(capsys):
    """A phone shows each row as a card, each value under its column's name (the page's CSS reads it)."""
    frame = pd.DataFrame({"Said by": ["Kim <Jong Un>", None], 'In "its" words': ["<td>x</td>", "y"]})
    notebook.show_table(frame, caption="Quotes")
    (output,) = _shown(capsys)
    body = output["text/html"].partition("<tbody>")[2]
    assert '<td data-label="Said by">Kim &lt;Jong Un&gt;</td>' in body
    assert '<td data-label="In &quot;its&quot; words">&lt;td&gt;x&lt;/td&gt;</td>' in body
    assert '<td data-label="Said by"></td>' in body  # an empty cell (hidden on a phone)
    assert body.count("<td data-label=") == 4 and "<td>" not in body


def test_an_empty_table_says_its_message(capsys):
    notebook.show_table(pd.DataFrame({"n": []}), caption="Numbers", empty_message="Nothing here.")
    (output,) = _shown(capsys)
    assert output["text/plain"] == "Nothing here."


def test_an_empty_table_without_a_message_says_none_under_its_caption(capsys):
    """Headers alone say nothing, and a phone, which shows each row as a card, hides them."""
    notebook.show_table(pd.DataFrame({"n": []}), caption="The five longest gaps")
    notebook.show_table(pd.DataFrame({"n": []}))
    assert [output["text/plain"] for output in _shown(capsys)] == ["The five longest gaps: none.", "None."]
    # Escaped and written as the caption is, a caption from the dataset's text included.
    notebook.show_table(pd.DataFrame({"n": []}), caption="Said **twice** <b>")
    assert _shown(capsys)[0]["text/html"] == "<p>Said **twice** &lt;b&gt;: none.</p>"


def test_an_empty_list_shows_nothing(capsys):
    notebook.bullets([])
    assert _shown(capsys) == []


def test_a_table_worded_for_readers_words_only_the_rows_it_shows(capsys):
    rows = notebook.MAX_TABLE_ROWS + 40
    given = []

    def wording(frame: pd.DataFrame) -> pd.DataFrame:
        given.append(len(frame))
        return pd.DataFrame({"Number": frame["n"].map(lambda n: f"number {n}")})

    notebook.show_table(pd.DataFrame({"n": range(rows)}), caption="Numbers", wording=wording)
    (output,) = _shown(capsys)
    assert given == [notebook.MAX_TABLE_ROWS]
    assert output["text/plain"].startswith(f"Numbers (first {notebook.MAX_TABLE_ROWS} of {rows} rows)")
    assert "number 149" in output["text/plain"] and "number 150" not in output["text/plain"]


def test_a_wording_that_drops_or_reorders_rows_is_refused(capsys):
    """Its table would show other rows than the caption counts."""
    frame = pd.DataFrame({"n": range(5)})

    def sorted_backwards(rows: pd.DataFrame) -> pd.DataFrame:
        return rows.sort_values("n", ascending=False)

    for wording in (sorted_backwards, lambda rows: rows.iloc[1:]):
        with pytest.raises(ValueError, match="one row for each row it is given"):
            notebook.show_table(frame, caption="Numbers", wording=wording)
    assert _shown(capsys) == []


def test_the_notebooks_tables_read_the_same_worded_in_full_or_for_the_rows_shown(tmp_path, monkeypatch, capsys):
    """On a dataset large enough that the tables are cut at MAX_TABLE_ROWS (three times today's, synthetic),
    each reader's table the notebooks word through ``wording`` shows exactly what wording every row and then
    cutting showed."""
    from dprk_report import paths
    from dprk_report.analysis import cadence, coverage, lineage
    from dprk_report.analysis.selection import validate_parameters
    from dprk_report.data.dataset import load_dataset
    from dprk_report.testing import synthetic

    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path / "build")
    synthetic.generate(tmp_path / "data", tmp_path / "archive", scale=3)
    dataset = load_dataset(tmp_path / "data", tmp_path / "archive")
    selection = validate_parameters("2024-01-01", "2026-12-31", [])
    timeline = cadence.select_statements(cadence.statement_timeline(dataset), selection)
    estimates = lineage.select_estimates(lineage.estimate_table(dataset), selection)
    records = set(timeline["statement_id"]) | set(estimates["estimate_id"])
    contributions = coverage.select_sources(coverage.source_contributions(dataset, records), selection)
    cases = [
        (timeline, cadence.statement_wording(dataset)),
        (estimates, lineage.estimate_summary),
        (contributions, coverage.article_table),
    ]
    for rows, wording in cases:
        assert len(rows) > notebook.MAX_TABLE_ROWS
        notebook.show_table(wording(rows), caption="Rows")
        in_full = _shown(capsys)
        notebook.show_table(rows, caption="Rows", wording=wording)
        assert _shown(capsys) == in_full
