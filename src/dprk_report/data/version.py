"""Content hashes, and the data version: one hash of the curated tables and the articles they register."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from dprk_report import paths


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tree_hash(files: list[Path], root: Path) -> str:
    """One hash over files' relative names and contents, independent of listing order."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(file_hash(path).encode("ascii") + b"\n")
    return digest.hexdigest()


def data_version(data_dir: Path | None = None, archive_dir: Path | None = None) -> str:
    """Hash of the curated tables and of the archived articles they register: the report's data version.

    An article placed in the archive but not yet registered in ``sources.csv`` changes nothing the
    report shows, so it does not change the version; a registered article whose bytes change does.
    """
    data_dir = Path(data_dir or paths.data_dir())
    archive = Path(archive_dir or paths.archive_dir())
    tables = tree_hash(sorted(data_dir.glob("*.csv")), data_dir)
    digest = hashlib.sha256(tables.encode("ascii"))
    for name in registered_articles(data_dir):
        path = archive / name
        digest.update(name.encode("utf-8") + b"\0")
        digest.update((file_hash(path) if path.is_file() else "missing").encode("ascii") + b"\n")
    return digest.hexdigest()


def registered_articles(data_dir: Path) -> list[str]:
    """The archive file names ``sources.csv`` registers, sorted (none when it cannot be read)."""
    try:
        with (Path(data_dir) / "sources.csv").open(encoding="utf-8-sig", newline="") as handle:
            return sorted({row.get("archive_file") or "" for row in csv.DictReader(handle)} - {""})
    except (OSError, UnicodeDecodeError, csv.Error):
        return []
