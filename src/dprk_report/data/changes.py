"""What changed between two versions of the four tables: records added, changed (field by field) and removed.

Both versions are given as rows (``tables.read_rows``: empty cell = ``None``), so a release can compare the
tables in ``data/`` with those of the previous release read back from git. Records are matched by id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dprk_report.data.tables import ID_COLUMNS, TABLES, Row

#: Longest one-line summary of a record, in characters.
SUMMARY_LENGTH = 110


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None
    new: str | None


@dataclass
class TableChanges:
    """One table's changes: ids added and removed, and the changed fields of the ids in both versions."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[FieldChange]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def table_changes(old: list[Row], new: list[Row], id_column: str) -> TableChanges:
    """Compare two versions of one table by ``id_column``; ids keep the order of the version they come from."""
    before = {row[id_column]: row for row in old if row.get(id_column)}
    after = {row[id_column]: row for row in new if row.get(id_column)}
    changes = TableChanges(
        added=[rid for rid in after if rid not in before],
        removed=[rid for rid in before if rid not in after],
    )
    for rid, row in after.items():
        if rid in before:
            fields = [
                FieldChange(name, before[rid].get(name), row.get(name))
                for name in _columns(before[rid], row)
                if before[rid].get(name) != row.get(name)
            ]
            if fields:
                changes.changed[rid] = fields
    return changes


def _columns(old: Row, new: Row) -> list[str]:
    """Both rows' columns, the new order first (a column added or dropped is a change of every row)."""
    return list(new) + [name for name in old if name not in new]


def dataset_changes(old: dict[str, list[Row]], new: dict[str, list[Row]]) -> dict[str, TableChanges]:
    """Changes of each of the four tables (a table missing from a version counts as empty)."""
    return {table: table_changes(old.get(table, []), new.get(table, []), ID_COLUMNS[table]) for table in TABLES}


def record_summary(table: str, row: Row) -> str:
    """One line that tells a reader which record this is."""
    if table == "sources":
        text = " · ".join(part for part in (row.get("outlet"), row.get("title"), row.get("published_date")) if part)
        text = text or row.get("archive_file") or ""
    elif table == "citations":
        quote = row.get("quote") or ""
        text = f"{row.get('record_id')} in {row.get('source_id')}: \u201c{quote}\u201d"
    else:
        text = row.get("summary") or ""
    return shorten(" ".join(text.split()))


def shorten(text: str, limit: int = SUMMARY_LENGTH) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
