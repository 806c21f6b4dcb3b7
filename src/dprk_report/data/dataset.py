"""Load the validated dataset as typed pandas frames.

The analysis never sees unvalidated data: ``load_dataset`` returns only data whose version (of exactly the
bytes read) the build took or a validation passed, validating them itself otherwise, and refuses to return
anything when a problem is found.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from dprk_report import paths, vocab
from dprk_report.data.columns import TABLE_COLUMNS, RealDate
from dprk_report.data.errors import DatasetError, changed_while_building
from dprk_report.data.parsed_tables import keep_frames, kept_frames
from dprk_report.data.tables import (
    TABLES,
    complete_replace,
    parse_table,
    read_table_file,
    reads_by_file,
    table_names,
    table_path,
)
from dprk_report.data.validated import known_valid, remember_valid, validation_key
from dprk_report.data.version import data_version
from dprk_report.text.dates import parse_partial_date

if TYPE_CHECKING:
    from dprk_report.data.validation import ValidationReport

#: Typed datasets already loaded in this process, by (data dir, archive dir, data version). Caches here are named
#: in lower case: not constants, which ``report.kept_charts.package_state`` compares by value.
_loaded: dict[tuple[str, str, str], Dataset] = {}
#: The tables (as read) and their file names that ``validate_for_loading`` just found valid in this process, by
#: the same key: the next ``load_dataset`` types them instead of reading the tables again (the build's first
#: kernel validates the data, then runs pages). At most one version, dropped by the next ``load_dataset``
#: whichever version it loads.
_validated_frames: dict[tuple[str, str, str], tuple[dict, dict]] = {}


@dataclass(frozen=True)
class Dataset:
    """The four tables, typed (see ``load_dataset``)."""

    sources: pd.DataFrame
    statements: pd.DataFrame
    estimates: pd.DataFrame
    citations: pd.DataFrame
    #: The tables as read (text, indexed by line number), for checks that name a file and line.
    raw: dict = field(default_factory=dict, repr=False, compare=False)
    #: Each table's file as findings name it (``data/statements.csv``).
    names: dict = field(default_factory=dict, repr=False, compare=False)
    #: The typed tables as ``typed_dataset`` made them, of which every dataset it or ``load_dataset`` hands out
    #: is a copy-on-write view: what ``derived_once`` functions derive comes from it and stays with it.
    #: Read it, never change it. None for a dataset made otherwise (and not an argument: ``replace`` with
    #: other tables gives none).
    origin: Dataset | None = field(default=None, init=False, repr=False, compare=False)
    #: What ``derived_once`` functions derived (kept by an origin only), by function name: (function, table).
    derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)


def derived_once(function):
    """Make ``function(dataset)``, a table (or a tuple of immutable values) derived from the whole dataset, run
    once per loaded data version.

    Every page of a build, run one after another in one kernel, loads the same dataset and derives the same
    dataset-wide tables (each record's first report, the estimates with their public dates) before it
    selects its window: seconds a page at 100 times today's data.

    For a dataset from ``load_dataset`` (or ``typed_dataset``) the table is derived once, from a fresh view
    of the tables as typed (whatever a caller, or the function, changes in its own view), and kept with them;
    each caller gets its own view of it (a shallow copy: with pandas' copy-on-write, changing it changes the
    caller's copy only; a tuple is shared as it is). A dataset made any other way is derived from each time.
    A reloaded module's function replaces the table its name kept; a change to a helper it calls needs a fresh
    kernel, as any code change without reloading does.
    """
    name = (function.__module__, function.__qualname__)

    @functools.wraps(function)
    def once(dataset: Dataset):
        origin = dataset.origin
        if origin is None:
            return function(dataset)
        kept = origin.derived.get(name)
        if kept is None or kept[0] is not function:
            kept = origin.derived[name] = (function, function(_view(origin)))
        return kept[1] if isinstance(kept[1], tuple) else kept[1].copy(deep=False)

    return once


def _view(origin: Dataset) -> Dataset:
    """New frame objects over ``origin``'s tables, typed and as read (``raw``), linked to it: with pandas'
    copy-on-write, whoever changes a frame in place gets its own copy of what it changes, and ``origin`` stays as
    it was (what later pages load, and what ``keep_for_next_load`` keeps for later builds)."""
    tables = {table: getattr(origin, table).copy(deep=False) for table in TABLES}
    view = replace(origin, **tables, raw={table: frame.copy(deep=False) for table, frame in origin.raw.items()})
    object.__setattr__(view, "origin", origin)  # a frozen dataclass: set once, here
    return view


#: Date columns (those the codebook's rules hold to a real date); each gains ``<name>_start`` and ``<name>_end``
#: beside the written form.
DATE_COLUMNS = {
    table: tuple(name for name, column in columns.items() if any(isinstance(rule, RealDate) for rule in column.rules))
    for table, columns in TABLE_COLUMNS.items()
}

CATEGORIES = {
    "sources": {
        "published_precision": vocab.PUBLISHED_PRECISIONS,
        "published_basis": vocab.PUBLISHED_BASES,
        "wire_agency": vocab.WIRE_AGENCIES,
    },
    "statements": {
        "date_precision": vocab.DATE_PRECISIONS,
        "date_basis": vocab.DATE_BASES,
        "side": vocab.SIDES,
        "channel": vocab.CHANNELS,
        "act": vocab.ACTS,
        "state_media_date_basis": vocab.DATE_BASES,
    },
    "estimates": {
        "metric": vocab.METRICS,
        "qualifier_kind": vocab.QUALIFIER_KIND_NAMES,
        "estimator_side": vocab.SIDES,
        "disclosure_channel": vocab.DISCLOSURE_CHANNELS,
        "announced_precision": vocab.DATE_PRECISIONS,
        "announced_basis": vocab.DATE_BASES,
        "as_of_precision": vocab.AS_OF_PRECISIONS,
    },
    "citations": {},
}

FIGURES = ("low", "best", "high")


def load_dataset(data_dir: Path | None = None, archive_dir: Path | None = None, taken: str | None = None) -> Dataset:
    """Validate the dataset, then return its tables typed.

    Ids and free text stay strings; every date column keeps its written form and
    gains ``_start``/``_end`` datetime columns for the period it covers (the end of
    a ``not_before`` publication date is missing: it is open); vocabulary columns
    are categoricals over the whole vocabulary; ``low``/``best``/``high`` are
    nullable ``Int64``; ``is_excerpt`` is boolean; estimates gain
    ``qualifier_kind``. Raises ``DatasetError`` listing every problem when the
    data are invalid.

    ``taken``: the data version a build took and validated (by default ``paths.TRUSTED_ENV``'s, set in a build's
    kernels): the data are trusted as that version, not validated again, and ``DatasetError`` is raised
    (``errors.changed_while_building``) unless they are that version. A process that holds that version
    already returns it as it read it, without reading the files again (a change since is the build's to find:
    it takes the version again at its end).
    """
    data_dir = paths.data_dir(data_dir)
    archive_dir = paths.archive_dir(archive_dir)
    from_build = taken is None  # the build's variable, in a kernel: its error says to unset it elsewhere
    taken = os.environ.get(paths.TRUSTED_ENV) if taken is None else taken
    complete_replace(data_dir)  # a change of several tables cut off by a crash is finished first
    if not _loaded and not _validated_frames:
        # Nothing kept to look up (a kernel's first load): no version to take before reading, only that of what
        # is read (at 100 times today's data, hashing the tables and the articles' status again took 0.06 s).
        key, frames, names = _read_trusted_or_validated(data_dir, archive_dir, taken, from_build)
        _loaded[key] = typed_dataset(frames, names).origin
        return _view(_loaded[key])
    held = _key(data_dir, archive_dir, taken) if taken is not None else None
    if held in _loaded:
        # A build's kernel holding the version the build took: that is what every page of the build reads, as
        # read when the build began, not the files again (hashing them took 35 ms a page at 100 times today's
        # data). A change to them since stops the build all the same: it takes the version again at the end.
        _validated_frames.clear()  # tables a validation just kept (``watch``): never kept past a load
        return _view(_loaded[held])
    key = _key(data_dir, archive_dir, data_version(data_dir, archive_dir))
    _check_build_took(key[2], data_dir, taken, from_build)  # before the caches: they may hold another build's (watch)
    validated = _validated_frames.pop(key, None)
    _validated_frames.clear()  # another version's: never kept past a load
    if key not in _loaded:
        if validated is not None:
            frames, names = validated
        else:
            # Every dataset is kept and trusted under the version of exactly what was read: the data may change
            # (and change back) between taking the version above and reading them.
            key, frames, names = _read_trusted_or_validated(data_dir, archive_dir, taken, from_build)
        # Only the newest version is kept: a kernel kept from build to build (``watch``) would otherwise hold
        # every version the data went through.
        _loaded.clear()
        _loaded[key] = typed_dataset(frames, names).origin
    # Each caller its own view: changing a frame in place never reaches the next caller.
    return _view(_loaded[key])


def _read_trusted_or_validated(
    data_dir: Path, archive_dir: Path, taken: str | None, from_build: bool
) -> tuple[tuple[str, str, str], dict, dict]:
    """The tables read, with the key of their version, when that version is trusted (the one ``taken``, or known
    valid; parsed by an earlier process if it kept them: ``parsed_tables``); else validated."""
    files = {table: read_table_file(table_path(data_dir, table)) for table in TABLES}
    version = data_version(data_dir, archive_dir, reads_by_file({table: read for table, (_, read) in files.items()}))
    _check_build_took(version, data_dir, taken, from_build)
    if version == taken or known_valid(validation_key(version, data_dir)):
        # The build took exactly this version, or this very data was validated before by the same rules.
        frames = kept_frames(version) or {table: parse_table(*files.pop(table)).frame for table in TABLES}
        return _key(data_dir, archive_dir, version), frames, table_names(data_dir)
    # Imported only here: pandera takes over a second to import, and kernels given trusted data never need it.
    from dprk_report.data.validation import validate

    read = {table: parse_table(*files.pop(table)) for table in TABLES}
    report = validate(data_dir, archive_dir, read)  # the tables as just read, not read again
    if not report.ok:
        raise DatasetError("\n".join(str(problem) for problem in report.problems))
    remember_valid(validation_key(report.data_version, data_dir))
    return _key(data_dir, archive_dir, report.data_version), report.frames, report.names


def _check_build_took(version: str, data_dir: Path, taken: str | None, from_build: bool) -> None:
    """Raise ``DatasetError`` unless ``version`` is the one a build took (``taken``; none: any version will do):
    it validates that version once and publishes only pages of it. ``from_build``: ``taken`` came from the
    build's variable (``paths.TRUSTED_ENV``), as in a kernel or any process given it."""
    if taken is not None and version != taken:
        hint = f" (outside a build, unset ${paths.TRUSTED_ENV}: only the build sets it)" if from_build else ""
        raise changed_while_building(data_dir, hint)


def validate_for_loading(data_dir: Path | None = None, archive_dir: Path | None = None) -> tuple[ValidationReport, str]:
    """Validate the dataset (``validation.validate``); return the report and the data version validated: that
    of exactly what was read, even if a file changed (and changed back) meanwhile.

    Valid tables are kept for the next ``load_dataset`` in this process, under that version: a load finds
    them only if the data are that version then.
    """
    from dprk_report.data.validation import validate  # pandera: imported only by what validates

    report = validate(data_dir, archive_dir)
    _validated_frames.clear()
    if report.ok:
        data_dir = paths.data_dir(data_dir)
        _validated_frames[_key(data_dir, paths.archive_dir(archive_dir), report.data_version)] = (
            report.frames,
            report.names,
        )
    return report, report.data_version


def keep_for_next_load(version: str, data_dir: Path | None = None, archive_dir: Path | None = None) -> None:
    """Keep the tables of data version ``version``, trusted, as this process read them (if it holds them) for the
    next process that loads that version: ``parsed_tables``."""
    origin = _loaded.get(_key(paths.data_dir(data_dir), paths.archive_dir(archive_dir), version))
    if origin is not None:
        keep_frames(version, origin.raw)


def _key(data_dir: Path, archive_dir: Path, version: str) -> tuple[str, str, str]:
    """What a loaded dataset is kept by: its folders and its data version."""
    return (str(data_dir), str(archive_dir), version)


def typed_dataset(frames: dict[str, pd.DataFrame], names: dict[str, str]) -> Dataset:
    """The typed dataset from tables that passed validation (as ``validate`` read them): a view of its
    ``origin``, with which what is derived from it stays."""
    # New frames over the same columns, not copies: with pandas' copy-on-write, what ``_typed`` changes or adds
    # leaves the validated frames (``raw``) as they were, and the columns kept as written stay shared with them
    # (a copy of each was 4 MB more in every kernel at 100 times today's data).
    typed = {table: _typed(table, frame.reset_index(drop=True)) for table, frame in frames.items()}
    origin = Dataset(**typed, raw=frames, names=names)
    object.__setattr__(origin, "origin", origin)
    return _view(origin)


def _typed(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (the caller's own: it is changed) with its columns typed and its derived columns added."""
    if table == "estimates":
        frame = _with_qualifier_kind(frame)
        for column in FIGURES:
            frame[column] = pd.to_numeric(frame[column]).astype("Int64")
    if table == "sources":
        frame["is_excerpt"] = frame["is_excerpt"].map({"true": True, "false": False}).astype("boolean")
    for column in DATE_COLUMNS[table]:
        frame = _with_period(frame, column, open_ended=_not_before(frame, table))
    for column, categories in CATEGORIES[table].items():
        frame[column] = pd.Categorical(frame[column], categories=list(categories))
    return frame


def _with_qualifier_kind(frame: pd.DataFrame) -> pd.DataFrame:
    kinds = [vocab.qualifier_kind(None if pd.isna(q) else q) for q in frame["qualifier"]]
    frame.insert(frame.columns.get_loc("qualifier") + 1, "qualifier_kind", kinds)
    return frame


def _not_before(frame: pd.DataFrame, table: str) -> pd.Series:
    """Rows whose date gives only the earliest possible day."""
    if table != "sources":
        return pd.Series(False, index=frame.index)
    return frame["published_precision"] == "not_before"


def _with_period(frame: pd.DataFrame, column: str, open_ended: pd.Series) -> pd.DataFrame:
    """Insert ``<column>_start`` and ``<column>_end`` right after ``column``."""
    periods = [None if pd.isna(text) else parse_partial_date(text) for text in frame[column]]
    starts = [period.start if period else None for period in periods]
    ends = [period.end if period and not is_open else None for period, is_open in zip(periods, open_ended)]
    position = frame.columns.get_loc(column) + 1
    frame.insert(position, f"{column}_start", pd.to_datetime(pd.Series(starts, index=frame.index, dtype=object)))
    frame.insert(position + 1, f"{column}_end", pd.to_datetime(pd.Series(ends, index=frame.index, dtype=object)))
    return frame
