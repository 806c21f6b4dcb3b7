"""What the notebooks display: text forms for nbval, escaped HTML for readers, capped tables."""

from __future__ import annotations

import ast

import pandas as pd

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


def test_an_empty_table_says_its_message(capsys):
    notebook.show_table(pd.DataFrame({"n": []}), caption="Numbers", empty_message="Nothing here.")
    (output,) = _shown(capsys)
    assert output["text/plain"] == "Nothing here."


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


def test_the_notebooks_wordings_word_each_row_on_its_own():
    """What lets ``show_table`` word only the rows it shows: a row reads the same whichever rows are worded
    with it (no sorting, no wording that depends on the other rows)."""
    from dprk_report.analysis import cadence, coverage, lineage
    from dprk_report.analysis.selection import validate_parameters
    from dprk_report.data.dataset import load_dataset

    dataset = load_dataset()
    selection = validate_parameters("2024-01-01", "2026-12-31", [])
    timeline = cadence.statement_timeline(dataset)
    estimates = lineage.estimate_table(dataset)
    records = set(timeline["statement_id"]) | set(estimates["estimate_id"])
    contributions = coverage.select_sources(coverage.source_contributions(dataset, records), selection)
    cases = [
        (timeline, lambda rows: cadence.statement_table(rows, dataset)),
        (estimates, lineage.estimate_summary),
        (contributions, coverage.article_table),
    ]
    for rows, wording in cases:
        every_other = rows.iloc[::2]  # rows worded apart from their neighbours
        assert len(every_other) >= 5
        pd.testing.assert_frame_equal(
            wording(every_other).reset_index(drop=True), wording(rows).iloc[::2].reset_index(drop=True)
        )
