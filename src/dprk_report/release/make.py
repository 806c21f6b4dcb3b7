"""``python -m dprk_report release`` (``make release``): publish the current data as a named, tagged release.

Only when the data changed since the last release. In order: validate; compare the tables with the
previous release's (read back from git at its tag); write the changelog section, the release list, the
register of published ids and the citation's version; rebuild the report (the index names the release and
offers the data package); check the data package with ``frictionless``; commit ``data/``, ``report/``,
``figures/`` and ``CITATION.cff``; tag the commit ``data-<name>``. A failure at any step, the tag included,
takes the commit back, puts every release file back and rebuilds the report as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dprk_report import paths
from dprk_report.data import ids
from dprk_report.data.changes import dataset_changes
from dprk_report.data.releases import (
    TAG_PREFIX,
    Release,
    changelog_path,
    read_releases,
    release_name,
    releases_path,
    write_releases,
)
from dprk_report.data.tables import ID_COLUMNS, TABLES, Row, parse_rows, read_rows, table_path
from dprk_report.data.version import data_version
from dprk_report.release import changelog
from dprk_report.release.git import (
    GitError,
    changed_paths,
    commit_adding_line,
    commit_files,
    git,
    require_work_tree,
    show,
    tag,
    tag_commit,
    tags,
)

#: What a release commits; anything else uncommitted stops it (the tag must rebuild exactly this release).
RELEASED = ("data", "report", "figures", "CITATION.cff")


class ReleaseError(RuntimeError):
    """The release could not be made; nothing was committed or tagged."""


class ReleaseBusy(ReleaseError):
    """Another release is running."""


@dataclass
class Outcome:
    release: Release | None
    lines: list[str]


def make_release(today: dt.date | None = None) -> Outcome:
    """Make a release of the project's data (named by ``today``, by default the current UTC day), or say
    why there is nothing to release. One release at a time (``build/release.lock``)."""
    with _release_lock():
        return _make_release(today or dt.datetime.now(dt.UTC).date())


def _make_release(day: dt.date) -> Outcome:
    root = paths.PROJECT_ROOT
    data_dir = paths.data_dir()
    _check_data(data_dir)
    version = data_version(data_dir)
    releases = read_releases(data_dir)
    if releases and releases[-1].data_version == version:
        last = releases[-1]
        lines = [f"nothing to release: the data are unchanged since release {last.name} ({last.date})"]
        return Outcome(None, lines + _retag(root, data_dir, last))
    if releases and day.isoformat() < releases[-1].date:
        raise ReleaseError(f"--date {day} is before the last release, {releases[-1].name} ({releases[-1].date})")
    try:
        _check_tree(root, data_dir)
        old_rows = _release_rows(root, data_dir, releases[-1]) if releases else {}
        taken = [r.name for r in releases] + [t.removeprefix(TAG_PREFIX) for t in tags(root, TAG_PREFIX)]
    except GitError as error:
        raise ReleaseError(str(error)) from None
    new_rows = {table: read_rows(table_path(data_dir, table))[1] for table in TABLES}
    release = Release(
        release_name(day, taken), day.isoformat(), version, {table: len(rows) for table, rows in new_rows.items()}
    )
    changes = dataset_changes(old_rows, new_rows)
    register = ids.read_register(data_dir)
    reasons = {rid: row.get("reason") or "" for rid, (_, row) in register.removals.items()}
    before = {path: path.read_bytes() if path.is_file() else None for path in _release_files(root, data_dir)}
    committed = False
    try:
        section = changelog.section(release, releases[-1] if releases else None, changes, new_rows, old_rows, reasons)
        _write_release(data_dir, root, releases + [release], new_rows, changes, register, reasons, section)
        _rebuild_and_check(root)
        commit = commit_files(root, list(RELEASED), f"Data release {release.name}")
        committed = True
        tag(root, release.tag, commit, f"Data release {release.name}")
    except BaseException as error:
        _undo(root, before, committed)
        if isinstance(error, GitError):
            raise ReleaseError(f"{error}; nothing was released") from None
        raise
    return Outcome(release, _released_lines(release, releases, changes, commit, data_dir))


def _undo(root: Path, before: dict[Path, bytes | None], committed: bool) -> None:
    """Take a release back: the commit (if made), the release files, and the report built for it."""
    from dprk_report.pipeline.runner import run_build

    if committed:
        git(root, "reset", "--quiet", "--soft", "HEAD~1")
    for path, content in before.items():
        _restore(path, content)
    run_build(quiet=True)  # the index and changelog page named the release that was not made


def _retag(root: Path, data_dir: Path, last: Release) -> list[str]:
    """Recreate the last release's tag if it is missing (a release cut off between commit and tag, or tags
    not fetched): the commit that added the release to the list is the release."""
    try:
        if tag_commit(root, last.tag):
            return []
        commit = _listing_commit(root, data_dir, last)
        if commit is None:
            return [f"warning: {_not_found(root, data_dir, last)}"]
        tag(root, last.tag, commit, f"Data release {last.name}")
        return [f"tag {last.tag} was missing: made it at {commit[:12]}, the commit of that release"]
    except GitError as error:
        return [f"warning: could not check the tag {last.tag}: {error}"]


def _released_lines(release: Release, releases: list[Release], changes, commit: str, data_dir: Path) -> list[str]:
    if releases:
        what = (
            f"{sum(len(c.added) for c in changes.values())} records added, "
            f"{sum(len(c.changed) for c in changes.values())} changed, "
            f"{sum(len(c.removed) for c in changes.values())} removed since {releases[-1].name}"
        )
    else:
        what = f"the first release, {sum(release.counts.values())} records"
    return [
        f"released {release.name}: {what}",
        f"committed {commit[:12]} and tagged {release.tag}",
        f"changelog: {paths.shown(changelog_path(data_dir))}; data package: report/data/datapackage.json",
    ]


@contextlib.contextmanager
def _release_lock():
    """Hold ``build/release.lock`` for the whole release, or stop at once when another release holds it."""
    import fcntl

    paths.BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with open(paths.BUILD_DIR / "release.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReleaseBusy("another release is running; nothing was released") from None
        yield


def _check_data(data_dir: Path) -> None:
    from dprk_report.data.validation import problem_count, remembered_problems

    problems = remembered_problems(data_dir)
    if problems:
        shown = "\n".join(f"  {problem}" for problem in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ReleaseError(f"the dataset is invalid ({problem_count(problems)}); nothing was released:\n{shown}{more}")


def _check_tree(root: Path, data_dir: Path) -> None:
    require_work_tree(root)
    try:
        git(root, "var", "GIT_COMMITTER_IDENT")
    except GitError:
        raise ReleaseError(
            "git does not know who commits here; set user.name and user.email (git config) first"
        ) from None
    others = [path for path in changed_paths(root) if path.split("/")[0] not in RELEASED]
    if others:
        listed = ", ".join(others[:8]) + (" ..." if len(others) > 8 else "")
        raise ReleaseError(
            f"uncommitted changes outside {', '.join(RELEASED)}: {listed}; commit or stash them first, so that "
            "the release's tag rebuilds exactly this release"
        )


def _release_rows(root: Path, data_dir: Path, release: Release) -> dict[str, list[Row]]:
    """The previous release's tables, read from git at its tag (or, if the tag is missing, at the commit that
    added the release to the release list)."""
    commit = tag_commit(root, release.tag) or _listing_commit(root, data_dir, release)
    if commit is None:
        raise ReleaseError(f"cannot find release {release.name} in git: {_not_found(root, data_dir, release)}")
    rows = {}
    for table in TABLES:
        text = show(root, commit, table_path(data_dir, table).relative_to(root).as_posix())
        rows[table] = parse_rows(text)[1] if text is not None else []
    return rows


def _listing_commit(root: Path, data_dir: Path, release: Release) -> str | None:
    """The commit that added ``release`` to the release list: the release itself, when its tag is missing."""
    return commit_adding_line(root, _listed(root, data_dir), f"{release.name},")


def _not_found(root: Path, data_dir: Path, release: Release) -> str:
    return (
        f"no tag {release.tag} and no commit adding it to {_listed(root, data_dir)} (fetch the tags: git fetch --tags)"
    )


def _listed(root: Path, data_dir: Path) -> str:
    return releases_path(data_dir).relative_to(root).as_posix()


def _release_files(root: Path, data_dir: Path) -> list[Path]:
    return [
        releases_path(data_dir),
        changelog_path(data_dir),
        ids.published_path(data_dir),
        ids.removals_path(data_dir),
        root / "CITATION.cff",
    ]


def _write_release(data_dir, root, releases, new_rows, changes, register, reasons, section) -> None:
    release = releases[-1]
    write_releases(data_dir, releases)
    path = changelog_path(data_dir)
    path.write_text(
        changelog.with_section(path.read_text(encoding="utf-8") if path.is_file() else None, section),
        encoding="utf-8",
    )
    ids.write_published(data_dir, list(_published_rows(release, new_rows, changes, register, reasons)))
    if register.removals:
        ids.write_removals(data_dir, [])
    citation = root / "CITATION.cff"
    if citation.is_file():
        citation.write_text(cite_release(citation.read_text(encoding="utf-8"), release), encoding="utf-8")


def _published_rows(release: Release, new_rows, changes, register: ids.Register, reasons) -> Iterator[dict]:
    """The register after this release: earlier ids (removed ones marked, the others with their key as now),
    then the new ones."""
    removed = {rid for change in changes.values() for rid in change.removed}
    current = {row[ID_COLUMNS[table]]: (table, row) for table in TABLES for row in new_rows[table]}
    for rid, (_, row) in register.published.items():
        if rid in removed and not row.get("removed_in"):
            row = row | {"removed_in": release.name, "removal_reason": reasons.get(rid, "")}
        elif rid in current:
            row = row | {"key": ids.record_key(*current[rid])}
        yield row
    for table in TABLES:
        for row in new_rows[table]:
            rid = row[ID_COLUMNS[table]]
            if rid and rid not in register.published:
                yield {
                    "record_id": rid,
                    "table": table,
                    "published_in": release.name,
                    "key": ids.record_key(table, row),
                }


def cite_release(citation: str, release: Release) -> str:
    """``CITATION.cff`` text with its version and release date set to ``release``."""
    text = re.sub(r"(?m)^version: .*$", f'version: "{release.name}"', citation)
    return re.sub(r"(?m)^date-released: .*$", f'date-released: "{release.date}"', text)


def _rebuild_and_check(root: Path) -> None:
    from dprk_report.pipeline.outcome import EXIT_OK
    from dprk_report.pipeline.runner import run_build

    if run_build(quiet=True) != EXIT_OK:
        raise ReleaseError("the report build failed (see above); nothing was released")
    problems = datapackage_problems(root / "report" / "data" / "datapackage.json")
    if problems:
        raise ReleaseError("the data package is not valid; nothing was released:\n" + "\n".join(problems))


def datapackage_problems(descriptor: Path) -> list[str]:
    """What ``frictionless`` finds wrong with the data package and its tables (none when valid)."""
    from frictionless import validate

    report = validate(str(descriptor))
    found = [f"  {error.message}" for error in report.errors]
    for task in report.tasks:
        found += [f"  {task.name}: {error.message}" for error in task.errors]
    return found


def _restore(path: Path, content: bytes | None) -> None:
    if content is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(content)
