"""Charts kept from one build to the next: a chart drawn from the same inputs as before is shown again from
its kept files instead of being drawn and saved again (the costliest steps of a page: 1.1 of the cadence
page's 1.5 s). A notebook whose code was edited therefore runs again in full, but only the charts whose
inputs changed are drawn.

Owns what a chart's key is made of, and the kept charts in a folder. Only a build keeps charts: it names the
folder (``paths.KEPT_CHARTS_ENV``, ``pipeline.chart_folders``) after the package code, the locked environment
and the data version, so that a change to any of them starts an empty folder; outside a build every chart is
drawn.

The key of a chart is a hash of everything its drawing reads besides the package's code: the chart's name, the
frame it draws, matplotlib's settings, the versions of Python and of the libraries that draw, the font, and the
drawing function's code with every value it reads (the notebook's names it uses, the values it closes over, its
defaults), followed into the functions the notebook defines. What the key cannot state exactly means the chart
is drawn: a value of a type it does not know (a class the notebook defines among them), a module from outside
the package and the environment, and a package changed since the kernel loaded it (``remember_package``: a
notebook that sets one of the package's constants, such as a side's colour, or replaces one of its functions).
A drawing that changes matplotlib's settings is not kept: the charts after it are drawn with them.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import datetime
import dis
import enum
import functools
import hashlib
import importlib
import os
import pickle
import platform
import sys
import types
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd

from dprk_report import paths
from dprk_report.data.kept import read_kept, write_kept

PACKAGE = "dprk_report"


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
        if package_state() != _package_at_start:
            raise Unkeyable("the package changed since the kernel loaded it")
        _feed(digest, (name, frame, draw, settings(), _drawing_environment()), {})
    # Unkeyable, and any error while keying (a value that cannot be pickled, a cell not yet filled, a value
    # nested past the recursion limit): the chart is drawn, never an error.
    except Exception:  # noqa: BLE001
        return None
    return digest.hexdigest()


@dataclasses.dataclass(frozen=True)
class ChartFiles:
    """A chart as saved: its title (the finding it states), its SVG and its PNG."""

    title: str
    svg: str
    png: bytes


def find(key: str) -> ChartFiles | None:
    """The chart kept under ``key``, if any (marked as just used, for ``pipeline.chart_folders.tidy``); none when
    what is kept there cannot be read as one."""
    record = read_kept(_file(key))
    try:
        chart = ChartFiles(record["title"], record["svg"], base64.b64decode(record["png"], validate=True))
    except (TypeError, KeyError, binascii.Error):
        return None
    if not (isinstance(chart.title, str) and isinstance(chart.svg, str)):
        return None
    with contextlib.suppress(OSError):
        os.utime(_file(key))
    return chart


def keep(key: str, chart: ChartFiles) -> None:
    """Keep ``chart`` under ``key`` (written whole, then renamed: another kernel never reads half of it)."""
    write_kept(_file(key), {"title": chart.title, "svg": chart.svg, "png": base64.b64encode(chart.png).decode("ascii")})


def _file(key: str) -> Path:
    return folder() / f"{key}.json"


#: Settings that choose matplotlib's backend, which draws no file here (``saving.chart_canvas`` does), set when
#: the drawing stack is first loaded (``saving`` chooses Agg).
BACKEND_SETTINGS = ("backend", "backend_fallback")


def settings() -> list:
    """matplotlib's settings as they are now: a notebook may change them before it draws; not
    :data:`BACKEND_SETTINGS`."""
    # Read as a dict: reading the backend through rcParams would choose one, and load pyplot to do it.
    return sorted((k, repr(v)) for k, v in dict.items(mpl.rcParams) if k not in BACKEND_SETTINGS)


@functools.cache
def _drawing_environment() -> tuple:
    """What draws the charts besides the package: the interpreter, the libraries (an environment made otherwise
    than from ``uv.lock``, such as conda's, among them) and the font the style names."""
    from matplotlib import font_manager

    from dprk_report.report.style import RC

    libraries = ("matplotlib", "numpy", "pandas", "PIL")
    family = RC["font.family"]
    fonts = [Path(font_manager.findfont(name)) for name in ([family] if isinstance(family, str) else family)]
    files = [(str(font), font.stat().st_size, font.stat().st_mtime_ns) for font in fonts]
    versions = [importlib.import_module(name).__version__ for name in libraries]  # loaded, or light to load
    return (sys.version, platform.machine(), versions, files)


#: The package as the kernel loaded it: its modules' names, each with what its names are bound to. Filled in
#: place, never bound again: it is part of the package's state.
_package_at_start: dict[str, str] = {}


def remember_package() -> None:
    """Remember the package as it is now (``kernel_state.save``, once the kernel loaded what every page
    imports): a later change to it (a constant set, a function replaced) means no chart is shown from its
    kept files. Until then, none is."""
    state = package_state()
    _package_at_start.clear()
    _package_at_start.update(state)


def import_module(name: str) -> types.ModuleType:
    """The package's module ``name``, imported if it is not yet (:func:`loading_remembered`)."""
    if name in sys.modules:
        return sys.modules[name]
    with loading_remembered():
        return importlib.import_module(name)


@contextlib.contextmanager
def loading_remembered():
    """Remember, as loaded, the package's modules that load inside the block: the package's own import (a
    module the charts need, a kernel job's: ``pipeline.execute.CALL``), not a change a page made. Only while
    the package is as remembered: a module imported after a page changed it may have taken the change in (a
    name copied from another module), and is then left out, so that no chart is kept after it. A module
    remembered already stays as it was; before the package is remembered, nothing is."""
    unchanged = bool(_package_at_start) and package_state() == _package_at_start
    loaded = set(sys.modules)
    yield
    if unchanged and set(sys.modules) != loaded:
        state = package_state()
        new = set(state) - loaded - set(_package_at_start)
        _package_at_start.update({name: state[name] for name in new})


def package_state() -> dict[str, str]:
    """Each loaded module of the package, with a digest of what its names are bound to (objects by identity,
    and the constants, named in capitals, by their value too: changed in place, a dict stays the same object).
    Module state that is not a constant is therefore named in lower case (a cache such as ``dataset._loaded``): a
    load filling it is no change to the package, and writing out its values (datasets, thousands of article
    hashes) at every chart would cost more than the chart's key. A module loaded since :func:`remember_package`
    appears as a change."""
    state = {}
    for name, module in sorted((n, m) for n, m in list(sys.modules.items()) if n.split(".")[0] == PACKAGE):
        digest = hashlib.sha256()
        for attribute, value in sorted(vars(module).items()):
            # A submodule, bound to its package's name when first imported: the import's doing, not a change.
            if attribute.startswith("__") or value is sys.modules.get(f"{name}.{attribute}"):
                continue
            digest.update(f"{attribute}={id(value)};".encode())
            if attribute.isupper():
                digest.update(repr(value).encode())
        state[name] = digest.hexdigest()
    return state


_PLAIN = (type(None), bool, int, float, complex, str, bytes, enum.Enum)
_PLAIN += (datetime.date, datetime.time, datetime.timedelta)
_PICKLED = (pd.DataFrame, pd.Series, pd.Index, np.ndarray, np.generic, pd.Timestamp, pd.Timedelta, pd.Period)
#: Containers fed item by item: these types only, not their subclasses (which may hold more, or behave otherwise).
_CONTAINERS = (list, tuple, dict, set, frozenset)


def _feed(digest, value, seen: dict[int, int]) -> None:
    """Add ``value`` to ``digest``, with its type, so that values of different types never feed alike.

    ``seen``: the functions and containers fed so far, by identity, each with its number; one met again is fed
    as that number (a function calling itself, a dataset referring to itself)."""
    kind = type(value)
    digest.update(f"<{kind.__module__}.{kind.__qualname__}>".encode())
    if isinstance(value, _PLAIN):
        digest.update(repr(value).encode())
        return
    if isinstance(value, _PICKLED):
        # Exact: two pickles alike hold equal values (equal values may pickle unlike: a missed reuse only).
        digest.update(pickle.dumps(value, protocol=5))
        return
    if id(value) in seen:
        digest.update(f"<seen {seen[id(value)]}>".encode())
        return
    seen[id(value)] = len(seen)
    if kind in (list, tuple):
        _feed_all(digest, value, seen)
    elif kind is dict:
        _feed_all(digest, list(value.items()), seen)
    elif kind in (set, frozenset):
        digest.update("".join(sorted(_digest_of(item, seen) for item in value)).encode())
    elif isinstance(value, types.ModuleType):
        digest.update(_installed(value).encode())
    elif kind is functools.partial:
        _feed_all(digest, (value.func, value.args, value.keywords), seen)
    elif isinstance(value, (types.FunctionType, type, types.BuiltinFunctionType)):
        _feed_callable(digest, value, seen)
    elif (dataclasses.is_dataclass(value) or isinstance(value, tuple)) and _named(kind):
        # A dataclass or named tuple of the package or the environment: its class's code is theirs.
        fields = [f.name for f in dataclasses.fields(value)] if dataclasses.is_dataclass(value) else kind._fields
        _feed_all(digest, [(field, getattr(value, field)) for field in fields], seen)
    else:
        raise Unkeyable(kind.__qualname__)


def _feed_all(digest, values, seen: dict[int, int]) -> None:
    digest.update(f"[{len(values)}]".encode())
    for item in values:
        _feed(digest, item, seen)


def _digest_of(value, seen: dict[int, int]) -> str:
    digest = hashlib.sha256()
    _feed(digest, value, seen)
    return digest.hexdigest()


def _feed_callable(digest, value, seen: dict[int, int]) -> None:
    """A function or class of the package or the environment is named (their code is in the folder's name);
    one the notebook defined, or one that only bears such a name (a wrapper made with ``functools.wraps``, a
    function made inside another), is fed whole: its code and every value it reads."""
    if _named(value):
        digest.update(f"{_installed(sys.modules[value.__module__])}:{value.__qualname__}".encode())
        return
    if not isinstance(value, types.FunctionType):
        raise Unkeyable(repr(value))
    code = value.__code__
    _feed_code(digest, code)
    used = sorted(name for name in _global_names(code) if name in value.__globals__)
    _feed_all(digest, [(name, value.__globals__[name]) for name in used], seen)
    _feed_all(digest, [cell.cell_contents for cell in value.__closure__ or ()], seen)
    _feed_all(digest, (value.__defaults__, value.__kwdefaults__), seen)


def _named(value) -> bool:
    """Whether ``value`` is what its module and qualified name lead to, in a module of the package or the
    environment (else it cannot be known by its name)."""
    module = sys.modules.get(getattr(value, "__module__", None) or "")
    if module is None or module.__name__ == "__main__":
        return False
    found = module
    for part in value.__qualname__.split("."):
        found = getattr(found, part, None)
    if found is not value:
        return False
    _installed(module)  # raises Unkeyable for a module from elsewhere
    return True


def _feed_code(digest, code: types.CodeType) -> None:
    """The code's instructions, names, signature and constants (not its file or lines: moving it changes no
    chart)."""
    digest.update(code.co_code)
    shape = (code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount, code.co_flags)
    digest.update(repr((shape, code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars)).encode())
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            _feed_code(digest, constant)
        elif isinstance(constant, frozenset):  # its order depends on the interpreter's hash seed
            digest.update(repr(sorted(constant, key=repr)).encode())
        else:
            digest.update(f"{type(constant).__qualname__}:{constant!r}".encode())


def _global_names(code: types.CodeType) -> set[str]:
    """The names ``code``, and the functions defined in it, read from the notebook's namespace (not the
    attributes they read, which ``co_names`` holds too)."""
    found = {i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            found |= _global_names(constant)
    return found


@functools.cache
def _installed_at(location: str | None) -> bool:
    if location is None:  # built into the interpreter
        return True
    where = Path(location).resolve()
    roots = [paths.PACKAGE_DIR, *(Path(prefix).resolve() for prefix in {sys.prefix, sys.base_prefix})]
    return any(where.is_relative_to(root) for root in roots)


def _installed(module: types.ModuleType) -> str:
    """The name of a module of the package or the environment, whose code the folder's name covers."""
    location = getattr(module, "__file__", None)
    if not _installed_at(location):
        raise Unkeyable(f"module {module.__name__} from {location}")
    return module.__name__
