"""Charts kept from one build to the next: a chart drawn from the same inputs as before is shown again from
its kept files instead of being drawn and saved again (the costliest steps of a page: 1.1 of the cadence
page's 1.5 s). A notebook whose code was edited therefore runs again in full, but only the charts whose
inputs changed are drawn.

Owns what a chart's key is made of, and the kept charts in a folder. Only a build keeps charts: it names the
folder (``paths.KEPT_CHARTS_ENV``, ``pipeline.chart_folders``) after the package code, the locked environment
and the data version, so that a change to any of them starts an empty folder; outside a build every chart is
drawn.

The key of a chart is a hash of everything its drawing reads besides the package and the environment: the
chart's name, the frame it draws, matplotlib's settings, and the drawing function's code with every value it
reads (the notebook's names it uses, the values it closes over, its defaults), followed into functions the
notebook defines. A value the key cannot state exactly (an object of an unknown type, a module from outside
the package and the environment) makes the chart drawn afresh: a missed chance to reuse, never a stale chart.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime
import enum
import functools
import hashlib
import os
import pickle
import sys
import types
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd

from dprk_report import paths
from dprk_report.data.kept import read_kept, write_kept


class Unkeyable(Exception):
    """A value the key of a chart cannot state exactly."""


def folder() -> Path | None:
    """The folder of kept charts the build named, or None outside a build."""
    named = os.environ.get(paths.KEPT_CHARTS_ENV)
    return Path(named) if named else None


def chart_key(frame, draw, name: str) -> str | None:
    """The key of the chart ``draw(frame)`` saved as ``name``, or None when some input cannot be stated."""
    digest = hashlib.sha256()
    try:
        _feed(digest, (name, frame, draw, _settings()), set())
    except Unkeyable:
        return None
    return digest.hexdigest()


@dataclasses.dataclass(frozen=True)
class KeptChart:
    title: str
    svg: str
    png: bytes


def find(key: str) -> KeptChart | None:
    """The chart kept under ``key``, if any (marked as just used, for ``pipeline.chart_folders.tidy``)."""
    record = read_kept(_file(key))
    if record is None:
        return None
    with contextlib.suppress(OSError):
        os.utime(_file(key))
    return KeptChart(record["title"], record["svg"], base64.b64decode(record["png"]))


def keep(key: str, chart: KeptChart) -> None:
    """Keep ``chart`` under ``key`` (written whole, then renamed: another kernel never reads half of it)."""
    write_kept(_file(key), {"title": chart.title, "svg": chart.svg, "png": base64.b64encode(chart.png).decode("ascii")})


def _file(key: str) -> Path:
    return folder() / f"{key}.json"


def _settings() -> list:
    """matplotlib's settings as they are now: a notebook may change them before it draws."""
    return sorted((k, repr(v)) for k, v in mpl.rcParams.items())


_PLAIN = (type(None), bool, int, float, complex, str, bytes, enum.Enum)
_PLAIN += (datetime.date, datetime.time, datetime.timedelta)
_PICKLED = (pd.DataFrame, pd.Series, pd.Index, np.ndarray, np.generic, pd.Timestamp, pd.Timedelta, pd.Period)


def _feed(digest, value, seen: set[int]) -> None:
    """Add ``value`` to ``digest``, with its type, so that values of different types never feed alike."""
    kind = type(value)
    digest.update(f"<{kind.__module__}.{kind.__qualname__}>".encode())
    if isinstance(value, _PLAIN):
        digest.update(repr(value).encode())
    elif isinstance(value, _PICKLED):
        # Exact: two pickles alike hold equal values (equal values may pickle unlike: a missed reuse only).
        digest.update(pickle.dumps(value, protocol=5))
    elif isinstance(value, (list, tuple)):
        _feed_all(digest, value, seen)
    elif isinstance(value, dict):
        _feed_all(digest, list(value.items()), seen)
    elif isinstance(value, (set, frozenset)):
        digest.update("".join(sorted(_digest_of(item, seen) for item in value)).encode())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _feed_all(digest, [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)], seen)
    elif isinstance(value, types.ModuleType):
        digest.update(_installed(value).encode())
    elif isinstance(value, functools.partial):
        _feed_all(digest, (value.func, value.args, value.keywords), seen)
    elif isinstance(value, (types.FunctionType, type, types.BuiltinFunctionType)):
        _feed_callable(digest, value, seen)
    else:
        raise Unkeyable(kind.__qualname__)


def _feed_all(digest, values, seen: set[int]) -> None:
    digest.update(f"[{len(values)}]".encode())
    for item in values:
        _feed(digest, item, seen)


def _digest_of(value, seen: set[int]) -> str:
    digest = hashlib.sha256()
    _feed(digest, value, seen)
    return digest.hexdigest()


def _feed_callable(digest, value, seen: set[int]) -> None:
    """A function or class of the package or the environment is named (their code is in the folder's name);
    one the notebook defined is fed whole: its code and every value it reads."""
    module = sys.modules.get(getattr(value, "__module__", None) or "")
    if module is not None and module.__name__ != "__main__":
        digest.update(f"{_installed(module)}:{value.__qualname__}".encode())
        return
    if not isinstance(value, types.FunctionType):
        raise Unkeyable(repr(value))
    if id(value) in seen:  # a function that calls itself, or two that call each other
        digest.update(b"<seen>")
        return
    seen.add(id(value))
    code = value.__code__
    _feed_code(digest, code)
    used = sorted({name for name in _names(code) if name in value.__globals__})
    _feed_all(digest, [(name, value.__globals__[name]) for name in used], seen)
    _feed_all(digest, [cell.cell_contents for cell in value.__closure__ or ()], seen)
    _feed_all(digest, (value.__defaults__, value.__kwdefaults__), seen)


def _feed_code(digest, code: types.CodeType) -> None:
    digest.update(code.co_code)
    digest.update(repr(code.co_names).encode())
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            _feed_code(digest, constant)
        else:
            digest.update(f"{type(constant).__qualname__}:{constant!r}".encode())


def _names(code: types.CodeType) -> set[str]:
    """The names ``code`` and the functions defined in it read from the notebook's namespace."""
    found = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            found |= _names(constant)
    return found


def _installed(module: types.ModuleType) -> str:
    """The name of a module of the package or the environment, whose code the folder's name covers."""
    location = getattr(module, "__file__", None)
    if location is None:  # built into the interpreter
        return module.__name__
    where = Path(location).resolve()
    if where.is_relative_to(paths.PACKAGE_DIR) or any(
        where.is_relative_to(Path(prefix).resolve()) for prefix in {sys.prefix, sys.base_prefix}
    ):
        return module.__name__
    raise Unkeyable(f"module {module.__name__} from {location}")
