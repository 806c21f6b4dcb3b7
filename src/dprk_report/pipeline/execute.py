"""Build pages in the staging area: execute each notebook, make it a stable record, export HTML.

A :class:`PageRunner` owns one kernel and builds pages one after another in
it, clearing the namespace between notebooks (``%reset``) so that imported
modules stay loaded while no variable survives from the previous notebook.
The build runs one runner per core, each in its own thread of the build
process: papermill and nbconvert are then loaded once, and only the kernels
are separate processes. The heavy imports happen here, never on the planning path.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
from pathlib import Path

import nbformat
import papermill
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import TagRemovePreprocessor
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.iorw import write_ipynb
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

from dprk_report import paths
from dprk_report.data.version import file_hash
from dprk_report.pipeline.config import Page
from dprk_report.pipeline.kernel import KERNEL_NAME, ReusedKernel
from dprk_report.pipeline.records import first_chart, first_finding, normalise_record, page_title, write_thumbnail

TEMPLATES = paths.PACKAGE_DIR / "templates"
#: Cells with this tag are for maintainers: kept in the executed notebook, left out of the HTML page.
MAINTAINER_TAG = "maintainer"
#: The shared stylesheet of the HTML pages, relative to the output root.
NOTEBOOK_CSS = "report/notebook.css"


class RecordAtEndEngine(NBClientEngine):
    """papermill's nbclient engine, writing the executed notebook once, when the run ends, instead of at
    the start and end of every cell.

    Each of those writes serialises and schema-validates the whole notebook: some 60 a page, the build's
    largest cost after the kernels. A run stopped by a timeout or a dead kernel is still written, as far
    as it got (papermill itself writes a run that ends normally or on a failing cell).
    """

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, **kwargs):
        try:
            return super().execute_notebook(nb, kernel_name, output_path=None, **kwargs)
        except BaseException:
            if output_path:
                write_ipynb(nb, output_path)
            raise

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        """papermill's, with the kernel client's channels closed at the end.

        nbclient closes them only when it owns the kernel manager; with the build's reused kernel it left a
        heartbeat thread and its sockets behind after every page, and the build process took about 0.8 s
        to exit while they timed out.
        """
        # The keyword handling of papermill's NBClientEngine.execute_managed_notebook (papermill 2.6), with
        # the closing client.
        kwargs = remove_args(["input_path"], **kwargs)
        timeout = kwargs.pop("execution_timeout", None) or kwargs.get("timeout")
        own = {name: kwargs.pop(name, None) for name in ("log_output", "stdout_file", "stderr_file")}
        start_timeout = kwargs.pop("start_timeout", 60)
        final = merge_kwargs(
            remove_args(["timeout", "startup_timeout"], **kwargs),
            timeout=timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=bool(own["log_output"]),
            stdout_file=own["stdout_file"],
            stderr_file=own["stderr_file"],
        )
        return _ClosingClient(nb_man, **final).execute()


class _ClosingClient(PapermillNotebookClient):
    """papermill's notebook client, stopping its kernel client's channels when the run ends."""

    @contextlib.contextmanager
    def setup_kernel(self, **kwargs):
        with super().setup_kernel(**kwargs):
            try:
                yield
            finally:
                if getattr(self, "kc", None) is not None:
                    self.kc.stop_channels()


ENGINE = "dprk-report"
papermill_engines.register(ENGINE, RecordAtEndEngine)


#: The opening tag of a markdown cell's text or of an output area, as nbconvert's lab template writes them.
FOCUSABLE = re.compile(
    r'<div\b([^>]*?)(?<![\w-])class="([^"]*(?<![\w-])(?:jp-Cell-inputWrapper|jp-OutputArea-output)(?![\w-])[^"]*)"'
)


class PageExporter(HTMLExporter):
    """nbconvert's HTML exporter without its last pass, which parses the whole page with BeautifulSoup to make
    each text and output area focusable (so that a keyboard can scroll a wide table) and to give images without alt text
    a placeholder one.

    That parse was most of the export's time: the pages carry their charts inline. They get their ``tabindex``
    here, from the template's own tags; the pages have no ``img`` (charts are inline SVG with
    their own accessible names), and the browser test checks that none lacks alt text.
    """

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


#: What every page imports and loads first, run in a warming kernel: the modules, and the dataset (kept by
#: ``load_dataset`` for the data version the build took), stay loaded through the ``%reset`` before each page.
#: It deletes the names it made, so that the first page needs no clearing.
PRELOAD = """
import dprk_report.analysis.cadence, dprk_report.analysis.consistency, dprk_report.analysis.coverage
import dprk_report.analysis.lineage, dprk_report.report.charts, dprk_report.report.display
from dprk_report.data.dataset import load_dataset
load_dataset()
del dprk_report, load_dataset
"""


class PageFailed(Exception):
    """A page could not be built; the message names the notebook, parameter set and cause."""


class PageRunner:
    """Builds pages one after another in one reused kernel; a runner belongs to one thread."""

    def __init__(self, staging: Path, cell_timeout: int, failed_dir: Path, kernel: ReusedKernel | None = None):
        self.staging, self.cell_timeout, self.failed_dir = staging, cell_timeout, failed_dir
        self.kernel = kernel or ReusedKernel()
        self.exporter = PageExporter(
            template_name="dprk-report",
            extra_template_basedirs=[str(TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        # Cells tagged for maintainers (what the notebook reads and writes, its parameters, lint-style
        # lines) stay in the executed notebook and never reach the reader's page.
        self.exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={MAINTAINER_TAG}), enabled=True)

    def warm_up(self, preload: bool) -> None:
        """Start the kernel and, with ``preload``, load into it what every page imports and the dataset.

        Preload only when the build validates nothing: the validation process and two loaded kernels at
        once would take the build's peak memory beyond its budget.
        """
        self.kernel.start()
        if preload:
            self.kernel.run(PRELOAD, leaves_names=False)

    def close(self) -> None:
        self.kernel.close()

    def build(self, page: Page) -> dict:
        """Build ``page`` and return its manifest entry (outputs with their sha256)."""
        started = time.monotonic()
        self.kernel.reset()
        record = self.staging / page.record
        record.parent.mkdir(parents=True, exist_ok=True)
        for old in self.staging.glob(page.figure_prefix + "*"):
            old.unlink()
        notebook = self._execute(page, record)
        self.kernel.begin_reset()  # for the next page, while this one is written
        normalise_record(notebook, f"notebooks/{page.source.name}", page.record)
        nbformat.write(notebook, record)
        (self.staging / page.html).write_text(self._html(notebook, page), encoding="utf-8")
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

    def _execute(self, page: Page, record: Path) -> nbformat.NotebookNode:
        """Run ``page`` into ``record`` and return the executed notebook."""
        try:
            return papermill.execute_notebook(
                page.source,
                record,
                parameters=page.parameters,
                kernel_name=KERNEL_NAME,
                engine_name=ENGINE,
                cwd=str(paths.NOTEBOOKS_DIR),
                progress_bar=False,
                log_output=False,
                execution_timeout=self.cell_timeout,
                start_timeout=120,
                km=self.kernel.manager(),
            )
        except papermill.PapermillExecutionError as error:
            self.close()  # the next page gets a fresh kernel
            raise PageFailed(
                f"notebook {page.notebook}, parameter set '{page.variant}': cell {error.cell_index} "
                f"(execution count {error.exec_count}) raised {error.ename}: {error.evalue}; "
                f"executed notebook kept at {self._keep_failed(page, record)}"
            ) from None
        except Exception as error:  # a timeout, a dead kernel: anything else that stops the run
            self.close()  # the kernel may still be busy with the cell that timed out
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            cell = _mark_unfinished_cell(record, f"{type(error).__name__}: {first_line}")
            where = f"cell {cell}: " if cell is not None else ""
            raise PageFailed(
                f"notebook {page.notebook}, parameter set '{page.variant}': {where}{type(error).__name__}: "
                f"{first_line}; executed notebook kept at {self._keep_failed(page, record)}"
            ) from None

    def _keep_failed(self, page: Page, record: Path) -> str:
        target = self.failed_dir / page.variant / f"{page.notebook}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if record.is_file():
            shutil.copyfile(record, target)
            return paths.shown(target)
        return f"(none: the notebook did not start; would be {paths.shown(target)})"

    def _html(self, notebook, page: Page) -> str:
        notebook.metadata["dprk_report"] = {
            "variant_title": page.variant_title,
            "record": Path(page.record).name,
            "previous": {"href": f"{page.previous[0]}.html", "title": page.previous[1]} if page.previous else None,
            "next": {"href": f"{page.next[0]}.html", "title": page.next[1]} if page.next else None,
        }
        notebook.metadata["title"] = page_title(notebook)
        body, _ = self.exporter.from_notebook_node(notebook)
        return body


def _mark_unfinished_cell(record: Path, reason: str) -> int | None:
    """The index of the cell that was running when the run stopped, marked failed (with ``reason`` as its
    output) in the kept notebook; ``None`` when it cannot be told.

    papermill marks every cell "completed" when a run stops on a timeout; the cell that stopped it is the
    last one that started, when a code cell after it never did.
    """
    if not record.is_file():
        return None
    notebook = nbformat.read(record, as_version=4)
    code = [(index, cell) for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    started = [(index, cell) for index, cell in code if cell.metadata.get("papermill", {}).get("start_time")]
    if not started or started[-1][0] == code[-1][0]:
        return None
    index, cell = started[-1]
    cell.metadata["papermill"].update(status="failed", exception=True)
    cell.outputs = [
        *cell.get("outputs", []),
        nbformat.v4.new_output("error", ename="Stopped", evalue=reason, traceback=[reason]),
    ]
    nbformat.write(notebook, record)
    return index


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
