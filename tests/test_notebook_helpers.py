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
