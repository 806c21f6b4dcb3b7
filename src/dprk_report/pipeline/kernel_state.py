"""What a page kernel holds from one notebook to the next: the stack and the dataset, loaded once
(:data:`PRELOAD`), and the process's state as it was then, put back before each notebook (:data:`RESET`).

A kernel runs notebook after notebook (``kernel.ReusedKernel``), and with ``watch`` build after build.
``%reset`` clears only the notebook's names. Without the rest, a notebook that set a matplotlib or pandas
option, a warnings filter, the working folder, ``sys.path`` or an environment variable would change the pages
run after it, which a page run in a fresh kernel would not show: the report would depend on the order pages
ran in. Not put back: module attributes and caches (the package keeps none that pages change: only
``load_dataset``'s, keyed by data version, the data version's article hashes, and memos of functions whose
results never change, such as ``text.dates.parse_partial_date``'s), NumPy's print options and random state,
logging set-up; the notebooks change none of them. A page that changed the package's attributes would also stop
the kernel from showing charts kept by earlier builds (``report.kept_charts``, which remembers the package as
:func:`save` leaves it).

:func:`save` and :func:`restore` run inside the kernel.
"""

from __future__ import annotations

import gc
import os
import sys
import warnings

from dprk_report import paths

#: Environment variables the build sets for each build (``kernel.ReusedKernel.use_environment``): never restored.
BUILD_VARIABLES = (paths.OUTPUT_ENV, paths.TRUSTED_ENV, paths.KEPT_CHARTS_ENV)

#: Sets the kernel's allocator to hand large freed blocks back (``allocator``), as the build's own process is
#: (``cli.main``): first in :data:`STACK_IMPORTS` (and so in :data:`PRELOAD`), before the stack and the dataset are
#: loaded.
ALLOCATOR_SETUP = """
import dprk_report.pipeline.allocator
dprk_report.pipeline.allocator.return_large_blocks()
del dprk_report
"""
#: The modules every page imports that do not depend on the build (its variables, its kept charts): sent to a
#: kernel as soon as it is launched (``kernel.ReusedKernel.begin_imports``), so that it imports them while the
#: build process plans and imports the page machinery, instead of waiting for it. Deletes the names it made.
STACK_IMPORTS = (
    ALLOCATOR_SETUP
    + """
import dprk_report.analysis.cadence, dprk_report.analysis.consistency, dprk_report.analysis.coverage
import dprk_report.analysis.lineage, dprk_report.analysis.selection, dprk_report.report.charts
import dprk_report.report.display, dprk_report.report.findings, dprk_report.report.parameters
del dprk_report
"""
)
#: What every page imports and loads first, run once in each kernel before its first page: the modules, and the
#: dataset (kept by ``load_dataset`` for the data version the build took), stay loaded through the reset
#: before each page; then the process's state is saved. It deletes the names it made, so that the first page
#: needs no clearing.
PRELOAD = (
    STACK_IMPORTS
    + """
import dprk_report.pipeline.kernel_state
dprk_report.pipeline.kernel_state.load_drawing_unless_kept()
dprk_report.pipeline.kernel_state.freeze_loaded_stack()
from dprk_report.data.dataset import load_dataset
load_dataset()
dprk_report.pipeline.kernel_state.save()
del dprk_report, load_dataset
"""
)

#: Clears the last notebook's names, then puts back what else it may have changed in the process.
RESET = "%reset -f\n__import__('dprk_report.pipeline.kernel_state', fromlist=['restore']).restore()"

_saved: dict | None = None


def load_drawing_unless_kept() -> None:
    """Load matplotlib's drawing stack with the rest (so that it is left out of the garbage collector's scans:
    :func:`freeze_loaded_stack`), unless the build's folder of kept charts holds some: its pages then likely draw
    none (``report.charts`` loads the stack when a chart is first drawn), and a kernel that loads it is ready
    0.4 s later. Loaded later, the stack is scanned at each page's clearing: cold builds took 14% longer."""
    from dprk_report.report import kept_charts

    folder = kept_charts.folder()
    if folder is None or not any(folder.glob("*.json")):
        kept_charts.import_module("dprk_report.report.drawing")
        kept_charts.import_module("dprk_report.report.saving")


def freeze_loaded_stack() -> None:
    """Leave every object alive now (the kernel and the stack it imported, there for the kernel's life) out of
    the garbage collector's scans.

    ``%reset`` collects garbage twice before each page; with the stack scanned each time, a collection took
    0.08 to 0.11 s, about 0.01 s without it, for the same garbage freed. Called before the dataset is loaded:
    a dataset refers to itself (``Dataset.origin``), so only a scan frees it once a new data version
    replaces it (``watch``)."""
    gc.freeze()


def save() -> None:
    """Remember the process's state now (once: later calls keep the first)."""
    global _saved
    if _saved is None:
        _saved = {
            "cwd": os.getcwd(),
            "path": list(sys.path),
            "environ": {k: v for k, v in os.environ.items() if k not in BUILD_VARIABLES},
            "warnings": list(warnings.filters),
            "matplotlib": _matplotlib_options(),
            "pandas": _pandas_options(),
        }
        # Last: the package as the pages find it, this module's state included. (Imported here: the build's own
        # process, which imports this module for PRELOAD, never loads the charts' stack.)
        from dprk_report.report import kept_charts

        kept_charts.remember_package()


def restore() -> None:
    """Put the state saved by :func:`save` back (nothing when none was saved)."""
    if _saved is None:
        return
    os.chdir(_saved["cwd"])
    sys.path[:] = _saved["path"]
    for name in [k for k in os.environ if k not in _saved["environ"] and k not in BUILD_VARIABLES]:
        del os.environ[name]
    os.environ.update(_saved["environ"])
    warnings.filters[:] = _saved["warnings"]
    warnings._filters_mutated()  # what warnings.simplefilter calls: "once" warnings are shown again
    _restore_matplotlib(_saved["matplotlib"])
    _restore_pandas(_saved["pandas"])


def _matplotlib_options() -> dict | None:
    if "matplotlib" not in sys.modules:
        return None
    import matplotlib

    # Read as a dict: reading the backend through rcParams would choose one, and load pyplot to do it (0.25 s
    # that a kernel whose pages draw no chart does not need: ``report.charts``).
    return dict(dict.items(matplotlib.rcParams))


def _restore_matplotlib(options: dict | None) -> None:
    if options is None or "matplotlib" not in sys.modules:
        return
    import matplotlib

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")  # figures a failed notebook left open
    # As matplotlib's own rc_context restores them (the backend stays as it is).
    dict.update(matplotlib.rcParams, {k: v for k, v in options.items() if k != "backend"})


def _pandas_options() -> dict | None:
    if "pandas" not in sys.modules:
        return None
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading a deprecated option warns
        return {key: pd.get_option(key) for key in _option_keys(pd.options)}


def _restore_pandas(options: dict | None) -> None:
    if options is None or "pandas" not in sys.modules:
        return
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, value in options.items():
            if pd.get_option(key) != value:
                pd.set_option(key, value)


def _option_keys(options, prefix: str = "") -> list[str]:
    """Every option's full name, walking pandas' ``pd.options`` tree."""
    keys = []
    for name in dir(options):
        value = getattr(options, name)
        if type(value) is type(options):
            keys += _option_keys(value, f"{prefix}{name}.")
        else:
            keys.append(prefix + name)
    return keys
