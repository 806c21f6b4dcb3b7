"""The tables as read are kept for the next process that trusts the same data version, and taken from there only
while they are exactly what parsing the files would give."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dprk_report.data import dataset, parsed_tables, tables
from dprk_report.data.tables import TABLES, read_table, table_path
from dprk_report.data.version import data_version

TWO_LINES = "A summary\nover two lines, quoted in the file."


def _read(fake) -> dict[str, pd.DataFrame]:
    return {table: read_table(table_path(fake.data, table)).frame for table in TABLES}


def _parsing_fails(monkeypatch) -> None:
    def parse(*_):
        raise AssertionError("the tables were parsed")

    monkeypatch.setattr(tables, "_table_from_records", parse)


def _fresh_process() -> None:
    """As a process that has loaded nothing yet (a new kernel)."""
    dataset._loaded.clear()
    dataset._validated_frames.clear()


def test_tables_kept_come_back_as_they_were_read(fake):
    fake.set("statements", "ST001", "summary", TWO_LINES)  # a record over two lines: its line is the first
    fake.write()
    read = _read(fake)
    version = data_version(fake.data, fake.archive)
    parsed_tables.keep_frames(version, read)
    kept = parsed_tables.kept_frames(version)
    assert kept is not None and list(kept) == list(TABLES)
    for table in TABLES:
        pd.testing.assert_frame_equal(kept[table], read[table], check_exact=True)
    statements = kept["statements"]
    assert TWO_LINES in set(statements["summary"])
    # As read: one object for every empty cell of a table, and one for every cell of the same text.
    empty = [cell for column in statements for cell in statements[column].array if not isinstance(cell, str)]
    assert len(empty) > 1 and all(math.isnan(cell) for cell in empty) and len({id(cell) for cell in empty}) == 1
    sources = kept["citations"]["source_id"].array
    repeated = next(text for text in sources if list(sources).count(text) > 1)
    assert len({id(cell) for cell in sources if cell == repeated}) == 1


def test_a_load_of_a_version_kept_parses_nothing_and_gives_the_same_dataset(fake, monkeypatch):
    _fresh_process()
    parsed = dataset.load_dataset(fake.data, fake.archive)  # validated, then parsed
    version = data_version(fake.data, fake.archive)
    dataset.keep_for_next_load(version, fake.data, fake.archive)
    _fresh_process()
    _parsing_fails(monkeypatch)
    kept = dataset.load_dataset(fake.data, fake.archive, taken=version)
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(kept, table), getattr(parsed, table), check_exact=True)
        pd.testing.assert_frame_equal(kept.raw[table], parsed.raw[table], check_exact=True)


def test_a_table_changed_since_is_parsed_not_taken_from_what_was_kept(fake):
    _fresh_process()
    dataset.load_dataset(fake.data, fake.archive)
    dataset.keep_for_next_load(data_version(fake.data, fake.archive), fake.data, fake.archive)
    fake.set("statements", "ST001", "summary", "Another summary of the same statement.")
    fake.write()
    _fresh_process()
    loaded = dataset.load_dataset(fake.data, fake.archive, taken=data_version(fake.data, fake.archive))
    assert "Another summary of the same statement." in set(loaded.statements["summary"])


def test_a_version_the_process_does_not_trust_is_validated_even_when_kept(fake, monkeypatch):
    """What is kept is found only by a process that trusts the version: one that does not validates the files."""
    from dprk_report.data import validation

    _fresh_process()
    dataset.load_dataset(fake.data, fake.archive)
    version = data_version(fake.data, fake.archive)
    dataset.keep_for_next_load(version, fake.data, fake.archive)
    monkeypatch.setattr(dataset, "known_valid", lambda key: False)  # as if never validated
    _fresh_process()
    validated = []
    validate = validation.validate
    monkeypatch.setattr(validation, "validate", lambda *args: validated.append(args) or validate(*args))
    dataset.load_dataset(fake.data, fake.archive)
    assert len(validated) == 1


def test_a_page_that_changes_the_tables_as_read_changes_neither_later_loads_nor_what_is_kept(fake):
    _fresh_process()
    version = data_version(fake.data, fake.archive)
    page = dataset.load_dataset(fake.data, fake.archive, taken=version)
    page.raw["statements"].loc[page.raw["statements"].index[0], "summary"] = "Changed by a page."
    assert "Changed by a page." not in set(
        dataset.load_dataset(fake.data, fake.archive, taken=version).raw["statements"]["summary"]
    )
    dataset.keep_for_next_load(version, fake.data, fake.archive)
    assert "Changed by a page." not in set(parsed_tables.kept_frames(version)["statements"]["summary"])


@pytest.mark.parametrize("content", [b"", b"not a pickle", b"\x80\x05N."], ids=["empty", "text", "another-object"])
def test_a_kept_file_that_cannot_be_read_is_parsed_again(fake, content):
    version = data_version(fake.data, fake.archive)
    parsed_tables.keep_frames(version, _read(fake))
    (kept,) = (parsed_tables.paths.BUILD_DIR / parsed_tables.FOLDER).iterdir()
    kept.write_bytes(content)
    assert parsed_tables.kept_frames(version) is None
    _fresh_process()
    loaded = dataset.load_dataset(fake.data, fake.archive, taken=version)
    pd.testing.assert_frame_equal(loaded.raw["statements"], _read(fake)["statements"])
    parsed_tables.keep_frames(version, _read(fake))  # written anew
    assert parsed_tables.kept_frames(version) is not None


def test_tables_kept_by_other_code_are_not_taken(fake, monkeypatch):
    version = data_version(fake.data, fake.archive)
    parsed_tables.keep_frames(version, _read(fake))
    monkeypatch.setattr(parsed_tables, "_CODE", "the hash of another parser")
    assert parsed_tables.kept_frames(version) is None


def test_tables_kept_by_other_versions_of_pandas_are_not_taken(fake, monkeypatch):
    version = data_version(fake.data, fake.archive)
    parsed_tables.keep_frames(version, _read(fake))
    monkeypatch.setattr(pd, "__version__", pd.__version__ + ".other")
    assert parsed_tables.kept_frames(version) is None


def test_only_the_newest_version_is_kept(fake):
    first = data_version(fake.data, fake.archive)
    parsed_tables.keep_frames(first, _read(fake))
    fake.set("statements", "ST001", "summary", "Another summary of the same statement.")
    fake.write()
    second = data_version(fake.data, fake.archive)
    parsed_tables.keep_frames(second, _read(fake))
    assert parsed_tables.kept_frames(first) is None and parsed_tables.kept_frames(second) is not None
    assert len(list((parsed_tables.paths.BUILD_DIR / parsed_tables.FOLDER).iterdir())) == 1


def test_what_cannot_be_removed_from_the_folder_fails_nothing(fake):
    version = data_version(fake.data, fake.archive)
    stuck = parsed_tables.paths.BUILD_DIR / parsed_tables.FOLDER / "a-folder-not-a-file"
    stuck.mkdir(parents=True)
    parsed_tables.keep_frames(version, _read(fake))
    assert parsed_tables.kept_frames(version) is not None and stuck.is_dir()


def test_a_write_interrupted_leaves_no_half_written_file(tmp_path, monkeypatch):
    from dprk_report.data import kept

    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(kept.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        kept.write_whole(tmp_path / "store", b"data")
    assert list(tmp_path.iterdir()) == []


def test_a_build_folder_that_cannot_be_written_keeps_nothing_and_fails_nothing(fake, monkeypatch):
    blocked = fake.data.parent / "a-file-not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setattr(parsed_tables.paths, "BUILD_DIR", blocked)
    version = data_version(fake.data, fake.archive)
    parsed_tables.keep_frames(version, _read(fake))
    assert parsed_tables.kept_frames(version) is None
    from dprk_report import paths
    from dprk_report.pipeline import kernel_jobs

    monkeypatch.setenv(paths.DATA_ENV, str(fake.data))
    monkeypatch.setenv(paths.ARCHIVE_ENV, str(fake.archive))
    assert kernel_jobs.index_parts(str(paths.REPORT_CONFIG), version)  # the index all the same


def test_the_kernel_that_prepares_the_index_keeps_the_tables_for_the_next_build(fake, monkeypatch):
    from dprk_report import paths
    from dprk_report.pipeline import kernel_jobs

    monkeypatch.setenv(paths.DATA_ENV, str(fake.data))
    monkeypatch.setenv(paths.ARCHIVE_ENV, str(fake.archive))
    version = data_version()
    _fresh_process()
    dataset.load_dataset(taken=version)  # as the kernel's pages loaded it
    assert parsed_tables.kept_frames(version) is None
    kernel_jobs.index_parts(str(paths.REPORT_CONFIG), version)
    kept = parsed_tables.kept_frames(version)
    assert kept is not None and all(kept[table].equals(_read(fake)[table]) for table in TABLES)


def test_a_file_moved_to_another_versions_name_is_not_taken(fake):
    """The file names its key inside, not only in its name."""
    first = data_version(fake.data, fake.archive)
    parsed_tables.keep_frames(first, _read(fake))
    (kept,) = (parsed_tables.paths.BUILD_DIR / parsed_tables.FOLDER).iterdir()
    fake.set("statements", "ST001", "summary", "Another summary of the same statement.")
    fake.write()
    second = data_version(fake.data, fake.archive)
    kept.rename(parsed_tables._store(parsed_tables._key(second)))
    assert parsed_tables.kept_frames(second) is None
