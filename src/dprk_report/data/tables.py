"""The only reader and writer of the four tables: string frames indexed by line number, rows as dicts,
and an all-or-nothing replacement of several tables.

Read the dataset's CSV files into string frames indexed by line number.

Problems must name the line a curator sees in an editor. A quoted cell may span
several lines, so the line of each record is taken from the CSV reader itself
rather than computed from the row position.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import math
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dprk_report import paths
from dprk_report.data.errors import changed_while_building
from dprk_report.data.version import FileRead, data_version

if TYPE_CHECKING:  # imported where frames are made: the build reads rows and must not pay for pandas
    import pandas as pd

#: The four tables, in the order problems are reported.
TABLES = ("sources", "statements", "estimates", "citations")
#: Each table's id column (the first of its columns in ``columns``).
ID_COLUMNS = {
    "sources": "source_id",
    "statements": "statement_id",
    "estimates": "estimate_id",
    "citations": "citation_id",
}


def table_path(data_dir: Path, table: str) -> Path:
    """Where ``table`` lives inside the data directory."""
    return Path(data_dir) / f"{table}.csv"


def table_names(data_dir: Path) -> dict[str, str]:
    """Each table's file as findings name it: ``data/NAME.csv`` for the project's own, else the full path."""
    return {table: paths.shown(table_path(data_dir, table)) for table in TABLES}


@dataclass
class RawTable:
    """A table as text: every cell a string, empty cells missing, index = line number.

    ``frame`` is ``None`` when the file could not be read at all; ``problems`` holds
    ``(line, message)`` pairs for what was wrong with the file's structure; ``read`` is what the data version
    needs of the bytes read (``version.FileRead``), for the version of exactly what was read.
    """

    frame: pd.DataFrame | None
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    read: FileRead = field(default=FileRead(None), repr=False)


def read_table(path: Path) -> RawTable:
    """Read one CSV file (UTF-8 with or without BOM, CRLF or LF line ends)."""
    return parse_table(*read_table_file(path))


def read_table_file(path: Path) -> tuple[bytes | None, FileRead]:
    """A table file's bytes (``None``: it is not a file), and what the data version needs of them: read once,
    to be parsed and hashed as parsed (``parse_table``)."""
    if not path.is_file():
        return None, FileRead(None)
    data = path.read_bytes()
    return data, FileRead.of(path.name, data)


def parse_table(data: bytes | None, read: FileRead) -> RawTable:
    """The table of a file's bytes as ``read_table_file`` read them."""
    if data is None:
        return RawTable(None, [(None, "file not found")])
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        table = _table_from_records(csv.reader(io.StringIO(data[bom:].decode("utf-8"), newline="")))
    except UnicodeDecodeError as error:
        return RawTable(None, [(None, f"not valid UTF-8 ({error.reason} at byte {bom + error.start})")], read)
    except csv.Error as error:
        return RawTable(None, [(None, f"not readable as CSV ({error})")], read)
    table.read = read
    return table


def reads_by_file(reads: dict[str, FileRead]) -> dict[str, FileRead]:
    """What each table was read as (by table name), by file name, for ``version.data_version``."""
    return {table_path(Path(), table).name: read for table, read in reads.items()}


def _table_from_records(reader) -> RawTable:
    """The table of a ``csv.reader``'s records: the first non-blank one the header, each later non-blank one a
    row indexed by the line it starts on.

    Each record's cells are made the table's shared values (``_shared_texts``) and put on their columns as it
    is read, not once the whole file is: the copies of a repeated text are freed at once, and no list per row
    is kept, so the memory in use while reading is little more than the table's. A process keeps the most it
    ever used: at 100 times today's data, a kernel's memory after loading the dataset is 35 MB above what it
    had, against 46 MB with a list per row turned into columns once the whole file was read.
    """
    header: list[str] | None = None
    columns: list[list] = []
    lines: list[int] = []
    problems: list[tuple[int | None, str]] = []
    shared = _shared_texts(empty=math.nan).setdefault  # pandas' missing string, so the frame needs no second pass
    next_line = 1
    for cells in reader:
        if cells:
            if header is None:
                header, columns = cells, [[] for _ in cells]
            else:
                if len(cells) != len(header):
                    problems.append((next_line, f"has {len(cells)} fields but the header has {len(header)}"))
                    cells = (cells + [""] * len(header))[: len(header)]
                # Each cell onto its column, all in C (a deque of no length consumes the map).
                deque(map(list.append, columns, map(shared, cells, cells)), maxlen=0)
                lines.append(next_line)
        next_line = reader.line_num + 1
    if header is None:
        return RawTable(None, [(None, "file is empty (no header row)")])
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:  # checked once the whole file is read: a file that is also not readable as CSV says that instead
        return RawTable(None, [(1, f"column {name!r} appears more than once in the header") for name in repeated])
    if not lines:
        # Every table of the dataset has rows; an empty one is a file cut short or overwritten.
        problems.append((None, "has a header but no rows"))
    return RawTable(string_frame(dict(zip(header, columns)), lines), problems)


