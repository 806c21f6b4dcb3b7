"""The data changelog (``data/CHANGELOG.md``): one section per release, newest first.

Each section lists, by table, the records added, changed (each field, old -> new) and removed (with why),
by id with a one-line summary, as computed by ``data.changes`` against the previous release. The first
release is summarised by its size.
"""

from __future__ import annotations

from dprk_report.data.changes import TableChanges, record_summary, shorten
from dprk_report.data.releases import Release
from dprk_report.data.tables import TABLES, Row
from dprk_report.text.wording import long_day, plural

HEADING = "# Data changelog"
INTRODUCTION = """Each release of the dataset, newest first: the records added, changed and removed since the release
before it, compared table by table. A release is tagged in git as `data-<release>`, so
`git checkout data-2026.12.02` gives that release's tables, code and report. Record ids are never reused:
a removed record is listed here with why, and its id stays retired."""
#: How the changelog names each table's records.
TITLES = {"sources": "Articles", "statements": "Statements", "estimates": "Estimates", "citations": "Citations"}
NOUNS = {"sources": "article", "statements": "statement", "estimates": "estimate", "citations": "citation"}
#: Longest old or new value shown for a changed field.
VALUE_LENGTH = 80


def _count(n: int, table: str) -> str:
    return plural(n, NOUNS[table])


def _value(value: str | None, start: int = 0) -> str:
    """A cell as the changelog shows it: whole when short, else a window from ``start`` (where it changed)."""
    if value is None:
        return "(empty)"
    text = " ".join(value.split())
    if len(text) > VALUE_LENGTH and start > VALUE_LENGTH // 4:
        text = "…" + text[start - VALUE_LENGTH // 4 :]
    return "`" + shorten(text, VALUE_LENGTH).replace("`", "'") + "`"


def _edit(edit) -> str:
    """'field: old → new', each long value shown from a little before the first character that differs."""
    old, new = (" ".join(v.split()) if v else "" for v in (edit.old, edit.new))
    start = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    return f"{edit.field}: {_value(edit.old, start)} → {_value(edit.new, start)}"


def _totals(changes: dict[str, TableChanges], kind: str) -> str:
    parts = [_count(len(getattr(changes[table], kind)), table) for table in TABLES if getattr(changes[table], kind)]
    return ", ".join(parts)


def section(
    release: Release,
    previous: Release | None,
    changes: dict[str, TableChanges],
    new_rows: dict[str, list[Row]],
    old_rows: dict[str, list[Row]],
    reasons: dict[str, str],
) -> str:
    """The changelog section of ``release``."""
    lines = [f"## {release.name} ({long_day(release.date)})", ""]
    if previous is None:
        sizes = ", ".join(_count(release.counts[table], table) for table in TABLES)
        lines += [f"First release: {sizes}.", ""]
        return "\n".join(lines)
    summary = [
        f"{what} {text}"
        for what, kind in (("added", "added"), ("changed", "changed"), ("removed", "removed"))
        if (text := _totals(changes, kind))
    ]
    if not summary:
        # The data version also covers the curation log and the registered articles' bytes.
        lines += [f"No record of the four tables changed since {previous.name}; other files of the dataset did.", ""]
        return "\n".join(lines)
    lines += [f"Compared with {previous.name}: " + "; ".join(summary) + ".", ""]
    for table in TABLES:
        lines += _table_lines(table, changes[table], new_rows[table], old_rows.get(table, []), reasons)
    return "\n".join(lines)


def _table_lines(table: str, changes: TableChanges, new: list[Row], old: list[Row], reasons: dict[str, str]):
    if not changes:
        return []
    column = next(iter(new[0])) if new else next(iter(old[0]))
    now = {row[column]: row for row in new}
    before = {row[column]: row for row in old}
    lines = [f"### {TITLES[table]}", ""]
    for rid in changes.added:
        lines.append(f"- Added **{rid}**: {record_summary(table, now[rid])}")
    for rid, fields in changes.changed.items():
        edits = "; ".join(_edit(edit) for edit in fields)
        lines.append(f"- Changed **{rid}** ({record_summary(table, now[rid])}): {edits}")
    for rid in changes.removed:
        why = reasons.get(rid, "no reason recorded")
        lines.append(f"- Removed **{rid}** ({record_summary(table, before[rid])}): {why}")
    return [*lines, ""]


def with_section(changelog: str | None, new_section: str) -> str:
    """The changelog text with ``new_section`` first (the file is made when there is none)."""
    if not changelog or not changelog.startswith(HEADING):
        return f"{HEADING}\n\n{INTRODUCTION}\n\n{new_section.rstrip()}\n"
    head, _, rest = changelog.partition("\n## ")
    body = ("## " + rest) if rest else ""
    return f"{head.rstrip()}\n\n{new_section.rstrip()}\n\n{body}".rstrip() + "\n"
