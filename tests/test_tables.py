"""The readers of the tables: cells as read, empty cells missing, repeated texts held once."""

from __future__ import annotations

import csv
import io
import random

import pandas as pd
import pytest

from dprk_report.data.tables import parse_rows, read_rows, read_table, write_rows

TABLE = "statement_id,side,summary\nST001,South Korea,First summary\nST002,South Korea,\nST003,Russia,First summary\n"


def test_a_table_read_as_a_frame_holds_each_repeated_text_once(tmp_path):
    # Identity holds while pandas stores these strings as Python objects (no pyarrow installed): with Arrow
    # strings, this test fails and the memory saving needs measuring again.
    path = tmp_path / "statements.csv"
    path.write_text(TABLE, encoding="utf-8")
    frame = read_table(path).frame
    assert frame.index.tolist() == [2, 3, 4]  # line numbers
    assert frame["side"].tolist() == ["South Korea", "South Korea", "Russia"]
    assert pd.isna(frame.at[3, "summary"])
    # The csv module makes a new string for every cell; the reader keeps one for all cells of one text.
    assert frame.at[2, "side"] is frame.at[3, "side"]
    assert frame.at[2, "summary"] is frame.at[4, "summary"]


def test_a_table_read_as_rows_holds_each_repeated_text_once(tmp_path):
    path = tmp_path / "statements.csv"
    path.write_text(TABLE, encoding="utf-8")
    header, rows = read_rows(path)
    assert header == ["statement_id", "side", "summary"]
    assert [row["summary"] for row in rows] == ["First summary", None, "First summary"]
    assert rows[0]["side"] is rows[1]["side"]


def test_rows_with_too_few_or_too_many_cells_keep_what_the_csv_reader_fills_in(tmp_path):
    """What the reader fills in for them, as ``csv.DictReader`` would (``None`` for a missing cell, a list of
    the extra cells under ``None``), is kept as it is: the validation and the curation commands report such
    rows."""
    path = tmp_path / "statements.csv"
    path.write_text("statement_id,side,summary\nST001,Russia\nST002,Russia,Said,extra,more\n", encoding="utf-8")
    _, rows = read_rows(path)
    assert rows[0] == {"statement_id": "ST001", "side": "Russia", "summary": None}
    assert rows[1][None] == ["extra", "more"]


def test_a_blank_line_counts_as_a_line_but_is_no_row(tmp_path):
    path = tmp_path / "statements.csv"
    path.write_text("statement_id,side\n\nST001,Russia\n\n\nST002,Ukraine\n", encoding="utf-8")
    table = read_table(path)
    assert table.problems == []
    assert table.frame.index.tolist() == [3, 6]
    assert table.frame["statement_id"].tolist() == ["ST001", "ST002"]


def test_rows_are_written_under_the_header(tmp_path):
    from dprk_report.data.tables import write_records

    path = tmp_path / "statements.csv"
    rows = [{"statement_id": "=1+1", "side": None, "not_a_column": "left out"}, {"side": "Russia"}]
    write_rows(path, ["statement_id", "side"], rows)
    assert path.read_text(encoding="utf-8") == "statement_id,side\n=1+1,\n,Russia\n"
    write_records(path, ["statement_id", "side"], iter([["ST1", None], ["ST2", "a, b"], ["ST3", ""]]))
    assert path.read_text(encoding="utf-8") == 'statement_id,side\nST1,\nST2,"a, b"\nST3,\n'
    write_records(path, ["statement_id"], iter([]))
    assert path.read_text(encoding="utf-8") == "statement_id\n"


def test_a_table_read_carries_what_the_data_version_needs_of_its_bytes(tmp_path):
    import hashlib

    from dprk_report.data.tables import reads_by_file
    from dprk_report.data.version import FileRead

    sources = "source_id,archive_file\nS001,001_a.txt\nS002,002_b.txt\nS003,\n"
    (tmp_path / "statements.csv").write_text(TABLE, encoding="utf-8")
    (tmp_path / "sources.csv").write_text(sources, encoding="utf-8")
    tables = {name: read_table(tmp_path / f"{name}.csv") for name in ("statements", "sources", "citations")}
    assert reads_by_file({name: table.read for name, table in tables.items()}) == {
        "statements.csv": FileRead(hashlib.sha256(TABLE.encode("utf-8")).hexdigest()),
        "sources.csv": FileRead(hashlib.sha256(sources.encode("utf-8")).hexdigest(), ("001_a.txt", "002_b.txt")),
        "citations.csv": FileRead(None),  # no file
    }


