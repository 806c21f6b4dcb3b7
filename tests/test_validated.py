"""Validation is remembered while the data and the rules are unchanged, and only then."""

from __future__ import annotations

import pytest

from dprk_report.data.dataset import DatasetError, load_dataset
from dprk_report.data.validated import known_valid, validation_key
from dprk_report.data.version import data_version


def test_a_valid_dataset_is_remembered_and_any_edit_forgets_it(fake):
    load_dataset(fake.data, fake.archive)
    assert known_valid(validation_key(data_version(fake.data, fake.archive), fake.data))
    fake.set("statements", "ST001", "summary", "Another summary of the same statement.")
    fake.write()
    assert not known_valid(validation_key(data_version(fake.data, fake.archive), fake.data))


def test_an_edit_to_a_registered_article_forgets_it(fake):
    load_dataset(fake.data, fake.archive)
    article = sorted(fake.archive.iterdir())[0]
    article.write_bytes(article.read_bytes() + b"\n")
    assert not known_valid(validation_key(data_version(fake.data, fake.archive), fake.data))


def test_an_invalid_dataset_is_never_remembered(fake):
    fake.set("statements", "ST001", "side", "Atlantis")
    fake.write()
    with pytest.raises(DatasetError):
        load_dataset(fake.data, fake.archive)
    assert not known_valid(validation_key(data_version(fake.data, fake.archive), fake.data))


def _reading_fails(monkeypatch):
    from dprk_report.data import dataset

    def read_table(path):
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(dataset, "read_table", read_table)


def _reloaded(fake):
    """The dataset as ``load_dataset`` gives it in a process that had loaded nothing yet."""
    from dprk_report.data import dataset

    dataset._LOADED.clear()
    return load_dataset(fake.data, fake.archive)


def test_tables_a_validation_passed_are_loaded_without_reading_them_again(fake, monkeypatch):
    """The build's first kernel validates the data, then loads them for its pages."""
    from dprk_report.data import dataset

    expected = _reloaded(fake)
    dataset._LOADED.clear()
    report, version = dataset.validate_for_loading(fake.data, fake.archive)
    assert report.ok and version == data_version(fake.data, fake.archive)
    _reading_fails(monkeypatch)
    loaded = load_dataset(fake.data, fake.archive)
    for table in ("sources", "statements", "estimates", "citations"):
        assert getattr(loaded, table).equals(getattr(expected, table)), table
    assert not dataset._VALIDATED_FRAMES  # handed over, not kept twice


def test_tables_read_while_the_data_changed_are_not_kept(fake, monkeypatch):
    from dprk_report.data import dataset

    dataset._LOADED.clear()
    versions = iter(["version before", "version after"])
    monkeypatch.setattr(dataset, "data_version", lambda *folders: next(versions))
    report, version = dataset.validate_for_loading(fake.data, fake.archive)
    assert report.ok and version == "version after"
    assert not dataset._VALIDATED_FRAMES


def test_tables_that_failed_validation_are_not_kept(fake):
    from dprk_report.data import dataset

    fake.set("statements", "ST001", "side", "Atlantis")
    fake.write()
    dataset._LOADED.clear()
    report, _ = dataset.validate_for_loading(fake.data, fake.archive)
    assert not report.ok
    assert not dataset._VALIDATED_FRAMES
    with pytest.raises(DatasetError):
        load_dataset(fake.data, fake.archive)


def test_validated_tables_are_dropped_by_the_next_load_even_of_a_version_loaded_already(fake):
    """A kernel that had loaded this version before validating it again (``watch``) keeps no second copy."""
    from dprk_report.data import dataset

    _reloaded(fake)
    dataset.validate_for_loading(fake.data, fake.archive)
    assert dataset._VALIDATED_FRAMES
    load_dataset(fake.data, fake.archive)
    assert not dataset._VALIDATED_FRAMES


def test_tables_validated_before_the_data_changed_are_dropped_and_the_new_data_loaded(fake):
    from dprk_report.data import dataset

    dataset._LOADED.clear()
    dataset.validate_for_loading(fake.data, fake.archive)
    fake.set("statements", "ST001", "summary", "Another summary of the same statement.")
    fake.write()
    loaded = load_dataset(fake.data, fake.archive)
    assert "Another summary of the same statement." in set(loaded.statements["summary"])
    assert not dataset._VALIDATED_FRAMES
