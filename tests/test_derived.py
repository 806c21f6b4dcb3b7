"""Dataset-wide tables are derived once per loaded data version, and never outlive it."""

from __future__ import annotations

from dprk_report.analysis import cadence
from dprk_report.data.dataset import derived_once, load_dataset


def _counting():
    """A derived table that counts how often it is computed: the statements' summaries."""
    calls = []

    @derived_once
    def summaries(dataset):
        calls.append(1)
        return dataset.statements[["statement_id", "summary"]].copy()

    return summaries, calls


def test_every_load_of_one_data_version_shares_what_was_derived(fake):
    summaries, calls = _counting()
    first = summaries(load_dataset(fake.data, fake.archive))
    second = summaries(load_dataset(fake.data, fake.archive))  # the next page in the same kernel
    assert len(calls) == 1
    assert second.equals(first)


def test_a_caller_changing_its_table_changes_nothing_for_the_next(fake):
    dataset = load_dataset(fake.data, fake.archive)
    timeline = cadence.statement_timeline(dataset)
    original = timeline.copy()
    timeline.loc[timeline.index[0], "speaker"] = "someone else"
    timeline["added"] = 1
    assert cadence.statement_timeline(load_dataset(fake.data, fake.archive)).equals(original)


def test_a_new_data_version_is_derived_again(fake):
    summaries, calls = _counting()
    before = summaries(load_dataset(fake.data, fake.archive))
    fake.set("statements", "ST001", "summary", "A summary written for the derived-tables test.")
    fake.write()
    after = summaries(load_dataset(fake.data, fake.archive))
    assert len(calls) == 2
    assert "A summary written for the derived-tables test." in set(after["summary"]) - set(before["summary"])


def test_reloaded_code_is_run_again(fake):
    summaries, calls = _counting()
    dataset = load_dataset(fake.data, fake.archive)
    summaries(dataset)

    def edited(dataset):
        calls.append(1)
        return dataset.statements[["statement_id"]].copy()

    summaries.__wrapped__.__code__ = edited.__code__  # what reloading the module gives the lab's kernel
    assert list(summaries(dataset).columns) == ["statement_id"]
    assert len(calls) == 2
