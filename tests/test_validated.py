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

    def read_table_file(path):
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(dataset, "read_table_file", read_table_file)


def _reloaded(fake):
    """The dataset as ``load_dataset`` gives it in a process that had loaded nothing yet."""
    from dprk_report.data import dataset

    dataset._loaded.clear()
    return load_dataset(fake.data, fake.archive)


def test_tables_a_validation_passed_are_loaded_without_reading_them_again(fake, monkeypatch):
    """The build's first kernel validates the data, then loads them for its pages."""
    from dprk_report.data import dataset

    expected = _reloaded(fake)
    dataset._loaded.clear()
    report, version = dataset.validate_for_loading(fake.data, fake.archive)
    assert report.ok and version == data_version(fake.data, fake.archive)
    _reading_fails(monkeypatch)
    loaded = load_dataset(fake.data, fake.archive)
    for table in ("sources", "statements", "estimates", "citations"):
        assert getattr(loaded, table).equals(getattr(expected, table)), table
    assert not dataset._validated_frames  # handed over, not kept twice


def test_tables_that_failed_validation_are_not_kept(fake):
    from dprk_report.data import dataset

    fake.set("statements", "ST001", "side", "Atlantis")
    fake.write()
    dataset._loaded.clear()
    report, _ = dataset.validate_for_loading(fake.data, fake.archive)
    assert not report.ok
    assert not dataset._validated_frames
    with pytest.raises(DatasetError):
        load_dataset(fake.data, fake.archive)


def test_validated_tables_are_dropped_by_the_next_load_even_of_a_version_loaded_already(fake):
    """A kernel that had loaded this version before validating it again (``watch``) keeps no second copy."""
    from dprk_report.data import dataset

    _reloaded(fake)
    dataset.validate_for_loading(fake.data, fake.archive)
    assert dataset._validated_frames
    load_dataset(fake.data, fake.archive)
    assert not dataset._validated_frames


def test_tables_validated_before_the_data_changed_are_dropped_and_the_new_data_loaded(fake):
    from dprk_report.data import dataset

    dataset._loaded.clear()
    dataset.validate_for_loading(fake.data, fake.archive)
    fake.set("statements", "ST001", "summary", "Another summary of the same statement.")
    fake.write()
    loaded = load_dataset(fake.data, fake.archive)
    assert "Another summary of the same statement." in set(loaded.statements["summary"])
    assert not dataset._validated_frames


# --- the tables read are the version they are kept and trusted under --------------------------------------

CHANGED_SUMMARY = "A summary that was on disk only for a moment."


def _changed_for_a_moment(fake, module, monkeypatch, *, back: bool = True):
    """Make ``module``'s reader of a table file (``validation.read_table``, ``dataset.read_table_file``) read
    statements.csv while it holds another summary for ST001: written just before, and (``back``) the original
    bytes written back just after, as an editor saving twice would."""
    from dprk_report.data import tables

    path = fake.data / "statements.csv"
    original = path.read_bytes()
    fake.set("statements", "ST001", "summary", CHANGED_SUMMARY)
    changed = fake.write().data / "statements.csv"
    changed_bytes = changed.read_bytes()
    path.write_bytes(original)

    reader = "read_table_file" if hasattr(module, "read_table_file") else "read_table"
    read = getattr(tables, reader)

    def read_while_changed(table_file):
        if table_file.name != "statements.csv":
            return read(table_file)
        table_file.write_bytes(changed_bytes)
        try:
            return read(table_file)
        finally:
            if back:
                table_file.write_bytes(original)

    monkeypatch.setattr(module, reader, read_while_changed)


def _version_with_changed_summary(fake) -> str:
    """The data version of the fake data with ST001's summary changed (the files left as they are)."""
    path = fake.data / "statements.csv"
    original = path.read_bytes()
    fake.set("statements", "ST001", "summary", CHANGED_SUMMARY)
    changed = fake.write().data / "statements.csv"
    version = data_version(fake.data, fake.archive)
    changed.write_bytes(original)
    return version


def test_tables_changed_and_changed_back_while_validated_are_kept_under_the_version_validated(fake, monkeypatch):
    """The version before and after is the same, but the validation read another: its verdict and its tables
    are that other version's, so a load of the data as they are (or a build that took them) does not use them."""
    from dprk_report.data import dataset, validation

    dataset._loaded.clear()
    as_they_are, read_for_a_moment = data_version(fake.data, fake.archive), _version_with_changed_summary(fake)
    _changed_for_a_moment(fake, validation, monkeypatch)
    report, version = dataset.validate_for_loading(fake.data, fake.archive)
    assert report.ok and version == read_for_a_moment != as_they_are
    assert data_version(fake.data, fake.archive) == as_they_are  # the files are back as they were
    monkeypatch.undo()
    assert CHANGED_SUMMARY not in set(load_dataset(fake.data, fake.archive).statements["summary"])


