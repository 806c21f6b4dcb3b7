"""Removing a published record through a release: it is listed with why, its id is retired for good, and a
second release the same day is numbered. In a project copy under git, as in ``test_nightly.py``."""

from __future__ import annotations

import csv
import datetime as dt
import re

from conftest import git as _git
from dprk_report.data.releases import read_releases


def _rows(path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def _write(path, header, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_removed_record_is_listed_with_why_and_its_id_is_retired(repository):
    root, data = repository.root, repository.root / "data"
    assert repository.run("release").returncode == 0
    day = dt.date.fromisoformat(read_releases(data)[-1].date) + dt.timedelta(days=1)
    header, citations = _rows(data / "citations.csv")
    cited = [row["record_id"] for row in citations]
    # A citation of a record cited more than once: removing it leaves every record cited.
    gone = next(row for row in citations if cited.count(row["record_id"]) > 1)
    _write(data / "citations.csv", header, [row for row in citations if row is not gone])
    unexplained = repository.run("release", "--date", day.isoformat())
    assert unexplained.returncode == 1 and gone["citation_id"] in unexplained.stderr, unexplained.stderr
    _write(
        data / "releases" / "removals.csv",
        ["record_id", "reason"],
        [{"record_id": gone["citation_id"], "reason": "the quote belongs to another statement"}],
    )
    removed = repository.run("release", "--date", day.isoformat())
    assert removed.returncode == 0, removed.stderr
    name = f"{day:%Y.%m.%d}"
    section = (data / "CHANGELOG.md").read_text(encoding="utf-8").split("\n## ")[1]
    assert section.startswith(f"{name} (")
    assert re.findall(r"^- (\w+) \*\*(\w+)\*\* \(.*\): (.*)$", section, flags=re.M) == [
        ("Removed", gone["citation_id"], "the quote belongs to another statement")
    ]
    _, published = _rows(data / "releases" / "published-ids.csv")
    (entry,) = [row for row in published if row["record_id"] == gone["citation_id"]]
    assert entry["removed_in"] == name and entry["removal_reason"] == "the quote belongs to another statement"
    assert _rows(data / "releases" / "removals.csv")[1] == []

    _write(data / "citations.csv", header, citations)  # the retired id back: refused
    reused = repository.run("validate")
    assert reused.returncode == 1 and "never reused" in reused.stderr, reused.stderr
    _write(data / "citations.csv", header, [row for row in citations if row is not gone])

    header, statements = _rows(data / "statements.csv")
    statements[0]["summary"] = statements[0]["summary"] + " (corrected)"
    _write(data / "statements.csv", header, statements)
    again = repository.run("release", "--date", day.isoformat())  # a second release the same day
    assert again.returncode == 0, again.stderr
    section = (data / "CHANGELOG.md").read_text(encoding="utf-8").split("\n## ")[1]
    assert section.startswith(f"{name}.2 (")
    assert f"- Changed **{statements[0]['statement_id']}**" in section and "(corrected)" in section
    assert f"data-{name}.2" in _git(root, "tag", "--list").split()
