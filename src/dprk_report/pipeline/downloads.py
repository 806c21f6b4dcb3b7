"""The dataset as downloads beside the index (``report/data/``): the four tables, the codebook and the data
package that describes them (``datapackage.json``, see ``data.package``).

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
from dprk_report.data.releases import Release
from dprk_report.data.tables import TABLES, TableRows, read_all_rows, write_rows
from dprk_report.text.quotes import spreadsheet_safe_record

#: Where the downloads go, relative to the output root.
FOLDER = "report/data"
CODEBOOK = f"{FOLDER}/codebook.md"
DATAPACKAGE = f"{FOLDER}/datapackage.json"


def table_download(table: str) -> str:
    return f"{FOLDER}/{table}.csv"


def write_downloads(
    data_dir: Path, out: Path, title: str, release: Release | None, rows_by_table: TableRows | None = None
) -> list[str]:
    """Write the downloads under the output root ``out``; return their names (relative to ``out``).

    ``release`` is the release these tables are (``None`` for data not released as they are); ``rows_by_table``,
    the tables as the caller has read them already (``tables.read_all_rows``), else they are read here."""
    (out / FOLDER).mkdir(parents=True, exist_ok=True)
    rows_by_table = rows_by_table or read_all_rows(data_dir)
    written, headers = [], {}
    for table in TABLES:
        header, rows = rows_by_table[table]
        write_rows(out / table_download(table), header, rows, each_record=spreadsheet_safe_record)
        written.append(table_download(table))
        headers[table] = header
    shutil.copyfile(paths.codebook(data_dir), out / CODEBOOK)
    codebook = paths.codebook(data_dir).read_text(encoding="utf-8")
    package = descriptor(headers, codebook, title, *((release.name, release.date) if release else ()))
    (out / DATAPACKAGE).write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return written + [CODEBOOK, DATAPACKAGE]
