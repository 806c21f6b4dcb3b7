"""The build's HTML export: nbconvert's lab page, made without nbconvert's final BeautifulSoup pass.

That pass makes markdown text and output areas focusable (a keyboard can then scroll a wide table); the
build's exporter must make exactly the same elements focusable.
"""

from __future__ import annotations

import copy

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from dprk_report import paths
from dprk_report.pipeline import render
from dprk_report.pipeline.config import Page
from dprk_report.pipeline.render import PageWriter

PAGE = Page(variant="all-sides", variant_title="All sides", notebook="01-describe-sources", parameters={})


def _notebook() -> nbformat.NotebookNode:
    table = "<table><tr><th>Outlet</th></tr><tr><td>Yonhap</td></tr></table>"
    output = nbformat.v4.new_output("display_data", data={"text/html": table, "text/plain": "table"})
    stream = nbformat.v4.new_output("stream", name="stdout", text="printed\n")
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Which articles?\n\nA paragraph with a [link](https://example.org)."),
            nbformat.v4.new_code_cell("show()", outputs=[output, stream]),
            nbformat.v4.new_markdown_cell("## Findings"),
            nbformat.v4.new_code_cell("say()", outputs=[output]),
        ],
        metadata={"language_info": {"name": "python"}},
    )


def _focusable(html: str) -> list[tuple[str, ...]]:
    soup = BeautifulSoup(html, features="html.parser")
    return [tuple(element.get("class", [])) for element in soup.select('[tabindex="0"]')]


def test_the_same_elements_are_focusable_as_with_nbconvert_s_exporter(tmp_path):
    writer = PageWriter(tmp_path)
    notebook = _notebook()
    ours = writer.html(notebook, PAGE)  # also gives the notebook the page's metadata the template reads
    theirs = HTMLExporter(
        template_name="dprk-report",
        extra_template_basedirs=[str(writer.exporter.extra_template_basedirs[0])],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    theirs, _ = theirs.from_notebook_node(notebook)
    focusable = _focusable(ours)
    # Two markdown cells' text and three outputs.
    assert [("jp-Cell-inputWrapper" in classes, "jp-OutputArea-output" in classes) for classes in focusable] == [
        (True, False),
        (False, True),
        (False, True),
        (True, False),
        (False, True),
    ]
    # The whole page is nbconvert's, but for the serialisation BeautifulSoup gives it.
    assert str(BeautifulSoup(ours, features="html.parser")) == theirs


@pytest.fixture(autouse=True)
def scratch_build(tmp_path, monkeypatch):
    """The compiled templates go to this test's folder, not the project's ``build/``."""
    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path / "build")


def test_pages_from_the_compiled_templates_are_the_pages_compiled_afresh(tmp_path):
    notebook = _notebook()  # its cell ids are random: one notebook for both
    afresh = PageWriter(tmp_path).html(copy.deepcopy(notebook), PAGE)
    compiled = sorted((tmp_path / "build" / render.COMPILED_TEMPLATES).rglob("*.cache"))
    assert compiled, "the templates were not kept compiled"
    # A later build (a new writer, as in a new process) loads them compiled, and makes the same page.
    assert PageWriter(tmp_path).html(copy.deepcopy(notebook), PAGE) == afresh
    # Damaged compiled templates are compiled again, not an error.
    for path in compiled:
        path.write_bytes(path.read_bytes()[:40])
    assert PageWriter(tmp_path).html(copy.deepcopy(notebook), PAGE) == afresh


def test_an_executed_notebook_is_validated_once_and_an_invalid_one_still_refused(tmp_path, monkeypatch):
    """Not once after each of nbconvert's preprocessors (13, most of them off): at 100 times today's data, a
    page's notebook carries its charts, and each validation walks all of it."""
    validated, notebook, broken = [], _notebook(), _notebook()
    broken.cells[1].outputs[0]["output_type"] = "no such output"
    monkeypatch.setattr(nbformat, "validate", lambda nb, **options: validated.append(nb) or real(nb, **options))
    real = nbformat.validator.validate
    writer = PageWriter(tmp_path)
    writer.exporter.from_notebook_node(notebook)
    assert len(validated) == 1
    with pytest.raises(nbformat.ValidationError):
        writer.exporter.from_notebook_node(broken)
