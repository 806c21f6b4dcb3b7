"""The list of data releases (``data/releases/releases.csv``): each release's name, day, data version and size.

A release is named by its day (``2026.11.25``; a second release the same day is ``2026.11.25.2``) and tagged
in git as ``data-<name>``. The list is written by the release command (``release``), read by the index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from dprk_report.data.ids import RELEASES_FOLDER
from dprk_report.data.tables import TABLES, read_rows, write_rows

HEADER = ["name", "date", "data_version", *TABLES]
TAG_PREFIX = "data-"


def releases_path(data_dir: Path) -> Path:
    return Path(data_dir) / RELEASES_FOLDER / "releases.csv"


def changelog_path(data_dir: Path) -> Path:
    return Path(data_dir) / "CHANGELOG.md"


@dataclass(frozen=True)
class Release:
    name: str
    date: str
    data_version: str
    counts: dict[str, int]

    @property
    def tag(self) -> str:
        return TAG_PREFIX + self.name

    def row(self) -> dict:
        return {"name": self.name, "date": self.date, "data_version": self.data_version} | {
            table: str(self.counts.get(table, 0)) for table in TABLES
        }


def read_releases(data_dir: Path) -> list[Release]:
    """Every release, oldest first (none when the list does not exist yet)."""
    path = releases_path(data_dir)
    if not path.is_file():
        return []
    _, rows = read_rows(path)
    return [
        Release(row["name"], row["date"], row["data_version"], {table: int(row.get(table) or 0) for table in TABLES})
        for row in rows
    ]


def write_releases(data_dir: Path, releases: list[Release]) -> None:
    path = releases_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_rows(path, HEADER, [release.row() for release in releases])


def release_name(day: dt.date, taken: list[str]) -> str:
    """The release name for ``day``: ``YYYY.MM.DD``, or with ``.2``, ``.3``... when that name is taken."""
    base = f"{day:%Y.%m.%d}"
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}.{number}"
    return name


def release_of(releases: list[Release], version: str) -> Release | None:
    """The newest release whose data are exactly ``version`` (``None``: these data were never released)."""
    return next((release for release in reversed(releases) if release.data_version == version), None)
