"""The data version: it covers the curated tables and the articles they register, nothing else."""

from __future__ import annotations

import os

import pytest

from dprk_report.data import version
from dprk_report.data.version import data_version

UNREGISTERED = "009_waiting.txt"


def test_an_unregistered_article_changes_neither_the_version_nor_validity(fake):
    before = data_version(fake.data, fake.archive)
    (fake.archive / UNREGISTERED).write_text("A new article nobody has curated yet.\n", encoding="utf-8")
    assert data_version(fake.data, fake.archive) == before
    assert fake.validate().ok


def test_a_registered_article_whose_bytes_change_changes_the_version(fake):
    before = data_version(fake.data, fake.archive)
    registered = sorted(fake.archive.iterdir())[0]
    registered.write_bytes(registered.read_bytes() + b"\n")
    assert data_version(fake.data, fake.archive) != before


def test_a_table_edit_changes_the_version(fake):
    before = data_version(fake.data, fake.archive)
    fake.rows["statements"][0]["summary"] = "Another summary."
    fake.write()
    assert data_version(fake.data, fake.archive) != before


def test_an_article_rewritten_to_the_same_size_changes_the_version_although_hashes_are_remembered(fake, monkeypatch):
    # Articles are hashed once per process while their status is unchanged; here every file counts as
    # settled at once, as the archive's old articles do.
    _remember_at_once(monkeypatch, fake.archive.parent / "hashes.json")
    registered = sorted(fake.archive.iterdir())[0]
    before = data_version(fake.data, fake.archive)
    assert version._article_hashes, "the article's hash was not remembered"
    text = registered.read_bytes()
    registered.write_bytes(text[:-1] + (b"." if text[-1:] != b"." else b","))
    _seconds_later(registered, 1)  # out of the file system's timestamp granularity, whatever it is
    assert registered.stat().st_size == len(text)
    assert data_version(fake.data, fake.archive) != before
    registered.write_bytes(text)
    _seconds_later(registered, 2)
    assert data_version(fake.data, fake.archive) == before


def _seconds_later(path, seconds: int) -> None:
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + seconds * 1_000_000_000))


def test_an_article_that_vanishes_changes_the_version(fake, monkeypatch):
    _remember_at_once(monkeypatch, fake.archive.parent / "hashes.json")
    registered = sorted(fake.archive.iterdir())[0]
    before = data_version(fake.data, fake.archive)
    registered.unlink()
    assert data_version(fake.data, fake.archive) != before


def test_a_later_process_uses_the_remembered_hashes_and_still_sees_a_change(fake, monkeypatch):
    store = fake.archive.parent / "hashes.json"
    _remember_at_once(monkeypatch, store)
    before = data_version(fake.data, fake.archive)
    assert store.is_file()
    _remember_at_once(monkeypatch, store)  # as a new process: nothing in memory, the store on disk
    with monkeypatch.context() as reading:
        reading.setattr(version, "file_hash", _no_article_read(version.file_hash, fake.archive))
        assert data_version(fake.data, fake.archive) == before
    registered = sorted(fake.archive.iterdir())[0]
    text = registered.read_bytes()
    registered.write_bytes(text[:-1] + (b"." if text[-1:] != b"." else b","))  # the same size
    _seconds_later(registered, 1)
    _remember_at_once(monkeypatch, store)
    assert data_version(fake.data, fake.archive) != before


@pytest.mark.parametrize(
    "damaged",
    ['[["a path", "not a size"]', '[["a path", "x", 1, 2, 3, "digest"]]', '{"a": 1}', "[1, 2]"],
    ids=["not JSON", "a size that is not a number", "an object", "rows that are not lists"],
)
def test_a_damaged_store_is_read_past(fake, monkeypatch, damaged):
    store = fake.archive.parent / "hashes.json"
    _remember_at_once(monkeypatch, store)
    before = data_version(fake.data, fake.archive)
    store.write_text(damaged, encoding="utf-8")
    _remember_at_once(monkeypatch, store)
    assert data_version(fake.data, fake.archive) == before


def _remember_at_once(monkeypatch, store):
    """Hashes kept in ``store``, nothing in memory, and every file counted as settled at once (as the
    archive's old articles are)."""
    monkeypatch.setattr(version, "HASH_STORE", store)
    monkeypatch.setattr(version, "_article_hashes", {})
    monkeypatch.setattr(version, "_stores_read", set())
    monkeypatch.setattr(version, "_SETTLED_NS", 0)


def _no_article_read(file_hash, archive):
    def hash_unless_article(path):
        assert not str(path).startswith(str(archive)), f"{path} was read although its hash was remembered"
        return file_hash(path)

    return hash_unless_article


@pytest.mark.parametrize(
    ("text", "registered"),
    [
        ("source_id,archive_file\nS001,b.txt\nS002,a.txt\n", ["a.txt", "b.txt"]),
        # A byte-order mark, blank lines (before the header too), a repeated file, an empty cell, a short row.
        ("\ufeff\nsource_id,archive_file\n\nS001,a.txt\nS002,a.txt\nS003,\nS004\n", ["a.txt"]),
        ('source_id,archive_file,note\nS001,"a, b.txt","x\ny"\n', ["a, b.txt"]),
        ("source_id,title\nS001,A title\n", []),  # no archive_file column
        ("", []),
    ],
)
def test_the_registered_articles_are_the_archive_files_sources_names(text, registered):
    assert version.registered_in(text.encode("utf-8")) == registered


def test_a_sources_file_that_is_not_utf8_registers_nothing():
    assert version.registered_in(b"source_id,archive_file\nS001,\xff.txt\n") == []
