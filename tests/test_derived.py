"""Dataset-wide tables are derived once per loaded data version, from the tables as loaded, and never
outlive them."""

from __future__ import annotations

from dataclasses import replace

from dprk_report.analysis import cadence, consistency
from dprk_report.data.dataset import derived_once, load_dataset


def _counting(column: str = "summary"):
    """A derived table that counts how often it is derived: one column of the statements."""
    calls = []

    @derived_once
    def statements_column(dataset):
        calls.append(1)
        return dataset.statements[[column]].copy()

    return statements_column, calls


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


def test_a_caller_changing_its_dataset_changes_nothing_derived(fake):
    summaries, _ = _counting()
    changed = load_dataset(fake.data, fake.archive)
    changed.statements.loc[0, "summary"] = "changed by one caller"
    assert "changed by one caller" not in set(summaries(changed)["summary"])
    assert "changed by one caller" not in set(summaries(load_dataset(fake.data, fake.archive))["summary"])


def test_a_dataset_made_from_other_tables_is_derived_from_those(fake):
    summaries, calls = _counting()
    loaded = load_dataset(fake.data, fake.archive)
    summaries(loaded)
    statements = loaded.statements.copy()
    statements.loc[0, "summary"] = "a table of a caller's own"
    assert "a table of a caller's own" in set(summaries(replace(loaded, statements=statements))["summary"])
    assert len(calls) == 2


def test_a_new_data_version_is_derived_again(fake):
    summaries, calls = _counting()
    before = summaries(load_dataset(fake.data, fake.archive))
    fake.set("statements", "ST001", "summary", "A summary written for the derived-tables test.")
    fake.write()
    after = summaries(load_dataset(fake.data, fake.archive))
    assert len(calls) == 2
    assert "A summary written for the derived-tables test." in set(after["summary"]) - set(before["summary"])


def test_each_function_keeps_its_own_table_even_under_one_name(fake):
    """Two functions of one name and code (a reloaded module's, or one factory's) are derived apart."""
    ids, _ = _counting("statement_id")
    summaries, _ = _counting("summary")
    dataset = load_dataset(fake.data, fake.archive)
    assert list(ids(dataset).columns) == ["statement_id"]
    assert list(summaries(dataset).columns) == ["summary"]


def test_a_derived_function_changing_its_dataset_changes_nothing_loaded(fake):
    @derived_once
    def careless(dataset):
        dataset.statements["added"] = 1
        return dataset.statements[["statement_id"]].copy()

    careless(load_dataset(fake.data, fake.archive))
    assert "added" not in load_dataset(fake.data, fake.archive).statements.columns


def test_a_reloaded_function_replaces_what_its_name_kept(fake):
    """A reloaded module's function has the old one's name: its table replaces the old one's, not adds."""
    dataset = load_dataset(fake.data, fake.archive)
    for column in ("statement_id", "summary", "speaker"):
        function, _ = _counting(column)
        assert list(function(dataset).columns) == [column]
    kept = [name for name in dataset.origin.derived if name[1].endswith("statements_column")]
    assert len(kept) == 1


def test_consistency_warnings_are_found_once_per_data_version(fake, monkeypatch):
    runs = []
    run = consistency.Consistency.run
    monkeypatch.setattr(consistency.Consistency, "run", lambda self: runs.append(1) or run(self))
    first = consistency.check(load_dataset(fake.data, fake.archive))
    again = consistency.check(load_dataset(fake.data, fake.archive))  # the next page in the same kernel
    assert (first, again, len(runs)) == ((), (), 1)
    fake.set("estimates", "ES002", "best", "400")  # the article gives 300: a new version with a disagreement
    fake.write()
    (warning,) = consistency.check(load_dataset(fake.data, fake.archive))
    assert "S000 gives 300 for ES002, recorded as 400" in warning.message
    assert len(runs) == 2


def test_typing_the_tables_leaves_the_tables_as_validated_unchanged(fake):
    """The typed tables share their text columns with the tables as validated (``raw``), which the consistency
    check reads: typing them, and a caller changing a typed table, must change nothing there."""
    from dprk_report.data.tables import read_table, table_path

    dataset = load_dataset(fake.data, fake.archive)
    raw = dataset.origin.raw["estimates"]
    written = read_table(table_path(fake.data, "estimates")).frame  # the table as validated, read afresh
    dataset.estimates.loc[dataset.estimates.index[0], "estimator"] = "Changed by a caller"
    dataset.estimates["notes"] = "changed"
    typed_only = {"qualifier_kind"} | {column for column in dataset.estimates if column.endswith("_start")}
    assert len(typed_only) > 1 and not typed_only & set(raw)  # what typing adds is the typed table's only
    assert raw.equals(written) and str(raw["best"].dtype) == "str"
