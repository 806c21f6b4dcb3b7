"""Build pages in the staging area: execute each notebook, then hand it to ``render`` (record, HTML, thumbnail).

A :class:`PageRunner` uses one kernel and builds pages one after another in
it, clearing the namespace between notebooks (``%reset``, and what else a
notebook may change: ``kernel_state``) so that imported modules stay loaded
while nothing survives from the previous notebook.
The build runs one runner per core, each in its own thread of the build
process: papermill and nbconvert are then loaded once, and only the kernels
are separate processes. The heavy imports happen here, never on the planning path.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
import papermill
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.iorw import write_ipynb
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

from dprk_report import paths
from dprk_report.pipeline.config import Page
from dprk_report.pipeline.kernel import KERNEL_NAME, ReusedKernel
from dprk_report.pipeline.render import PageFailed, PageWriter


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


#: Calls a function of the package in the kernel and writes what it returns, as JSON, to a file (see
#: ``kernel_jobs``, ``PageRunner.call``). It deletes the names it made. The package modules it loads are the
#: package's own, as loaded, not a change a page made: charts kept by earlier builds are still shown
#: (``report.kept_charts``).
CALL = """
def _call(out):
    import contextlib, importlib, json, sys
    kept_charts = sys.modules.get("dprk_report.report.kept_charts")  # else not remembered yet: it will be
    with kept_charts.loading_remembered() if kept_charts is not None else contextlib.nullcontext():
        function = getattr(importlib.import_module({module!r}), {name!r})
        with open(out, "w", encoding="utf-8") as file:
            json.dump(function(*{arguments!r}), file)
_call({out!r})
del _call
"""


class PageRunner:
    """Builds pages one after another in one reused kernel; a runner belongs to one thread."""

    def __init__(self, staging: Path, cell_timeout: int, failed_dir: Path, kernel: ReusedKernel | None = None):
        self.staging, self.cell_timeout, self.failed_dir = staging, cell_timeout, failed_dir
        self.kernel = kernel or ReusedKernel()
        self.writer = PageWriter(staging)

    def warm_up(self) -> None:
        """Start the kernel and load into it what every page imports, and the dataset."""
        self.kernel.start()
        self.kernel.load()

    def call(self, function, *arguments):
        """``function(*arguments)`` run in this runner's kernel (started first if needed); returns what it
        returned. ``function`` is a module-level function of the package taking and returning plain values
        (strings, numbers, lists), as in ``kernel_jobs``."""
        with tempfile.TemporaryDirectory(prefix="dprk-report-call-") as folder:
            out = Path(folder) / "result.json"
            code = CALL.format(module=function.__module__, name=function.__name__, arguments=arguments, out=str(out))
            task = f"{function.__name__} (in a kernel)"
            self.kernel.run(code, timeout=self.cell_timeout, leaves_names=False, task=task)
            return json.loads(out.read_text(encoding="utf-8"))

    def close(self) -> None:
        self.kernel.close()

    def stop(self) -> None:
        """Kill the kernel now, from any thread (the build was interrupted): the page it runs ends within a
        second, unrecorded."""
        self.kernel.stop()

    def build(self, page: Page) -> dict:
        """Build ``page`` and return its manifest entry (outputs with their sha256)."""
        started = time.monotonic()
        self.kernel.reset()
        # A kernel that only validated the data, or was started again after a failure. If loading fails, the
        # page runs all the same, in a fresh kernel: its own cells then say which import or load fails.
        with contextlib.suppress(RuntimeError):
            self.kernel.load()
        record = self.staging / page.record
        record.parent.mkdir(parents=True, exist_ok=True)
        for old in self.staging.glob(page.figure_prefix + "*"):
            old.unlink()
        notebook = self._execute(page, record)
        self.kernel.begin_reset()  # for the next page, while this one is written
        return self.writer.write(page, notebook, started)

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
        except Exception as error:
            if self.kernel.interrupted:  # killed by stop(): nothing failed, so no failed notebook is kept
                raise PageFailed(f"notebook {page.notebook}, parameter set '{page.variant}': interrupted") from None
            self.close()  # the next page gets a fresh kernel (this one may still be busy with a cell that timed out)
            raise PageFailed(
                f"notebook {page.notebook}, parameter set '{page.variant}': {_why(error, record)}; "
                f"executed notebook kept at {self._keep_failed(page, record)}"
            ) from None

    def _keep_failed(self, page: Page, record: Path) -> str:
        target = self.failed_dir / page.variant / f"{page.notebook}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if record.is_file():
            shutil.copyfile(record, target)
            return paths.shown(target)
        return f"(none: the notebook did not start; would be {paths.shown(target)})"


def _why(error: Exception, record: Path) -> str:
    """What stopped the run: the failing cell (papermill's error), else the cell that was running when a
    timeout or a dead kernel stopped it (marked in the kept notebook)."""
    if isinstance(error, papermill.PapermillExecutionError):
        return f"cell {error.cell_index} (execution count {error.exec_count}) raised {error.ename}: {error.evalue}"
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    cell = _mark_unfinished_cell(record, f"{type(error).__name__}: {first_line}")
    where = f"cell {cell}: " if cell is not None else ""
    return f"{where}{type(error).__name__}: {first_line}"


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
