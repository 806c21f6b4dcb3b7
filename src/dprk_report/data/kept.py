"""What a process keeps in ``build/`` for the next one (article hashes, page times; the tables as read:
``parsed_tables``): written whole, then renamed into place, so that a reader never sees half of it. Never
required: without it, the next process does the work again or in its default order, so a file that cannot be
read or written is no error."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def read_kept(store: Path):
    """What ``store`` holds, or ``None`` when it is missing or is not JSON."""
    try:
        return json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_kept(store: Path, value) -> None:
    """Keep ``value`` in ``store`` (nothing when the folder cannot take it: a read-only project still builds)."""
    # One call: json.dump encodes in Python, slower.
    write_whole(store, json.dumps(value, sort_keys=True).encode("utf-8"))


def write_whole(store: Path, data: bytes) -> bool:
    """Write ``data`` to a file beside ``store``, then rename it into place; whether it could (no: the folder
    cannot take it)."""
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        handle, written = tempfile.mkstemp(dir=store.parent, prefix=f".{store.name}.")
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(written, store)
    except BaseException as error:  # an interrupt too: no half-written file left behind
        Path(written).unlink(missing_ok=True)
        if isinstance(error, OSError):
            return False
        raise
    return True
