"""What a process keeps in ``build/`` for the next one (article hashes, page times): JSON written whole, then
renamed into place, so that a reader never sees half of it. Never required: without it, the next process
does the work again or in its default order, so a file that cannot be read or written is no error."""

from __future__ import annotations

import json
import os
from pathlib import Path


def read_kept(store: Path):
    """What ``store`` holds, or ``None`` when it is missing or is not JSON."""
    try:
        return json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_kept(store: Path, value) -> None:
    """Keep ``value`` in ``store`` (nothing when the folder cannot take it: a read-only project still builds)."""
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        written = store.with_name(f".{store.name}.{os.getpid()}")
        written.write_text(json.dumps(value, sort_keys=True), encoding="utf-8")
        os.replace(written, store)
    except OSError:
        pass
