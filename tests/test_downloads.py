"""The index's downloads (the tables, spreadsheet-safe, and the codebook) and its page thumbnails."""

from __future__ import annotations

import base64
import csv
import io

import nbformat
import pytest
from PIL import Image

from dprk_report import paths
from dprk_report.data import tables as tables_module
from dprk_report.data.version import data_version
from dprk_report.pipeline import kernel_jobs
from dprk_report.pipeline.downloads import write_downloads
from dprk_report.pipeline.records import first_chart, write_thumbnail


def test_downloads_neutralise_formulas_and_leave_the_curated_tables_as_written(fake, tmp_path):
    fake.set("statements", "ST001", "summary", '=HYPERLINK("http://x.test")')
    fake.set("statements", "ST001", "notes", "@SUM(A1) and -1")
    fake.write()
    (fake.data / "README.md").write_text("# Codebook\n", encoding="utf-8")
    curated = (fake.data / "statements.csv").read_bytes()
    written = write_downloads(fake.data, tmp_path, "Test report", None)
    tables = [f"report/data/{table}.csv" for table in ("sources", "statements", "estimates", "citations")]
    assert written == [*tables, "report/data/codebook.md", "report/data/datapackage.json"]
    rows = {
        table: len(tables_module.read_rows(tmp_path / f"report/data/{table}.csv")[1]) for table in tables_module.TABLES
    }
    assert rows == {"sources": 2, "statements": 2, "estimates": 3, "citations": 5}
    with (tmp_path / "report/data/statements.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = [row for row in csv.DictReader(handle) if row["statement_id"] == "ST001"]
    assert row["summary"] == '\'=HYPERLINK("http://x.test")'
    assert row["notes"] == "'@SUM(A1) and -1"
    assert (fake.data / "statements.csv").read_bytes() == curated
    assert (tmp_path / "report/data/codebook.md").read_text(encoding="utf-8") == "# Codebook\n"


@pytest.mark.parametrize("cell", ["-3", "3"])  # with a cell made safe, and with none (no cell checked)
def test_a_download_is_its_table_as_written_row_by_row_made_spreadsheet_safe(fake, tmp_path, cell):
    """Written record by record as the table is parsed: the same as its rows read whole, each cell made safe."""
    from dprk_report.text.quotes import may_start_a_formula, spreadsheet_safe

    (fake.data / "README.md").write_text("# Codebook\n", encoding="utf-8")
    table = fake.data / "statements.csv"
    header = table.read_text(encoding="utf-8").partition("\n")[0]
    awkward = (
        "\n\n"  # blank lines
        f'ST101,"a cell\nover two lines",{cell}\n'  # short row: its missing cells empty
        + "ST102"
        + ",x" * (header.count(",") + 2)  # long row: its extra cells left out
        + "\n"
    )
    # With a byte-order mark and a blank line before the header, which every reader skips, as validation does.
    table.write_bytes(b"\xef\xbb\xbf\n" + table.read_bytes() + awkward.encode("utf-8"))
    assert may_start_a_formula(table.read_bytes()) == (cell == "-3")  # each way of writing is taken
    write_downloads(fake.data, tmp_path, "Test report", None)
    expected = tmp_path / "expected.csv"
    names, rows = tables_module.read_rows(table)
    tables_module.write_rows(expected, names, ({k: spreadsheet_safe(v) for k, v in row.items() if k} for row in rows))
    assert (tmp_path / "report/data/statements.csv").read_bytes() == expected.read_bytes()
    assert len(tables_module.read_rows(tmp_path / "report/data/statements.csv")[1]) == len(rows) == 4
    assert (tmp_path / "report/data/statements.csv").read_text(encoding="utf-8").startswith(header + "\n")


def test_the_index_counts_the_tables_its_kernel_loaded_and_the_downloads_read_each_table_once(
    fake, tmp_path, monkeypatch
):
    """The index's counts and its list of sources come from the tables as the kernel's pages loaded them, read
    no more; the downloads read each table once, in the build's own process, at the same time (a large
    dataset's tables take long to read). Both count by one rule: the index shows the rows offered for download."""
    from dprk_report.data import dataset as dataset_module
    from dprk_report.pipeline.config import load_config
    from dprk_report.pipeline.downloads import write_beside_index

    (fake.data / "README.md").write_text("# Codebook\n", encoding="utf-8")
    fake.set("statements", "ST001", "summary", "A summary\nof two lines")  # one record over two lines
    fake.write()
    citations = fake.data / "citations.csv"
    header, _, records = citations.read_text(encoding="utf-8").partition("\n")
    # A blank line (no record) and a short record, padded: counted alike by every reader, as by the downloads.
    citations.write_text(f"{header}\n\n{records}C0006,ES001\n", encoding="utf-8")
    monkeypatch.setenv(paths.DATA_ENV, str(fake.data))
    monkeypatch.setenv(paths.ARCHIVE_ENV, str(fake.archive))
    dataset_module.load_dataset(taken=data_version())  # as a build's kernel has, before its last job
    parsed = []
    decoded = tables_module._decoded  # what every parsing of a table's bytes, as rows or as records, goes through

    def counted(data: bytes):
        parsed.append(data.decode("utf-8-sig").partition(",")[0])  # the table's first column
        return decoded(data)

    def read_again(*_):
        raise AssertionError("the tables were read again")

    monkeypatch.setattr(tables_module, "_decoded", counted)
    monkeypatch.setattr(dataset_module, "read_table_file", read_again)
    monkeypatch.setattr(tables_module, "read_all_rows", read_again)
    before, after = kernel_jobs.index_parts(str(paths.REPORT_CONFIG), data_version())
    assert parsed == []
    assert "2 sources, 2 statements, 3 estimates, 6 citations" in before
    assert "(6 rows)" in after and all(outlet in after for outlet in ("Example News", "Wire Daily"))
    written = write_beside_index(load_config(), data_version(), tmp_path)
    assert sorted(parsed) == ["citation_id", "estimate_id", "source_id", "statement_id"]  # each for its download
    for table, rows in (("sources", 2), ("statements", 2), ("estimates", 3), ("citations", 6)):
        download = tmp_path / f"report/data/{table}.csv"
        assert len(tables_module.read_rows(download)[1]) == rows, table  # as many as the index says
    assert "report/data/citations.csv" in written and "report/changelog.html" in written
    assert (tmp_path / "report/changelog.html").is_file()


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_first_chart_of_a_notebook_becomes_a_small_thumbnail(tmp_path):
    notebook = nbformat.v4.new_notebook()
    tall = base64.b64encode(_png(1200, 2400)).decode()
    chart = nbformat.v4.new_output(
        "display_data", data={"text/plain": "Figure 02-timeline: 118 statements", "image/png": tall}
    )
    later = nbformat.v4.new_output("display_data", data={"text/plain": "Figure 02-other: Other", "image/png": "AA=="})
    notebook.cells = [nbformat.v4.new_code_cell(outputs=[]), nbformat.v4.new_code_cell(outputs=[chart, later])]
    png, title = first_chart(notebook)
    assert title == "118 statements"
    write_thumbnail(png, tmp_path / "thumb.png")
    with Image.open(tmp_path / "thumb.png") as thumbnail:
        # 480 pixels wide; a chart twice as tall as wide shows only its top, 0.62 of the width tall.
        assert thumbnail.size == (480, 298)


def test_a_notebook_without_a_chart_has_no_thumbnail():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", text="hello")])]
    assert first_chart(notebook) is None


def test_a_data_folder_without_its_own_codebook_gets_the_project_s(fake, tmp_path):
    from dprk_report import paths

    assert not (fake.data / "README.md").exists()
    write_downloads(fake.data, tmp_path, "Test report", None)
    assert (tmp_path / "report/data/codebook.md").read_bytes() == (paths.DEFAULT_DATA_DIR / "README.md").read_bytes()


def test_the_downloads_are_written_only_from_the_version_the_build_took(fake, tmp_path, monkeypatch):
    """They are published beside pages of that version: tables read as another (changed, even if changed back,
    while the build ran) stop the build."""
    from dprk_report.data.dataset import DatasetError
    from dprk_report.pipeline.config import load_config
    from dprk_report.pipeline.downloads import write_beside_index

    (fake.data / "README.md").write_text("# Codebook\n", encoding="utf-8")
    monkeypatch.setenv(paths.DATA_ENV, str(fake.data))
    monkeypatch.setenv(paths.ARCHIVE_ENV, str(fake.archive))
    with pytest.raises(DatasetError, match="changed while the build ran") as raised:
        kernel_jobs.index_parts(str(paths.REPORT_CONFIG), "the version the build took")
    assert paths.TRUSTED_ENV not in str(raised.value)  # given the version, not the build's variable
    with pytest.raises(DatasetError, match="changed while the build ran") as raised:
        write_beside_index(load_config(), "the version the build took", tmp_path)
    assert paths.TRUSTED_ENV not in str(raised.value)  # the build's own process: no variable of the build to unset
    assert not (tmp_path / "report").exists()
