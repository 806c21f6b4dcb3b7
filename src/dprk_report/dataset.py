"""Load the validated dataset as typed pandas frames.

The analysis never sees unvalidated data: ``load_dataset`` validates first and
refuses to return anything when a problem is found.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from . import consistency, paths, vocab
from .dates import parse_partial_date
from .tables import TABLES, read_table, table_path

#: Typed datasets already loaded in this process, by (data dir, archive dir, data version).
_LOADED: dict[tuple[str, str, str], "Dataset"] = {}


class DatasetError(ValueError):
    """The dataset failed validation; the message lists every problem, one a line."""


@dataclass(frozen=True)
class Dataset:
    """The four tables, typed (see ``load_dataset``)."""

    sources: pd.DataFrame
    statements: pd.DataFrame
    estimates: pd.DataFrame
    citations: pd.DataFrame
    #: Where sources disagree (``consistency.ConsistencyWarning``); they do not make the data invalid.
    warnings: tuple = ()


#: Date columns; each gains ``<name>_start`` and ``<name>_end`` beside the written form.
DATE_COLUMNS = {
    "sources": ("published_date",),
    "statements": ("event_date", "state_media_report_date"),
    "estimates": ("announced_date", "as_of_date"),
    "citations": (),
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


def load_dataset(data_dir: Path | None = None, archive_dir: Path | None = None) -> Dataset:
    """Validate the dataset, then return its tables typed.

    Ids and free text stay strings; every date column keeps its written form and
    gains ``_start``/``_end`` datetime columns for the period it covers (the end of
    a ``not_before`` publication date is missing: it is open); vocabulary columns
    are categoricals over the whole vocabulary; ``low``/``best``/``high`` are
    nullable ``Int64``; ``is_excerpt`` is boolean; estimates gain
    ``qualifier_kind``. Raises ``DatasetError`` listing every problem when the
    data are invalid.
    """
    from .build.fingerprint import data_version

    data_dir = Path(data_dir) if data_dir is not None else paths.data_dir()
    archive_dir = Path(archive_dir) if archive_dir is not None else paths.archive_dir()
    key = (str(data_dir), str(archive_dir), data_version(data_dir, archive_dir))
    if key not in _LOADED:
        frames, warnings = _checked_frames(data_dir, archive_dir, trusted=os.environ.get(paths.TRUSTED_ENV) == key[2])
        typed = {table: _typed(table, frame.reset_index(drop=True)) for table, frame in frames.items()}
        _LOADED[key] = Dataset(**typed, warnings=tuple(warnings))
    cached = _LOADED[key]
    # New frame objects over the same data: with pandas' copy-on-write, a caller changing a frame
    # in place gets its own copy of what it changes, and the next caller still gets the original.
    return replace(cached, **{table: getattr(cached, table).copy(deep=False) for table in TABLES})


def _checked_frames(data_dir: Path, archive_dir: Path, trusted: bool):
    """The raw frames and consistency warnings, validated unless the build already validated this version.

    The build validates once, then tells the notebook kernels (``paths.TRUSTED_ENV``)
    the data version it validated; a kernel that sees exactly that version skips
    the second validation. Any other version is validated here.
    """
    if not trusted:
        from .validation import validate

        report = validate(data_dir, archive_dir)
        if not report.ok:
            raise DatasetError("\n".join(str(problem) for problem in report.problems))
        return report.frames, report.warnings
    frames = {table: read_table(table_path(data_dir, table)).frame for table in TABLES}
    names = {table: paths.shown(table_path(data_dir, table)) for table in TABLES}
    return frames, consistency.check(frames, names)


def _typed(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
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
    ends = [
        period.end if period and not is_open else None
        for period, is_open in zip(periods, open_ended)
    ]
    position = frame.columns.get_loc(column) + 1
    frame.insert(position, f"{column}_start", pd.to_datetime(pd.Series(starts, index=frame.index, dtype=object)))
    frame.insert(position + 1, f"{column}_end", pd.to_datetime(pd.Series(ends, index=frame.index, dtype=object)))
    return frame
