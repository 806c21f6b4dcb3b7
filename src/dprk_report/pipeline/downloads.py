"""The dataset as downloads beside the index (``report/data/``): the four tables, the codebook and the data
package that describes them (``datapackage.json``, see ``data.package``); with the changelog page, the files
beside the index that depend on the data.

The exported tables are safe to open in a spreadsheet: a cell that a spreadsheet would run as a formula
(it begins with ``=``, ``+``, ``-`` or ``@``) gets a leading apostrophe. The curated tables in ``data/``
stay as written.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from dprk_report import paths
from dprk_report.data.package import descriptor
from dprk_report.data.releases import Release, read_releases, release_of
from dprk_report.data.tables import TABLES, read_all_bytes, read_as_taken, records_of, write_records
from dprk_report.pipeline.changelog import PAGE as CHANGELOG_PAGE
from dprk_report.pipeline.changelog import render_changelog
from dprk_report.pipeline.config import ReportConfig
from dprk_report.text.quotes import may_start_a_formula, spreadsheet_safe_record

#: Where the downloads go, relative to the output root.
FOLDER = "report/data"
CODEBOOK = f"{FOLDER}/codebook.md"
DATAPACKAGE = f"{FOLDER}/datapackage.json"


def table_download(table: str) -> str:
    return f"{FOLDER}/{table}.csv"


def write_beside_index(config: ReportConfig, data_version: str, out: Path) -> list[str]:
    """The files beside the index that depend on the data, written under the output root ``out`` from the data
    version the build took (``tables.read_as_taken``): the downloads with the data package, and the changelog
    page. Returns their names.

    The build writes them in its own process (they need no pandas) while a kernel prepares the index's other
    parts (``kernel_jobs.index_parts``): at 100 times today's data the downloads were 0.24 s of the 0.6 s those
    took in one kernel, often after the last page had ended."""
    data_dir = paths.data_dir()
    release = release_of(read_releases(data_dir), data_version)
    downloads = write_downloads(data_dir, out, config.title, release, read_as_taken(data_dir, data_version))
    (out / CHANGELOG_PAGE).write_text(render_changelog(data_dir, config.title), encoding="utf-8")
    return [CHANGELOG_PAGE, *downloads]


def write_downloads(
    data_dir: Path, out: Path, title: str, release: Release | None, contents: dict[str, bytes] | None = None
) -> list[str]:
    """Write the downloads under the output root ``out``; returns their names (relative to ``out``).

    ``release`` is the release these tables are (``None`` for data not released as they are); ``contents``,
    each table's bytes as the caller has read them already (``tables.read_as_taken``), else they are read
    here. Each table is written record by record as it is parsed, none held whole."""
    (out / FOLDER).mkdir(parents=True, exist_ok=True)
    contents = contents or read_all_bytes(data_dir)[0]
    written, headers = [], {}
    for table in TABLES:
        header, records = records_of(contents[table])
        if may_start_a_formula(contents[table]):  # else no cell needs it: 0.07 s at 100 times today's data
            records = map(spreadsheet_safe_record, records)
        write_records(out / table_download(table), header, records)
        written.append(table_download(table))
        headers[table] = header
    shutil.copyfile(paths.codebook(data_dir), out / CODEBOOK)
    codebook = paths.codebook(data_dir).read_text(encoding="utf-8")
    package = descriptor(headers, codebook, title, *((release.name, release.date) if release else ()))
    (out / DATAPACKAGE).write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return [*written, CODEBOOK, DATAPACKAGE]