def string_frame(columns: dict, lines) -> pd.DataFrame:
    """A table as read: its columns (each a sequence of texts, empty cells ``NaN``) as pandas strings, indexed
    by the line each row starts on."""
    import pandas as pd

    return pd.DataFrame(columns, index=pd.Index(lines, name="line", dtype="int64"), dtype=str)


def _shared_texts(empty: object = None) -> dict[str, object]:
    """For one reading of a table: each cell text's value, by ``setdefault(text, text)``: ``empty`` for an empty
    cell, and one string object for all the cells of the same text.

    Why: ids, vocabulary terms and dates repeat thousands of times in a table (a source id in every citation
    of it). One object each holds the tables in less memory (at 100 times today's data, 12 MB less in every
    kernel) and makes what hashes or compares them (categoricals, lookups) cheaper: a string keeps its hash,
    and an object equals itself at once. A dict's own ``setdefault``, mapped over a record's cells, does it
    without a Python call per cell.
    """
    return {"": empty}


def frame_records(frame: pd.DataFrame, empty=None) -> list[tuple[int, dict]]:
    """A frame read by ``read_table`` as ``(line, row)`` pairs, its empty cells given as ``empty``.

    Column by column: ``DataFrame.to_dict`` goes cell by cell through pandas' string arrays, seconds at 100
    times today's data.
    """
    columns = {name: column.to_numpy(dtype=object, na_value=empty).tolist() for name, column in frame.items()}
    return [(line, dict(zip(columns, values))) for line, values in zip(frame.index.tolist(), zip(*columns.values()))]


# --- Rows as dicts, for the commands that edit the tables -------------------------------------------

Row = dict[str, str | None]
#: Written in ``data/`` while a change of several tables is being swapped in; see ``replace_tables``.
JOURNAL = ".replacing"