@pytest.mark.parametrize("back", [True, False], ids=["changed-back", "changed"])
def test_a_build_kernel_loads_no_other_version_than_the_build_took(fake, monkeypatch, back):
    """A build's kernel trusts the version the build took (paths.TRUSTED_ENV) and reads the tables without
    validating them; tables read as another version would make a page the build would publish as its own."""
    from dprk_report import paths
    from dprk_report.data import dataset

    dataset._loaded.clear()
    monkeypatch.setenv(paths.TRUSTED_ENV, data_version(fake.data, fake.archive))
    _changed_for_a_moment(fake, dataset, monkeypatch, back=back)
    with pytest.raises(DatasetError, match="the data or a cited article changed while the build ran") as raised:
        load_dataset(fake.data, fake.archive)
    assert str(raised.value).startswith(f"{fake.data}: ")
    assert f"outside a build, unset ${paths.TRUSTED_ENV}" in str(raised.value)  # read with the build's variable
    assert not dataset._loaded


def test_every_page_of_a_build_reads_the_version_the_build_took_without_hashing_the_files_again(fake, monkeypatch):
    """Held under the version the build took, the dataset is what each page of that build reads, as read when
    the build began, even once the files change (the build then stops at its end, publishing nothing)."""
    from dprk_report import paths
    from dprk_report.data import dataset

    dataset._loaded.clear()
    monkeypatch.setenv(paths.TRUSTED_ENV, data_version(fake.data, fake.archive))
    first = load_dataset(fake.data, fake.archive)
    fake.set("statements", "ST001", "summary", CHANGED_SUMMARY)
    fake.write()
    monkeypatch.setattr(dataset, "data_version", lambda *args, **kwargs: pytest.fail("the files were hashed again"))
    again = load_dataset(fake.data, fake.archive)
    assert CHANGED_SUMMARY not in set(again.statements["summary"])
    assert again.statements.equals(first.statements)


def test_tables_a_validation_kept_are_dropped_by_the_next_load_even_of_the_dataset_held(fake, monkeypatch):
    """A kernel kept from build to build (``watch``) validates the data again (the rules changed) and then loads
    the version it holds: the validated tables, a second copy of the data, are not kept past that load."""
    from dprk_report import paths
    from dprk_report.data import dataset
    from dprk_report.data.dataset import validate_for_loading

    dataset._loaded.clear()
    monkeypatch.setenv(paths.TRUSTED_ENV, data_version(fake.data, fake.archive))
    load_dataset(fake.data, fake.archive)
    validate_for_loading(fake.data, fake.archive)
    assert dataset._validated_frames
    load_dataset(fake.data, fake.archive)
    assert not dataset._validated_frames


@pytest.mark.parametrize("back", [True, False], ids=["changed-back", "changed"])
def test_a_dataset_is_kept_under_the_version_of_what_it_holds(fake, monkeypatch, back):
    """Outside a build (a notebook in the lab), tables read as a version not known valid are validated as read,
    and the dataset is kept under the version of what it holds, whatever the files hold a moment later."""
    from dprk_report.data import dataset

    dataset._loaded.clear()
    read_for_a_moment = _version_with_changed_summary(fake)
    _changed_for_a_moment(fake, dataset, monkeypatch, back=back)
    loaded = load_dataset(fake.data, fake.archive)
    assert CHANGED_SUMMARY in set(loaded.statements["summary"])
    ((_, _, kept_as),) = dataset._loaded
    assert kept_as == read_for_a_moment
    monkeypatch.undo()
    # The files as they are now: the same version again (changed), or the one changed back to, loaded anew.
    assert (CHANGED_SUMMARY in set(load_dataset(fake.data, fake.archive).statements["summary"])) is not back


def test_a_validation_names_each_article_as_it_read_it(fake, monkeypatch):
    """An article saved after the validation read it: the verdict is about the bytes read, not the new ones."""
    from dprk_report.data import checks, validation

    before = data_version(fake.data, fake.archive)
    read_article = checks.Tables._read_article

    def then_edited(self, archive_file):
        read_article(self, archive_file)
        path = self.archive / archive_file
        path.write_bytes(path.read_bytes() + b"Added after it was read.\n")

    monkeypatch.setattr(checks.Tables, "_read_article", then_edited)
    report = validation.validate(fake.data, fake.archive)
    assert report.ok and report.data_version == before != data_version(fake.data, fake.archive)


def test_a_build_publishes_nothing_validated_as_another_version_than_it_took(tmp_path, monkeypatch):
    from dprk_report import paths
    from dprk_report.pipeline import build

    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path / "build")  # what is remembered valid: this test's own

    class Finished:  # the kernel's validation, done
        def __init__(self, found):
            self.found = found

        def result(self):
            return self.found

    taken = validation_key("the version the build took", None)
    found = Finished({"problems": [], "data_version": "the version read while a file changed"})
    assert build._validation_problems(found, taken, "the version the build took") == ([], False)
    assert not known_valid(taken)
    found = Finished({"problems": [], "data_version": "the version the build took"})
    assert build._validation_problems(found, taken, "the version the build took") == ([], True)
    assert known_valid(taken)


