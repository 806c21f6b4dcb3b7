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
import os
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
import papermill
from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.iorw import write_ipynb
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

from dprk_report import paths
from dprk_report.data.version import file_hash
from dprk_report.pipeline.config import Page
from dprk_report.pipeline.kernel import KERNEL_NAME
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


class PageFailed(Exception):
    """A page could not be built; the message names the notebook, parameter set and cause."""


class ReusedKernel:
    """One project kernel that runs notebook after notebook: its namespace is cleared before each
    (``%reset``), while the modules it imported stay loaded, so only the first notebook pays for
    starting it and importing pandas and matplotlib. Pass ``manager()`` to papermill as ``km``.

    The kernel manager is asynchronous because papermill's client is: its cell
    timeout only fires while the client's event loop can run.
    """

    def __init__(self):
        self.kernel: AsyncKernelManager | None = None
        self.sockets: str | None = None

    def manager(self) -> AsyncKernelManager:
        """The running kernel's manager, started first when there is none or it died."""
        if self.kernel is None or not run_sync(self.kernel.is_alive)():
            self.close()
            # Sockets in a folder of its own rather than TCP ports: a port is picked free, released, then
            # bound by the kernel seconds later, and on a busy machine running many kernels another socket
            # can take it in between, so that the kernel dies at start.
            self.sockets = tempfile.mkdtemp(prefix="dprk-report-kernel-")
            # The kernel inherits this process's environment (for the build: figures go to staging, data
            # trusted once validated).
            self.kernel = AsyncKernelManager(
                kernel_name=KERNEL_NAME, transport="ipc", ip=os.path.join(self.sockets, "kernel")
            )
            run_sync(self.kernel.start_kernel)(cwd=str(paths.NOTEBOOKS_DIR))
        return self.kernel

    def reset(self) -> None:
        """Clear the namespace, so that no variable survives from the previous notebook."""
        client = self.manager().blocking_client()
        # No heartbeat channel: the client asks the manager whether the kernel lives, and stopping a
        # heartbeat channel after each page cost about a second.
        client.start_channels(hb=False)
        try:
            client.wait_for_ready(timeout=120)
            reply = client.execute_interactive("%reset -f", timeout=120, output_hook=lambda message: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"kernel set-up failed: {reply['content'].get('evalue', '')}")
        finally:
            client.stop_channels()

    def close(self) -> None:
        if self.kernel is not None:
            run_sync(self.kernel.shutdown_kernel)(now=True)
            self.kernel = None
        if self.sockets is not None:
            shutil.rmtree(self.sockets, ignore_errors=True)
            self.sockets = None


class PageRunner:
    """Builds pages one after another in one reused kernel; a runner belongs to one thread."""

    def __init__(self, staging: Path, cell_timeout: int, failed_dir: Path):
        self.staging, self.cell_timeout, self.failed_dir = staging, cell_timeout, failed_dir
        self.kernel = ReusedKernel()
        self.exporter = HTMLExporter(
            template_name="dprk-report",
            extra_template_basedirs=[str(TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        # Cells tagged for maintainers (what the notebook reads and writes, its parameters, lint-style
        # lines) stay in the executed notebook and never reach the reader's page.
        self.exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={MAINTAINER_TAG}), enabled=True)

    def warm_up(self) -> None:
        """Start the kernel (while the build validates the data); imports come with the first page.

        Loading pandas and matplotlib into the kernels now would overlap with the
        validation process and raise the build's peak memory beyond its budget.
        """
        self.kernel.manager()

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