def test_a_byte_that_is_not_utf8_is_placed_in_the_file_even_far_in_and_after_a_bom(tmp_path):
    path = tmp_path / "statements.csv"
    head = b"\xef\xbb\xbf" + TABLE.encode("utf-8")
    filler = b"ST%03d,Russia,Said\n"
    body = b"".join(filler % number for number in range(100, 700))  # past the first 8 KiB read of a stream
    path.write_bytes(head + body + b"ST999,Caf\xe9,Said\n")
    (problem,) = read_table(path).problems
    assert problem == (None, f"not valid UTF-8 (invalid continuation byte at byte {len(head + body) + 9})")


# Texts whose rows the standard library's DictReader and DictWriter give and write in ways easy to get wrong:
# a repeated header name, a short row missing a repeated name, a blank first record (then the header is
# empty), long rows, blank lines, quoted line breaks, CRLF, a BOM, no final newline, nothing at all.
AWKWARD_TABLES = [
    "a,b,a\n1,2,3\n4\n",
    "\na,b\n1,2\n",
    "a,b\n1,2,3,4\n\n5,6\n",
    'a,b\r\n"x\r\ny",2\r\n,\r\n',
    "\ufeffa,b\n1,2",
    "a,b",
    "",
]


def _random_tables(count: int) -> list[str]:
    pieces = ["a", "b", "a,", ",", '"', "\n", "\r\n", " ", "é", "\n\n", "x,y\n", "=1"]
    rng = random.Random(17)  # fixed: the same texts every run
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(count)]


def _as_dict_reader_gives(text: str) -> tuple[list[str], list[dict]]:
    """The header and rows ``csv.DictReader`` gives, each empty or missing cell ``None`` as the readers make it,
    under the first record that is not a blank line (``DictReader`` alone takes the first record, blank or not:
    rows written back under that empty header would lose the table; ``read_table`` and validation skip it)."""
    handle = io.StringIO(text.removeprefix("\ufeff"), newline="")
    header = next(filter(None, csv.reader(handle)), None)  # the lines up to the header are consumed
    if header is None:
        return [], []
    reader = csv.DictReader(handle, fieldnames=header)
    rows = [{key: value if isinstance(value, list) else value or None for key, value in row.items()} for row in reader]
    return header, rows


@pytest.mark.parametrize("text", AWKWARD_TABLES + _random_tables(200))
def test_a_table_read_as_a_frame_holds_what_pandas_makes_of_its_records(text, tmp_path):
    """The frame is the one pandas makes of the csv module's records (short rows filled, long ones cut, empty
    cells missing), whatever the reader does to make it in less memory."""
    path = tmp_path / "table.csv"
    path.write_bytes(text.encode("utf-8"))
    frame = read_table(path).frame
    records = [cells for cells in csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")) if cells]
    if not records or len(set(records[0])) < len(records[0]):  # no header, or a name twice: no frame
        assert frame is None
        return
    header = records[0]
    rows = [[cell or None for cell in (cells + [""] * len(header))[: len(header)]] for cells in records[1:]]
    expected = pd.DataFrame(rows, columns=header, dtype=str)
    pd.testing.assert_frame_equal(frame.reset_index(drop=True), expected, check_exact=True, check_index_type=False)


@pytest.mark.parametrize("text", AWKWARD_TABLES + _random_tables(400))
def test_rows_are_read_as_csv_dict_reader_reads_them(text):
    assert parse_rows(text) == _as_dict_reader_gives(text)


@pytest.mark.parametrize("text", AWKWARD_TABLES + _random_tables(100))
def test_rows_are_written_as_csv_dict_writer_writes_them(text, tmp_path):
    header, rows = parse_rows(text)
    written = io.StringIO()
    writer = csv.DictWriter(written, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    write_rows(tmp_path / "table.csv", header, rows)
    assert (tmp_path / "table.csv").read_bytes().decode("utf-8") == written.getvalue()
