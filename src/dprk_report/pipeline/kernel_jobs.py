"""What the build has a kernel do besides running pages: validate the data and prepare the parts of the
index that depend on them (the files beside it are written by the build's own process meanwhile). In a kernel,
pandas and the dataset are loaded already (the pages need them) and the build process stays free of both; each
function takes and returns plain values (``PageRunner.call`` passes them as JSON). A build that runs no page
and has nothing to validate prepares the index itself, with the same function.
"""

from __future__ import annotations

from pathlib import Path


def validation_problems() -> dict:
    """Every problem the validation of the current data finds (none: valid), as text, and the data version of
    exactly what it read (the build remembers it as valid, and publishes, only when that is the version it
    took)."""
    from dprk_report.data.dataset import validate_for_loading

    report, version = validate_for_loading()  # valid tables stay for this kernel's pages
    return {"problems": [str(problem) for problem in report.problems], "data_version": version}


def index_parts(config_path: str, data_version: str) -> list:
    """Everything the index shows but its list of pages, for the data version the build took: the index's HTML
    before and after that list (``index.prepare_index``, from the dataset the kernel's pages loaded). The files
    beside the index are written meanwhile by the build's own process (``downloads.write_beside_index``), which
    needs no pandas for them.

    Then it keeps the tables as read for the next build's kernels (``dataset.keep_for_next_load``). In a kernel,
    as its last job, while the build's process writes those files, that takes none of the time the build waits
    for (at 100 times today's data, 0.06 s, while the files took 0.4 s); a kernel's first load would have kept
    them while the build waited for its pages. (A build that runs no page makes the index in its own process, in
    turn with the files: it keeps the tables too, after the same 0.06 s.)"""
    from dprk_report.data.dataset import keep_for_next_load
    from dprk_report.pipeline.config import load_config
    from dprk_report.pipeline.index import prepare_index

    parts = list(prepare_index(load_config(Path(config_path)), data_version))
    keep_for_next_load(data_version)
    return parts