def test_the_scheduled_job_remembers_a_pass_only_for_the_version_it_validated(fake, monkeypatch):
    """``remembered_problems`` takes the data version, then validates: data changed in between were validated,
    not the version taken, which must not be remembered as valid."""
    from dprk_report import paths
    from dprk_report.data import validation

    monkeypatch.setenv(paths.ARCHIVE_ENV, str(fake.archive))
    taken = data_version(fake.data, fake.archive)
    validate = validation.validate

    def edited_first(data_dir=None, archive_dir=None):
        fake.set("statements", "ST001", "summary", "Another summary of the same statement.")
        fake.write()
        return validate(data_dir, archive_dir)

    monkeypatch.setattr(validation, "validate", edited_first)
    assert validation.remembered_problems(fake.data) == []  # the edited data are valid
    assert not known_valid(validation_key(taken, fake.data))
    assert known_valid(validation_key(data_version(fake.data, fake.archive), fake.data))


def test_a_build_kernel_does_not_hand_out_a_dataset_it_holds_of_another_version(fake, monkeypatch):
    """A kernel kept from build to build (``watch``) holds the last build's dataset: a page of a build that
    took another version, run while the files hold the older one again, must not be given it."""
    from dprk_report import paths
    from dprk_report.data import dataset

    dataset._loaded.clear()
    load_dataset(fake.data, fake.archive)  # held, under the version the files hold
    monkeypatch.setenv(paths.TRUSTED_ENV, "the version the next build took")
    with pytest.raises(DatasetError, match="changed while the build ran"):
        load_dataset(fake.data, fake.archive)


@pytest.mark.parametrize("in_a_build", [True, False], ids=["build", "lab"])
def test_a_table_missing_for_a_moment_is_not_taken_for_the_version_with_it(fake, monkeypatch, in_a_build):
    """An editor that saves by deleting and writing the file again: the table read as missing makes another
    version (none of it), which is neither the build's nor valid."""
    from dprk_report import paths
    from dprk_report.data import dataset, tables

    dataset._loaded.clear()
    if in_a_build:
        monkeypatch.setenv(paths.TRUSTED_ENV, data_version(fake.data, fake.archive))

    def read_table_file(table_file):
        if table_file.name != "statements.csv":
            return tables.read_table_file(table_file)
        saved = table_file.read_bytes()
        table_file.unlink()
        try:
            return tables.read_table_file(table_file)
        finally:
            table_file.write_bytes(saved)

    monkeypatch.setattr(dataset, "read_table_file", read_table_file)
    with pytest.raises(DatasetError, match="changed while the build ran" if in_a_build else "file not found"):
        load_dataset(fake.data, fake.archive)


def test_a_first_load_takes_the_data_version_once_of_what_it_read(fake, monkeypatch):
    """Nothing kept to look up: the version is taken of the tables as read, not also before reading them."""
    from dprk_report.data import dataset

    expected = _reloaded(fake)
    dataset._loaded.clear()
    dataset._validated_frames.clear()
    versions = []
    take = dataset.data_version

    def counted(*args, **kwargs):
        versions.append(take(*args, **kwargs))
        return versions[-1]

    monkeypatch.setattr(dataset, "data_version", counted)
    loaded = load_dataset(fake.data, fake.archive)
    assert versions == [data_version(fake.data, fake.archive)]
    assert loaded.statements.equals(expected.statements)
    load_dataset(fake.data, fake.archive)  # kept now: the version is taken to look it up
    assert len(versions) == 2


@pytest.mark.parametrize("held", [False, True], ids=["first-load", "another-version-held"])
def test_a_version_given_to_the_load_is_trusted_and_no_other_version_is_loaded(fake, monkeypatch, held):
    """What the build's own process does when it prepares the index without a kernel: the version it took is
    given, not set in the build's variable, and the error says nothing of that variable."""
    from dprk_report import paths
    from dprk_report.data import dataset, validation

    dataset._loaded.clear()
    monkeypatch.setenv(paths.TRUSTED_ENV, "a variable left set by hand")  # the version given wins over it
    if held:
        monkeypatch.delenv(paths.TRUSTED_ENV)
        load_dataset(fake.data, fake.archive)  # held, under the version the files hold
        monkeypatch.setenv(paths.TRUSTED_ENV, "a variable left set by hand")
    with pytest.raises(DatasetError, match="changed while the build ran") as raised:
        load_dataset(fake.data, fake.archive, taken="the version the build took")
    assert paths.TRUSTED_ENV not in str(raised.value)
    dataset._loaded.clear()
    monkeypatch.setattr(validation, "validate", lambda *args, **kwargs: pytest.fail("trusted data were validated"))
    monkeypatch.setattr(dataset, "known_valid", lambda key: False)  # trusted as given, not as remembered
    taken = data_version(fake.data, fake.archive)
    assert len(load_dataset(fake.data, fake.archive, taken=taken).statements) == len(fake.rows["statements"])
