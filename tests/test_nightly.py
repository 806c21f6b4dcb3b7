"""The scheduled job end to end, in a project copy under git: validate, build, release (only when the data
changed), commit and tag only what changed, and the staleness alarm.

Run 1 finds nothing to release; an article is then accepted; run 2 makes exactly one release whose
changelog lists exactly the added records; run 3 changes nothing. Nothing here depends on which ids,
numbers or days the real data happen to use.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re

from conftest import git as _git
from dprk_report.data.releases import read_releases
from dprk_report.data.tables import ID_COLUMNS, TABLES
from dprk_report.release.make import datapackage_problems
from dprk_report.release.nightly import EXIT_STALE
from dprk_report.testing.articles import place_article, review


def _ids(data) -> set[str]:
    found = set()
    for table in TABLES:
        with (data / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            found |= {row[ID_COLUMNS[table]] for row in csv.DictReader(handle)}
    return found


def _state(root) -> tuple[str, str, str]:
    """HEAD, the tags and the uncommitted changes."""
    return _git(root, "rev-parse", "HEAD"), _git(root, "tag", "--list"), _git(root, "status", "--porcelain")


def test_the_nightly_job_releases_exactly_what_was_accepted_and_then_changes_nothing(repository):
    root, data = repository.root, repository.root / "data"
    first = repository.run("release")  # the copy's data as they are: released once, whatever they were
    assert first.returncode == 0, first.stderr
    releases = read_releases(data)
    # The copy's git history is new: its last release has no tag until ``release`` makes it at its commit.
    assert f"data-{releases[-1].name}" in _git(root, "tag", "--list").split(), first.stdout
    day = dt.date.fromisoformat(releases[-1].date) + dt.timedelta(days=1)
    before = _state(root)

    run1 = repository.run("nightly", "--date", day.isoformat())
    assert run1.returncode in (0, EXIT_STALE), run1.stderr
    assert "event=nightly_unchanged" in run1.stderr, run1.stderr
    assert _state(root) == before
    again = repository.run("release")
    assert again.returncode == 0 and again.stdout.startswith("nothing to release"), again.stdout + again.stderr

    ids_before = _ids(data)
    number, article = place_article(repository.archive)
    added = repository.run("add-source", str(article))
    assert added.returncode == 0, added.stderr
    candidates = data / "candidates" / f"S{number:03d}.csv"
    review(candidates)
    accepted = repository.run("accept", str(candidates))
    assert accepted.returncode == 0, accepted.stderr
    new_ids = _ids(data) - ids_before
    assert new_ids, "accepting the article added no record"

    (root / "scratch.txt").write_text("not part of a release\n")
    refused = repository.run("release", "--date", day.isoformat())
    assert refused.returncode == 1 and "scratch.txt" in refused.stderr, refused.stderr
    assert _git(root, "tag", "--list") == before[1]
    (root / "scratch.txt").unlink()

    run2 = repository.run("nightly", "--date", day.isoformat())
    assert run2.returncode in (0, EXIT_STALE), run2.stderr
    name = f"{day:%Y.%m.%d}"
    assert f"event=nightly_released release={name}" in run2.stderr
    assert _git(root, "tag", "--list").split() == sorted([*before[1].split(), f"data-{name}"])
    assert _git(root, "status", "--porcelain") == ""
    assert [r.name for r in read_releases(data)] == [r.name for r in releases] + [name]
    changelog = (data / "CHANGELOG.md").read_text(encoding="utf-8")
    section = changelog.split("\n## ")[1]
    assert section.startswith(f"{name} (")
    assert set(re.findall(r"^- Added \*\*(\w+)\*\*", section, flags=re.M)) == new_ids
    assert not re.search(r"^- (Changed|Removed) ", section, flags=re.M)
    assert datapackage_problems(root / "report" / "data" / "datapackage.json") == []
    package = json.loads((root / "report" / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == name
    index = (root / "report" / "index.html").read_text(encoding="utf-8")
    assert f"Data release <strong>{name}</strong>" in index and "datapackage.json" in index
    assert f"git tag data-{name}" in index
    assert name in (root / "report" / "changelog.html").read_text(encoding="utf-8")
    assert f'version: "{name}"' in (root / "CITATION.cff").read_text(encoding="utf-8")
    released = _state(root)

    run3 = repository.run("nightly", "--date", day.isoformat())
    assert run3.returncode == run2.returncode, run3.stderr
    assert "event=nightly_unchanged" in run3.stderr
    assert _state(root) == released


def test_the_nightly_job_exits_4_when_the_newest_estimate_is_older_than_the_threshold(repository):
    far = repository.run("nightly", "--date", "2099-01-01")
    assert far.returncode == EXIT_STALE, far.stderr
    assert "event=data_stale" in far.stderr and "threshold_days=90" in far.stderr
    # Every step before the alarm ran: built, then released or found nothing to commit.
    assert re.search(r"event=nightly_(released|unchanged)", far.stderr), far.stderr
    assert "event=nightly_failed" not in far.stderr
