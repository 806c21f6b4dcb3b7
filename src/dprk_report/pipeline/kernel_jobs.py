"""What the build has a kernel do besides running pages: validate the data and prepare the parts of the
index that depend on them. In a kernel, pandas and the dataset are loaded already (the pages need them) and
the build process stays free of both; each function takes and returns plain values (``PageRunner.call``
passes them as JSON). A build that runs no page and has nothing to validate prepares the index itself, with
the same function.
"""

from __future__ import annotations

from pathlib import Path

from dprk_report import paths


def validation_problems() -> dict:
    """Every problem the validation of the current data finds (none: valid), as text, and the data version of
    exactly what it read (the build remembers it as valid, and publishes, only when that is the version it
    took)."""
    from dprk_report.data.dataset import validate_for_loading

    report, version = validate_for_loading()  # valid tables stay for this kernel's pages
    return {"problems": [str(problem) for problem in report.problems], "data_version": version}


def index_parts(config_path: str, data_version: str, staging: str) -> list:
    """Everything the index shows but its list of pages, and the files beside it that depend on the data
    (the downloads with the data package, the changelog page), written under ``staging``.

    Returns the index's HTML before and after its list of pages, and the names of those files.
    """
    from dprk_report.data.dataset import changed_while_building
    from dprk_report.data.releases import read_releases, release_of
    from dprk_report.data.tables import read_all_bytes, rows_of
    from dprk_report.data.version import data_version as version_of
    from dprk_report.pipeline.changelog import PAGE as CHANGELOG_PAGE
    from dprk_report.pipeline.changelog import render_changelog
    from dprk_report.pipeline.config import load_config
    from dprk_report.pipeline.downloads import write_downloads
    from dprk_report.pipeline.index import prepare_index

    config, data_dir, out = load_config(Path(config_path)), paths.data_dir(), Path(staging)
    release = release_of(read_releases(data_dir), data_version)
    contents, read = read_all_bytes(data_dir)  # read once for the downloads and the index
    if version_of(data_dir, None, read) != data_version:  # they are published: only the version the build took
        raise changed_while_building(data_dir)
    downloads = write_downloads(data_dir, out, config.title, release, contents)
    sources = rows_of(contents["sources"])[1]
    del contents  # the tables' bytes, some 9 MB at 100 times today's data, while the index is made
    (out / CHANGELOG_PAGE).write_text(render_changelog(data_dir, config.title), encoding="utf-8")
    index = prepare_index(config, data_version, data_dir, downloads.row_counts, sources)
    return [list(index), [CHANGELOG_PAGE, *downloads.files]]
