"""Read the dataset's CSV files into string frames indexed by line number.

Problems must name the line a curator sees in an editor. A quoted cell may span
several lines, so the line of each record is taken from the CSV reader itself
rather than computed from the row position.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

#: The four tables, in the order problems are reported.
TABLES = ("sources", "statements", "estimates", "citations")


def table_path(data_dir: Path, table: str) -> Path:
    """Where ``table`` lives inside the data directory."""
    return Path(data_dir) / f"{table}.csv"


@dataclass
class RawTable:
    """A table as text: every cell a string, empty cells missing, index = line number.

    ``frame`` is ``None`` when the file could not be read at all; ``problems`` holds
    ``(line, message)`` pairs for what was wrong with the file's structure.
    """

    frame: pd.DataFrame | None
    problems: list[tuple[int | None, str]] = field(default_factory=list)


def read_table(path: Path) -> RawTable:
    """Read one CSV file (UTF-8 with or without BOM, CRLF or LF line ends)."""
    if not path.is_file():
        return RawTable(None, [(None, "file not found")])
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records = _records_with_lines(csv.reader(handle))
    except UnicodeDecodeError as error:
        return RawTable(None, [(None, f"not valid UTF-8 ({error.reason} at byte {error.start})")])
    except csv.Error as error:
        return RawTable(None, [(None, f"not readable as CSV ({error})")])
    if not records:
        return RawTable(None, [(None, "file is empty (no header row)")])
    return _frame_from_records(records)


def _records_with_lines(reader) -> list[tuple[int, list[str]]]:
    """Each non-blank record with the line it starts on."""
    records = []
    next_line = 1
    for cells in reader:
        if cells:
            records.append((next_line, cells))
        next_line = reader.line_num + 1
    return records


def _frame_from_records(records: list[tuple[int, list[str]]]) -> RawTable:
    (_, header), body = records[0], records[1:]
    problems: list[tuple[int | None, str]] = []
    for name in sorted({name for name in header if header.count(name) > 1}):
        problems.append((1, f"column {name!r} appears more than once in the header"))
    if problems:
        return RawTable(None, problems)
    rows, lines = [], []
    for line, cells in body:
        if len(cells) != len(header):
            problems.append((line, f"has {len(cells)} fields but the header has {len(header)}"))
            cells = (cells + [""] * len(header))[: len(header)]
        rows.append([cell if cell != "" else None for cell in cells])
        lines.append(line)
    index = pd.Index(lines, name="line", dtype="int64")
    frame = pd.DataFrame(rows, columns=header, index=index, dtype=str)
    return RawTable(frame, problems)
