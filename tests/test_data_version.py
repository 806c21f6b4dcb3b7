"""The data version: it covers the curated tables and the articles they register, nothing else."""

from __future__ import annotations

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
