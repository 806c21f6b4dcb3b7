"""Make an executed notebook a published page in the staging area: its stable record, its HTML page, its
thumbnail and its manifest entry.

``execute`` hands it notebooks it has just run; the build hands it notebooks whose code outputs were
carried over from the published record (only their text changed). This module imports nbconvert, never
papermill or a kernel: a build that only re-renders text starts neither.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import re
import time
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import TagRemovePreprocessor

from dprk_report import paths
from dprk_report.data.version import file_hash
from dprk_report.pipeline.config import Page
from dprk_report.pipeline.records import (
    first_chart,
    first_finding,
    normalise_record,
    page_title,
    with_text_of,
    write_thumbnail,
)

TEMPLATES = paths.PACKAGE_DIR / "templates"
#: Cells with this tag are for maintainers: kept in the executed notebook, left out of the HTML page.
MAINTAINER_TAG = "maintainer"
#: The shared stylesheet of the HTML pages, relative to the output root.
NOTEBOOK_CSS = "report/notebook.css"

#: The opening tag of a markdown cell's text or of an output area, as nbconvert's lab template writes them.
FOCUSABLE = re.compile(
    r'<div\b([^>]*?)(?<![\w-])class="([^"]*(?<![\w-])(?:jp-Cell-inputWrapper|jp-OutputArea-output)(?![\w-])[^"]*)"'
)


class PageFailed(Exception):
    """A page could not be built; the message names the notebook, parameter set and cause."""


#: Where the page templates are kept compiled between builds (Jinja's bytecode cache, keyed by each template's
#: source: an edited template is compiled again; in a folder per Jinja and nbconvert version, which the
#: compiled code and the environment's settings depend on). Compiling them was 0.2 s of each page runner's
#: first page.
COMPILED_TEMPLATES = "templates-compiled"


class _KeptCompiled(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache of compiled templates, best effort: a file that cannot be read or written (damaged,
    a folder without write access) counts as not kept, and the template is compiled as without a cache."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        with contextlib.suppress(Exception):
            super().dump_bytecode(bucket)


def compiled_templates() -> jinja2.BytecodeCache | None:
    versions = f"jinja2-{importlib.metadata.version('jinja2')}-nbconvert-{importlib.metadata.version('nbconvert')}"
    folder = paths.BUILD_DIR / COMPILED_TEMPLATES / versions
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _KeptCompiled(str(folder))


class PageExporter(HTMLExporter):
    """nbconvert's HTML exporter without its last pass, which parses the whole page with BeautifulSoup to make
    each text and output area focusable (so that a keyboard can scroll a wide table) and to give images without alt text
    a placeholder one.

    That parse was most of the export's time: the pages carry their charts inline. They get their ``tabindex``
    here, from the template's own tags; the pages have no ``img`` (charts are inline SVG with
    their own accessible names), and the browser test checks that none lacks alt text.
    """

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = compiled_templates()
        return environment

    def from_notebook_node(self, nb, resources=None, **kw):
        # What HTMLExporter.from_notebook_node (nbconvert 7.17) sets up before rendering the template.
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name", None))
        self.register_filter(
            "highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        )
        resources = self._init_resources(resources)
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
        )
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return FOCUSABLE.sub(r'<div\1class="\2" tabindex="0"', html), resources


class PageWriter:
    """Writes pages into ``staging``; a writer (its exporter) belongs to one thread."""

    def __init__(self, staging: Path):
        self.staging = staging
        self.exporter = PageExporter(
            template_name="dprk-report",
            extra_template_basedirs=[str(TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            # nbconvert validates the notebook once, after the last of its 13 preprocessors, not after each: it was
            # validated as its record was written, and the one preprocessor that acts (the tag removal below)
            # drops whole cells.
            optimistic_validation=True,
        )
        # Cells tagged for maintainers (what the notebook reads and writes, its parameters, lint-style
        # lines) stay in the executed notebook and never reach the reader's page.
        self.exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={MAINTAINER_TAG}), enabled=True)

    def rerender(self, page: Page) -> dict:
        """Publish ``page`` again from its published record, with the text of its notebook as it is now.

        For a page whose code, parameters, data, package and environment are those its record was made
        from: running it again would give the same outputs, so they are carried over, not recomputed.
        """
        started = time.monotonic()
        source = nbformat.read(page.source, as_version=4)
        record = with_text_of(nbformat.read(self.staging / page.record, as_version=4), source)
        return self.write(page, record, started)

    def write(self, page: Page, notebook, started: float) -> dict:
        """Write ``page``'s record, HTML and thumbnail from its executed ``notebook`` (the figures are already
        in staging); return its manifest entry (outputs with their sha256)."""
        normalise_record(notebook, f"notebooks/{page.source.name}", page.record)
        nbformat.write(notebook, self.staging / page.record)
        (self.staging / page.html).write_text(self.html(notebook, page), encoding="utf-8")
        chart = first_chart(notebook)
        thumbnail = [page.thumbnail] if chart else []
        if chart:
            write_thumbnail(chart[0], self.staging / page.thumbnail)
        else:
            (self.staging / page.thumbnail).unlink(missing_ok=True)
        outputs = [page.record, page.html, *thumbnail] + sorted(
            p.relative_to(self.staging).as_posix() for p in self.staging.glob(page.figure_prefix + "*")
        )
        return {
            "key": page.key,
            "seconds": round(time.monotonic() - started, 2),
            "entry": {
                "notebook": f"notebooks/{page.source.name}",
                "variant": page.variant,
                "parameters": page.parameters,
                "title": page_title(notebook),
                "finding": first_finding(notebook),
                "chart": chart[1] if chart else None,
                "outputs": {name: file_hash(self.staging / name) for name in outputs},
            },
        }

    def html(self, notebook, page: Page) -> str:
        notebook.metadata["dprk_report"] = {
            "variant_title": page.variant_title,
            "record": Path(page.record).name,
            "previous": {"href": f"{page.previous[0]}.html", "title": page.previous[1]} if page.previous else None,
            "next": {"href": f"{page.next[0]}.html", "title": page.next[1]} if page.next else None,
        }
        notebook.metadata["title"] = page_title(notebook)
        body, _ = self.exporter.from_notebook_node(notebook)
        return body


def write_notebook_css(staging: Path) -> None:
    """Write JupyterLab's light-theme stylesheet once for all pages (they link to it)."""
    from jupyter_core.paths import jupyter_path

    for base in map(Path, jupyter_path("nbconvert", "templates")):
        static = base / "lab" / "static"
        if (static / "index.css").is_file():
            css = (
                (static / "index.css").read_text(encoding="utf-8")
                + "\n"
                + (static / "theme-light.css").read_text(encoding="utf-8")
            )
            (staging / NOTEBOOK_CSS).write_text(css, encoding="utf-8")
            return
    raise FileNotFoundError("nbconvert's lab template stylesheet was not found")