def read_rows(path: Path) -> tuple[list[str], list[Row]]:
    """A CSV file's header and rows; an empty cell is ``None``, as in every other reader of the tables."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        return _header_and_rows(handle)


#: Every table's header and rows, by table name (``read_all_rows``).
TableRows = dict[str, tuple[list[str], list[Row]]]


def read_all_rows(data_dir: Path) -> TableRows:
    """``read_rows`` of every table, by name."""
    return {table: read_rows(table_path(data_dir, table)) for table in TABLES}


def read_all_bytes(data_dir: Path) -> tuple[dict[str, bytes], dict[str, FileRead]]:
    """Every table's bytes, by table name, and what each was read as, by file name (for
    ``version.data_version`` of exactly what was read)."""
    files = {table: table_path(data_dir, table) for table in TABLES}
    contents = {table: path.read_bytes() for table, path in files.items()}
    return contents, {path.name: FileRead.of(path.name, contents[table]) for table, path in files.items()}


def read_as_taken(data_dir: Path, version: str) -> dict[str, bytes]:
    """Every table's bytes, by table name, when they are data version ``version`` (with the articles they
    register), the one a build took; else ``errors.changed_while_building``: what a build publishes beside its
    pages must be of their version."""
    contents, read = read_all_bytes(data_dir)
    if data_version(data_dir, None, read) != version:
        raise changed_while_building(data_dir)
    return contents


def records_of(data: bytes) -> tuple[list[str], Iterator[list[str]]]:
    """A table's header and, one at a time, each later non-blank record's cells under it: a short record
    padded with empty cells, a long one's extra cells left out. What ``write_rows`` writes of ``read_rows``'s
    rows, without a dict per row held for the whole table (at 100 times today's data, some 50 MB)."""
    header, records = header_and_records(_decoded(data))
    width = len(header)
    return header, ((cells + [""] * (width - len(cells)))[:width] for cells in records)


def header_and_records(handle) -> tuple[list[str], Iterator[list[str]]]:
    """A CSV file's header (its first record that is not a blank line, as ``read_table`` takes it) and, one at a
    time, each later record that is not a blank line, as the csv module reads them: what every reading of a
    table as rows or records goes through."""
    records = filter(None, csv.reader(handle))
    return next(records, []), records


def _decoded(data: bytes) -> io.TextIOWrapper:
    # Decoded as it is parsed: the whole text at once would be one more copy of the table (100x: 20 MB).
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")


def parse_rows(text: str) -> tuple[list[str], list[Row]]:
    """``read_rows`` of a table's text (such as an earlier version of it, read from git)."""
    return _header_and_rows(io.StringIO(text.removeprefix("\ufeff"), newline=""))


def _header_and_rows(handle) -> tuple[list[str], list[Row]]:
    """The header (the first record) and each later non-blank record as a dict, as ``csv.DictReader`` gives
    them: a short row's missing cells are ``None``, a long row's extra cells a list under the key ``None``.

    Not ``DictReader`` and then a second dict per row with each cell shared (a Python call per cell): 0.27 s
    for the four tables at 100 times today's data. Here each row's dict is made once, its cells shared by a
    mapped ``setdefault``: 0.16 s."""
    header, records = header_and_records(handle)
    shared = _shared_texts().setdefault
    rows = []
    for cells in records:
        row = dict(zip(header, map(shared, cells, cells)))
        if len(cells) > len(header):
            row[None] = cells[len(header) :]
        else:
            row.update(dict.fromkeys(header[len(cells) :]))
        rows.append(row)
    return header, rows


def write_rows(path: Path, header: list[str], rows: Iterable[Row]) -> None:
    """Write rows under ``header`` (``None`` as an empty cell; keys not in the header, such as a long row's
    extra cells under ``None``, are left out)."""
    write_records(path, header, (list(map(row.get, header)) for row in rows))


def write_records(path: Path, header: list[str], records: Iterable[list[str | None]]) -> None:
    """Write records (each a list of cells in the header's order, ``None`` as an empty cell) under ``header``."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(records)


def next_id(rows: list[Row], column: str, prefix: str, width: int) -> str:
    """The next free id: one more than the highest ``prefix``-number in ``column``."""
    numbers = [
        int(value[len(prefix) :])
        for row in rows
        if (value := row.get(column) or "").startswith(prefix) and value[len(prefix) :].isdigit()
    ]
    return f"{prefix}{(max(numbers) + 1 if numbers else 1):0{width}d}"


def replace_tables(data_dir: Path, new_files: dict[str, Path], between_swaps=None) -> None:
    """Swap several complete table files into ``data_dir`` so that a crash leaves the old or the new dataset.

    Every new file is first copied beside its table (``.NAME.csv.new``) and flushed; then a journal
    naming them is written in one rename; then each is renamed over its table; then the journal goes.
    A crash before the journal leaves the old dataset (and stray ``.new`` files, dropped later); a crash
    after it is completed by :func:`complete_replace`, which every command that reads the tables runs
    first. ``between_swaps`` is called after each rename (tests kill the process there).
    """
    data_dir = Path(data_dir)
    staged = {}
    for table, source in new_files.items():
        target = data_dir / f".{table}.csv.new"
        with open(source, "rb") as src, open(target, "wb") as dst:
            dst.write(src.read())
            dst.flush()
            os.fsync(dst.fileno())
        staged[table] = target
    journal = data_dir / JOURNAL
    (data_dir / f"{JOURNAL}.tmp").write_text("\n".join(sorted(staged)) + "\n", encoding="utf-8")
    os.replace(data_dir / f"{JOURNAL}.tmp", journal)
    for table in sorted(staged):
        os.replace(staged[table], table_path(data_dir, table))
        if between_swaps is not None:
            between_swaps()
    journal.unlink()


def complete_replace(data_dir: Path) -> None:
    """Finish a ``replace_tables`` that was cut off after its journal, or drop one cut off before it."""
    data_dir = Path(data_dir)
    journal = data_dir / JOURNAL
    # Several processes (a build's kernels) may finish the same change at once: what another one already
    # moved or removed is done.
    try:
        tables = journal.read_text(encoding="utf-8").split()
    except FileNotFoundError:
        tables = []
    for table in tables:
        with contextlib.suppress(FileNotFoundError):
            os.replace(data_dir / f".{table}.csv.new", table_path(data_dir, table))
    journal.unlink(missing_ok=True)
    for stray in data_dir.glob(".*.csv.new"):
        stray.unlink(missing_ok=True)
