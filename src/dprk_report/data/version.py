"""Content hashes, and the data version: one hash of the curated tables and the articles they register."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from dprk_report import paths
from dprk_report.data.kept import read_kept, write_kept


def file_hash(path: Path | str) -> str:
    # open(), not Path.read_bytes: making a Path was a third of the time of hashing 7,000 small articles.
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


#: Hashes of archived articles already read, by path and the file status that shows it unchanged. In lower case,
#: as this module's other caches: not a constant (see ``report.kept_charts.package_state``).
_article_hashes: dict[tuple, str] = {}
#: A file changed less than this long ago is read again even when its status matches: a rewrite within the
#: file system's timestamp granularity can keep size and times ("racy git").
_SETTLED_NS = 2_000_000_000
#: Where those hashes are kept between processes (``None``: ``build/article-hashes.json``, never published).
HASH_STORE: Path | None = None
#: The stores whose hashes this process has added to ``_article_hashes`` (each is read once).
_stores_read: set[str] = set()


def article_hash(path: str) -> str:
    """``file_hash`` of an archived article (``"missing"`` when it is not a file), read once while its status
    (size, inode, change and modification times) stays the same, and remembered between processes
    (``HASH_STORE``): every page and every build takes the data version, and at 100 times today's archive
    reading its 7,000 articles each time cost most of a second. A change to a file's bytes changes its change
    time, which no one can set back."""
    try:
        status = os.stat(path)
    except OSError:
        return "missing"
    if not stat.S_ISREG(status.st_mode):
        return "missing"
    key = (path, status.st_size, status.st_ino, status.st_mtime_ns, status.st_ctime_ns)
    if key not in _article_hashes:
        digest = file_hash(path)
        if time.time_ns() - max(status.st_mtime_ns, status.st_ctime_ns) < _SETTLED_NS:
            return digest
        _article_hashes[key] = digest
    return _article_hashes[key]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tree_hash(files: list[Path], root: Path) -> str:
    """One hash over files' relative names and contents, independent of listing order."""
    return _named_hash({path.relative_to(root).as_posix(): file_hash(path) for path in files})


def _named_hash(hashes: dict[str, str]) -> str:
    """One hash over files' names and their content hashes (``tree_hash``), in the names' order."""
    digest = hashlib.sha256()
    for name in sorted(hashes):
        digest.update(name.encode("utf-8") + b"\0" + hashes[name].encode("ascii") + b"\n")
    return digest.hexdigest()


@dataclass(frozen=True)
class FileRead:
    """A table file as a reader read it, all the data version needs of it: the sha256 of its bytes (``None``:
    the file was missing) and, for ``sources.csv``, the archive files it registers. Kept instead of the bytes,
    which at 100 times today's data would hold some 8 MB through a validation."""

    sha256: str | None
    registered: tuple[str, ...] = ()

    @classmethod
    def of(cls, name: str, data: bytes | None) -> FileRead:
        if data is None:
            return cls(None)
        return cls(hashlib.sha256(data).hexdigest(), tuple(registered_in(data)) if name == "sources.csv" else ())


def data_version(
    data_dir: Path | None = None,
    archive_dir: Path | None = None,
    tables: dict[str, FileRead] | None = None,
    articles: dict[str, str | None] | None = None,
) -> str:
    """Hash of the curated tables and of the archived articles they register: the report's data version.

    An article placed in the archive but not yet registered in ``sources.csv`` changes nothing the
    report shows, so it does not change the version; a registered article whose bytes change does.

    ``tables`` (file name: :class:`FileRead`) and ``articles`` (archive file name: sha256, ``None`` when
    missing) are what a reader has read already: taken as read, not read again, so that the version names
    exactly what was read even if a file changed (and changed back) meanwhile. The other files (another
    table, an article the reader did not read) are hashed as they are now.
    """
    data_dir = paths.data_dir(data_dir)
    archive = Path(archive_dir or paths.archive_dir())
    tables, articles = tables or {}, articles or {}
    # As tree_hash of the tables, but a table read is taken as read (left out if it was missing then).
    table_hashes = {path.name: file_hash(path) for path in data_dir.glob("*.csv") if path.name not in tables}
    table_hashes |= {name: read.sha256 for name, read in tables.items() if read.sha256 is not None}
    digest = hashlib.sha256(_named_hash(table_hashes).encode("ascii"))
    _read_store()
    known = len(_article_hashes)
    registered = tables["sources.csv"].registered if "sources.csv" in tables else registered_articles(data_dir)
    for name in registered:
        read = (articles[name] or "missing") if name in articles else article_hash(os.path.join(archive, name))
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(read.encode("ascii") + b"\n")
    if len(_article_hashes) > known:
        _write_store(str(archive))
    return digest.hexdigest()


def _store() -> Path:
    return HASH_STORE or paths.BUILD_DIR / "article-hashes.json"


def _read_store() -> None:
    """Add the hashes kept by earlier processes (once per process); a missing or damaged store only means
    reading the articles again."""
    store = _store()
    if str(store) in _stores_read:
        return
    _stores_read.add(str(store))
    try:
        for path, size, inode, modified, changed, digest in read_kept(store) or []:
            _article_hashes.setdefault((str(path), int(size), int(inode), int(modified), int(changed)), str(digest))
    except (ValueError, TypeError):
        pass


def _write_store(archive: str) -> None:
    """Keep the hashes of this archive's articles for the next process (``data.kept``)."""
    inside = os.path.join(archive, "")
    rows = sorted([*key, digest] for key, digest in _article_hashes.items() if key[0].startswith(inside))
    write_kept(_store(), rows)  # a read-only project still builds, reading the articles each time


def registered_articles(data_dir: Path) -> list[str]:
    """The archive file names ``sources.csv`` registers, sorted (none when it cannot be read)."""
    try:
        return registered_in((Path(data_dir) / "sources.csv").read_bytes())
    except OSError:
        return []


def registered_in(sources: bytes) -> list[str]:
    """The archive file names a ``sources.csv`` of these bytes registers, sorted (none when it cannot be read)."""
    from dprk_report.data.tables import header_and_records  # here: the tables module imports this one

    try:
        # Records, not csv.DictReader's dict per row: taken at every data version, that was most of its time at
        # 100 times today's data. The header is the first record that is not blank, as every reader of the tables
        # takes it (DictReader took a blank first line for the header, and so registered nothing).
        header, records = header_and_records(io.StringIO(sources.decode("utf-8-sig"), newline=""))
        if "archive_file" not in header:
            return []
        column = len(header) - 1 - header[::-1].index("archive_file")  # the last of a repeated name, as a dict
        return sorted({cells[column] for cells in records if len(cells) > column} - {""})
    except (UnicodeDecodeError, csv.Error):
        return []
