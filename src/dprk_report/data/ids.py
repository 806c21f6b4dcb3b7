"""Record ids are stable forever: the register of ids that releases published, and the check that keeps them.

``data/releases/published-ids.csv`` lists every id a release published (written by the release, never by
hand): the release that first published it, the release that removed it (if one did) and the record's key
(``KEY_COLUMNS``: what identifies the record apart from its id, such as a source's archived article).
``data/releases/removals.csv`` is the curator's list of published records to be removed in the next
release, each with why.

An id is never reused or renumbered: a published record may disappear from the tables only with a
removal note; an id once removed may not come back; a published source keeps its article; a published
record's key found under another id, while its own id no longer has it, is a renumbering.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dprk_report import paths
from dprk_report.data.findings import Finding
from dprk_report.data.tables import ID_COLUMNS, TABLES, read_rows, write_rows

if TYPE_CHECKING:  # the build imports this module through data.validated, and must not pay for pandas
    import pandas as pd

RELEASES_FOLDER = "releases"
PUBLISHED_HEADER = ["record_id", "table", "published_in", "removed_in", "removal_reason", "key"]
#: What identifies a record besides its id (a correction may change these, a renumbering keeps them).
KEY_COLUMNS = {
    "sources": ("archive_file",),
    "statements": ("side", "speaker", "event_date", "channel", "act"),
    "estimates": ("metric", "estimator", "announced_date", "scope", "low", "best", "high"),
    "citations": ("record_id", "source_id"),
}


def record_key(table: str, row: dict) -> str:
    """The record's key as the register keeps it: its key columns joined by ' | '."""
    return " | ".join(value if isinstance(value := row.get(column), str) else "" for column in KEY_COLUMNS[table])


REMOVALS_HEADER = ["record_id", "reason"]


def published_path(data_dir: Path) -> Path:
    return Path(data_dir) / RELEASES_FOLDER / "published-ids.csv"


def removals_path(data_dir: Path) -> Path:
    return Path(data_dir) / RELEASES_FOLDER / "removals.csv"


@dataclass
class Register:
    """The published ids (rows of ``published-ids.csv``, by id, with their line) and the pending removals."""

    published: dict[str, tuple[int, dict]]
    removals: dict[str, tuple[int, dict]]

    def live(self) -> dict[str, dict]:
        """Published ids that no release has removed."""
        return {rid: row for rid, (_, row) in self.published.items() if not row.get("removed_in")}


def _by_id(path: Path) -> dict[str, tuple[int, dict]]:
    if not path.is_file():
        return {}
    _, rows = read_rows(path)
    # Line 1 is the header; quoted cells in these files never span lines (ids, names, one-line reasons).
    return {row["record_id"]: (line, row) for line, row in enumerate(rows, start=2) if row.get("record_id")}


def read_register(data_dir: Path) -> Register:
    return Register(_by_id(published_path(data_dir)), _by_id(removals_path(data_dir)))


def write_published(data_dir: Path, rows: list[dict]) -> None:
    path = published_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_rows(path, PUBLISHED_HEADER, rows)


def write_removals(data_dir: Path, rows: list[dict]) -> None:
    path = removals_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_rows(path, REMOVALS_HEADER, rows)


def id_problems(data_dir: Path, frames: dict[str, pd.DataFrame], names: dict[str, str]) -> list[Finding]:
    """Every way the tables break the stability of published ids, as findings at file:row:field."""
    register = read_register(data_dir)
    if not register.published and not register.removals:
        return []
    published_name = paths.shown(published_path(data_dir))
    removals_name = paths.shown(removals_path(data_dir))
    present: dict[str, tuple[str, int, dict]] = {}
    for table in TABLES:
        frame = frames.get(table)
        if frame is None or ID_COLUMNS[table] not in frame.columns:
            return []  # a table that could not be read is reported already; ids cannot be compared
        for line, row in zip(frame.index, frame.to_dict("records")):
            record_id = row[ID_COLUMNS[table]]
            if isinstance(record_id, str):
                present[record_id] = (table, int(line), row)
    problems = []
    for record_id, (line, row) in register.published.items():
        removed, table = row.get("removed_in"), row.get("table") or ""
        if removed and record_id in present:
            where, at, _ = present[record_id]
            problems.append(
                Finding(
                    names[where],
                    at,
                    ID_COLUMNS[where],
                    f"{record_id} was removed in release {removed}; an id is never reused: give this record a new id",
                )
            )
        elif not removed and record_id not in present and record_id not in register.removals:
            problems.append(
                Finding(
                    published_name,
                    line,
                    "record_id",
                    f"{record_id} was published in release {row.get('published_in')} and is missing from "
                    f"{names.get(table, table)}; restore it, or say why it is removed in {removals_name}",
                )
            )
        elif not removed and record_id in present and table == "sources" and row.get("key"):
            problems += _renamed_source(record_id, row, present[record_id], names)
    problems += _renumbered(register, present, names)
    for record_id, (line, row) in register.removals.items():
        problems += _removal_problems(record_id, line, row, register, present, removals_name)
    return problems


def _renamed_source(record_id: str, published: dict, current: tuple[str, int, dict], names) -> list[Finding]:
    table, line, row = current
    if table != "sources" or row.get("archive_file") == published["key"]:
        return []
    return [
        Finding(
            names["sources"],
            line,
            "archive_file",
            f"{record_id} was published for {published['key']} (release {published['published_in']}); "
            "a published source keeps its article: register this one under a new id",
        )
    ]


def _renumbered(register: Register, present: dict, names) -> list[Finding]:
    """A published record's key under another id, while the published id no longer carries that key."""
    keyed: dict[tuple[str, str], list[str]] = {}
    for rid, row in register.live().items():
        if row.get("key") and row.get("table"):
            keyed.setdefault((row["table"], row["key"]), []).append(rid)
    problems = []
    for record_id, (table, line, row) in present.items():
        published = keyed.get((table, record_key(table, row)), [])
        if len(published) != 1 or published[0] == record_id:
            continue  # not published, published under this very id, or a key several records share
        earlier = published[0]
        if earlier in present and record_key(table, present[earlier][2]) == record_key(table, row):
            continue  # the published record is still there: this is another record like it, not a renumbering
        problems.append(
            Finding(
                names[table],
                line,
                ID_COLUMNS[table],
                f"this record was published as {earlier}; ids are never renumbered: keep {earlier}",
            )
        )
    return problems


def _removal_problems(record_id, line, row, register: Register, present, removals_name) -> list[Finding]:
    if not row.get("reason"):
        return [Finding(removals_name, line, "reason", f"say why {record_id} is removed")]
    if record_id in present:
        return [Finding(removals_name, line, "record_id", f"{record_id} is still in the tables; remove it there too")]
    if record_id not in register.live():
        return [
            Finding(
                removals_name,
                line,
                "record_id",
                f"{record_id} is not a published id; a record no release published needs no removal note",
            )
        ]
    return []


def register_files(data_dir: Path) -> list[Path]:
    """The register's files that exist (their content is part of what validation decides)."""
    return [path for path in (published_path(data_dir), removals_path(data_dir)) if path.is_file()]
