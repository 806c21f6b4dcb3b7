"""The four tables as read (``tables.parse_table``'s frames), kept in ``build/parsed-tables/`` for the next
process that loads the same data version: reading them back takes a fraction of parsing the CSV files again (at
100 times today's data, 0.06 s against 0.3 s, in each kernel of every build after the first).

A version is kept only by a process that trusts it (a build that took and validated it: ``kernel_jobs``), and
found only by one that trusts it too (``dataset.load_dataset``), which has hashed the files it read to know their
version. Kept under a key of that version (the tables' bytes and the articles they register), of the code that
parses and keeps them (``tables`` and this module, as loaded) and of the versions of Python, NumPy and pandas;
the file starts with that key, checked as it is read; only the newest version is kept. Never required: a missing,
unreadable or foreign file means the tables are parsed again (and the file written anew), and a folder that
cannot be written keeps nothing.

The files are pickles, which run code as they are read: only the project's own processes write them, in its own
``build/`` folder, where whoever could write one could as well change the code itself.
"""

from __future__ import annotations

import math
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from dprk_report import paths
from dprk_report.data import tables
from dprk_report.data.kept import write_whole
from dprk_report.data.tables import TABLES, string_frame
from dprk_report.data.version import file_hash, text_hash

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

FOLDER = "parsed-tables"
SUFFIX = ".pickle"
#: The code this process parses and keeps tables with (``tables``, and this module's format), hashed as it is
#: loaded: a file changed later (an edit, a checkout while ``watch`` runs) is not code this process runs.
_CODE = text_hash(file_hash(tables.__file__) + file_hash(__file__))


def kept_frames(version: str) -> dict[str, pd.DataFrame] | None:
    """The tables of data version ``version`` as a process that trusted it read them, by table name; ``None``
    when none are kept (or what is kept cannot be read)."""
    key = _key(version)
    try:
        with open(_store(key), "rb") as file:
            if pickle.load(file) != key:  # the key the file was written under, first
                return None
            stored = pickle.load(file)
        return {table: _frame(*stored[table]) for table in TABLES}
    # A file cut short, written by other code or by other versions of the libraries: unpickling raises any
    # error the objects it makes raise. Any of them means only that the tables are parsed again.
    except Exception:
        return None


def keep_frames(version: str, frames: dict[str, pd.DataFrame]) -> None:
    """Keep ``frames`` (the tables of data version ``version``, which the caller trusts, as ``parse_table`` read
    them) for the next process that loads that version, in place of anything else in the folder (another
    version, a file left half written); nothing if they are kept already, or when the folder cannot take them."""
    key = _key(version)
    store = _store(key)
    try:
        if _written_under(store) == key:
            return
        kept = {table: _columns(frames[table]) for table in TABLES}
        protocol = pickle.HIGHEST_PROTOCOL
        if write_whole(store, pickle.dumps(key, protocol) + pickle.dumps(kept, protocol)):
            for other in store.parent.iterdir():
                if other != store:
                    other.unlink(missing_ok=True)
    except OSError:  # a folder that cannot be listed, an entry that cannot be removed: never the build's failure
        pass


def _written_under(store: Path) -> str | None:
    """The key ``store`` was written under (``None``: no such file, or not one of these)."""
    try:
        with open(store, "rb") as file:
            key = pickle.load(file)
    except Exception:  # as in kept_frames: anything unpickling raises means a file to write again
        return None
    return key if isinstance(key, str) else None


def _key(version: str) -> str:
    """What a version's tables are kept under: the data version, :data:`_CODE`, and the versions of Python, NumPy
    and pandas (which pickle and unpickle the frames)."""
    import numpy
    import pandas

    return text_hash("\0".join((version, _CODE, sys.version, numpy.__version__, pandas.__version__)))


def _store(key: str) -> Path:
    return paths.BUILD_DIR / FOLDER / f"{key}{SUFFIX}"


def _columns(frame: pd.DataFrame) -> tuple[list[int], list[tuple[str, np.ndarray, list[str]]]]:
    """A table as kept: its lines, and each column's name, which of its cells are empty, and the texts of the
    others. Not the frame pickled as it is: each empty cell (``NaN``, one object for all in a table read) would
    come back as an object of its own, at 100 times today's data some 400,000 of them, 11 MB more in each
    kernel; the texts, one object for all the cells of a text as read (``tables._shared_texts``), come back so."""
    columns = []
    for name, column in frame.items():
        cells = column.to_numpy(dtype=object)
        empty = column.isna().to_numpy()
        columns.append((name, empty, cells[~empty].tolist()))
    return frame.index.tolist(), columns


def _frame(lines: list[int], columns: list) -> pd.DataFrame:
    """A table kept by :func:`_columns`, as ``parse_table`` read it."""
    import numpy as np

    data = {}
    for name, empty, texts in columns:
        cells = np.full(len(empty), math.nan, dtype=object)  # one NaN object for every empty cell, as read
        cells[~empty] = texts
        data[name] = cells
    return string_frame(data, lines)
