"""Carrying an executed notebook's outputs over to its notebook after a text-only edit.

The build re-renders such a page instead of running it; ``test_build`` checks that this gives the bytes
a full run gives. These tests pin the merge itself and what counts as a text-only edit.
"""

from __future__ import annotations

import hashlib
import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from dprk_report.pipeline.records import RecordMismatch, code_of, with_text_of


def _id(text: str) -> str:
    """A cell id that follows from the cell's text, as a notebook edited in its text cells keeps its code's."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _source(*texts: str) -> nbformat.NotebookNode:
    """A notebook: a parameters cell, then the given cells ('md:' text cells, others code)."""
    cells = [new_code_cell("start = 1", metadata={"tags": ["parameters"]}, id="parameters")]
    cells += [
        new_markdown_cell(text[3:], id=_id(text)) if text.startswith("md:") else new_code_cell(text, id=_id(text))
        for text in texts
    ]
    return new_notebook(cells=cells)


def _executed(source: nbformat.NotebookNode, parameters_first: bool = False) -> nbformat.NotebookNode:
    """``source`` as papermill runs it: an injected cell after the parameters cell, outputs on every code cell."""
    record = nbformat.reads(nbformat.writes(source), as_version=4)
    injected = new_code_cell("start = 2", metadata={"tags": ["injected-parameters"]})
    record.cells.insert(0 if parameters_first else 1, injected)
    for number, cell in enumerate(c for c in record.cells if c.cell_type == "code"):
        cell.execution_count = number + 1
        cell.outputs = [new_output("stream", name="stdout", text=f"output of {cell.source}\n")]
    return record


def _shape(notebook) -> list[tuple[str, str, str]]:
    return [
        (cell.cell_type, cell.source, "".join(o.get("text", "") for o in cell.get("outputs", [])))
        for cell in notebook.cells
    ]


def test_text_cells_come_from_the_notebook_and_outputs_from_the_record():
    record = _executed(_source("md:# Title", "show(1)", "md:## Findings", "say(2)"))
    edited = _source("md:# A new title", "md:An added paragraph.", "show(1)", "say(2)", "md:A closing note.")
    merged = with_text_of(record, edited)
    assert _shape(merged) == [
        ("code", "start = 1", "output of start = 1\n"),
        ("code", "start = 2", "output of start = 2\n"),
        ("markdown", "# A new title", ""),
        ("markdown", "An added paragraph.", ""),
        ("code", "show(1)", "output of show(1)\n"),
        ("code", "say(2)", "output of say(2)\n"),
        ("markdown", "A closing note.", ""),
    ]
    assert all(cell.metadata["tags"] == [] for cell in merged.cells if cell.cell_type == "markdown")
    assert _shape(record)[2] == ("markdown", "# Title", "")  # the record's own cells are left as they were
    assert "tags" not in edited.cells[1].metadata  # and so are the notebook's


def test_an_injected_cell_without_a_parameters_cell_stays_first():
    source = new_notebook(cells=[new_markdown_cell("# Title"), new_code_cell("show()", id="show")])
    record = _executed(source, parameters_first=True)
    edited = new_notebook(cells=[new_markdown_cell("# Other"), new_code_cell("show()", id="show")])
    merged = with_text_of(record, edited)
    assert [cell.source for cell in merged.cells] == ["start = 2", "# Other", "show()"]


def _renamed(notebook):
    notebook.cells[-1].id = "renamed"
    return notebook


@pytest.mark.parametrize(
    "edited",
    [
        _source("md:# Title", "show(2)"),
        _source("md:# Title"),
        _source("md:# Title", "show(1)", "show(3)"),
        _renamed(_source("md:# Title", "show(1)")),
    ],
    ids=["changed", "removed", "added", "renamed"],
)
def test_a_record_whose_code_differs_is_refused(edited):
    with pytest.raises(RecordMismatch):
        with_text_of(_executed(_source("md:# Title", "show(1)")), edited)


def _document(notebook) -> dict:
    return json.loads(nbformat.writes(notebook))


def test_only_code_cells_and_metadata_count_as_code():
    base = _document(_source("md:# Title", "show(1)"))
    assert code_of(_document(_source("md:# Retitled", "md:More text.", "show(1)"))) == code_of(base)
    assert code_of(_document(_source("md:# Title", "show(1) "))) != code_of(base)
    assert code_of(_document(_source("md:# Title", "show(1)", "md:x", "show(3)"))) != code_of(base)
    renamed = _document(_source("md:# Title", "show(1)"))
    renamed["cells"][2]["id"] = "renamed"  # the record and the page show a code cell's id
    assert code_of(renamed) != code_of(base)
    tagged = _document(_source("md:# Title", "show(1)"))
    tagged["cells"][2]["metadata"]["tags"] = ["maintainer"]
    assert code_of(tagged) != code_of(base)
    kernel = _document(_source("md:# Title", "show(1)"))
    kernel["metadata"]["kernelspec"] = {"name": "other"}
    assert code_of(kernel) != code_of(base)
