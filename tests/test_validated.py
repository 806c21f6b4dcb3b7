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
