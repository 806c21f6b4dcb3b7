"""Shared fixtures.

``fake``: a tiny valid dataset and archive written into ``tmp_path``, for tests to
break one thing at a time. The line numbers the tests expect follow from the rows
below: the header is line 1, so the first row of each table is line 2.

``built`` and ``project``: a copy of the whole project with its one-variant report
built once per test process, and a fresh clone of it for each test that changes it.
"""

from __future__ import annotations

import copy
import csv
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dprk_report.testing.sandbox import ProjectCopy, make_copy

# Published on Friday 15 August 2025, so its "on Wednesday" is 13 August 2025.
# Curly quotes, an em dash and a line break inside a sentence are deliberate.
ARTICLE_000 = (
    "url: https://example-news.test/2025/08/15/troops\n"
    "date-on-page: 2025-08-15\n"
    "\n"
    "Seoul says more North Korean troops in Russia\n"
    "South Korea\u2019s spy agency said on Wednesday that about 15,000 North Korean\n"
    "troops had been sent to Russia \u2014 and that more than 300 had been killed.\n"
    "\u201cWe condemn this deployment,\u201d the foreign minister said on August 12.\n"
)

ARTICLE_001 = (
    "url: https://wire-daily.test/world/kim-letter\n"
    "date-on-page: 2025-08-20\n"
    "\n"
    "SEOUL, Aug. 20 (AFP) Kim Jong Un sent a letter to Vladimir Putin on August 10, "
    "state media KCNA reported on August 11. Between 10,000 and 12,000 soldiers are in "
    "the Kursk region, officials said. The officials said the soldiers had been moved in "
    "several groups over the summer, travelling by train and by air from Pyongyang to "
    "Vladivostok and then on to the front near Kursk, where they joined Russian units.\n"
)

ARTICLES = {"000_example-news.txt": ARTICLE_000, "001_wire-daily.txt": ARTICLE_001}

# Headers as the codebook (data/README.md) lists them.
HEADERS = {
    "sources": [
        "source_id",
        "archive_file",
        "sha256",
        "outlet",
        "title",
        "url",
        "published_date",
        "published_precision",
        "published_basis",
        "wire_agency",
        "is_excerpt",
        "notes",
    ],
    "statements": [
        "statement_id",
        "event_date",
        "date_precision",
        "date_basis",
        "date_resolved_against",
        "date_note",
        "speaker",
        "speaker_role",
        "side",
        "addressee",
        "channel",
        "act",
        "occasion",
        "state_media",
        "state_media_report_date",
        "state_media_date_basis",
        "summary",
        "notes",
    ],
    "estimates": [
        "estimate_id",
        "metric",
        "low",
        "best",
        "high",
        "scope",
        "qualifier",
        "estimator",
        "estimator_side",
        "disclosure_channel",
        "disclosed_by",
        "announced_date",
        "announced_precision",
        "announced_basis",
        "date_resolved_against",
        "date_note",
        "as_of_date",
        "as_of_precision",
        "period_note",
        "location",
        "summary",
        "notes",
    ],
    "citations": ["citation_id", "record_id", "source_id", "quote", "date_as_written", "notes"],
}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


ROWS = {
    "sources": [
        {  # line 2
            "source_id": "S000",
            "archive_file": "000_example-news.txt",
            "sha256": _sha(ARTICLE_000),
            "outlet": "Example News",
            "title": "Seoul says more North Korean troops in Russia",
            "url": "https://example-news.test/2025/08/15/troops",
            "published_date": "2025-08-15",
            "published_precision": "day",
            "published_basis": "url",
            "is_excerpt": "false",
        },
        {  # line 3
            "source_id": "S001",
            "archive_file": "001_wire-daily.txt",
            "sha256": _sha(ARTICLE_001),
            "outlet": "Wire Daily",
            "url": "https://wire-daily.test/world/kim-letter",
            "published_date": "2025-08-20",
            "published_precision": "day",
            "published_basis": "dateline",
            "wire_agency": "AFP",
            "is_excerpt": "true",
        },
    ],
    "statements": [
        {  # line 2
            "statement_id": "ST001",
            "event_date": "2025-08-12",
            "date_precision": "day",
            "date_basis": "stated",
            "speaker_role": "Foreign Minister of South Korea",
            "side": "South Korea",
            "channel": "press_briefing",
            "act": "condemnation",
            "summary": "Seoul condemns the deployment.",
        },
        {  # line 3
            "statement_id": "ST002",
            "event_date": "2025-08-10",
            "date_precision": "day",
            "date_basis": "stated",
            "speaker": "Kim Jong Un",
            "side": "North Korea",
            "addressee": "Vladimir Putin",
            "channel": "letter",
            "act": "praise",
            "state_media": "KCNA",
            "state_media_report_date": "2025-08-11",
            "state_media_date_basis": "stated",
            "summary": "Kim writes to Putin.",
        },
    ],
    "estimates": [
        {  # line 2
            "estimate_id": "ES001",
            "metric": "troops_deployed",
            "best": "15000",
            "scope": "total",
            "qualifier": "about",
            "estimator": "South Korea National Intelligence Service",
            "estimator_side": "South Korea",
            "disclosure_channel": "press_briefing",
            "announced_date": "2025-08-13",
            "announced_precision": "day",
            "announced_basis": "weekday",
            "date_resolved_against": "S000",
            "location": "Russia",
            "summary": "About 15,000 troops sent.",
        },
        {  # line 3
            "estimate_id": "ES002",
            "metric": "killed",
            "best": "300",
            "scope": "total",
            "qualifier": "more than",
            "estimator": "South Korea National Intelligence Service",
            "estimator_side": "South Korea",
            "disclosure_channel": "press_briefing",
            "announced_date": "2025-08-13",
            "announced_precision": "day",
            "announced_basis": "weekday",
            "date_resolved_against": "S000",
            "summary": "More than 300 killed.",
        },
        {  # line 4
            "estimate_id": "ES003",
            "metric": "troops_deployed",
            "low": "10000",
            "high": "12000",
            "scope": "subset",
            "qualifier": "between",
            "estimator": "officials",
            "disclosure_channel": "media_report",
            "announced_date": "2025-08-20",
            "announced_precision": "day",
            "announced_basis": "article_date",
            "as_of_date": "2025-08",
            "as_of_precision": "month",
            "location": "Kursk region",
            "summary": "Between 10,000 and 12,000 in Kursk.",
        },
    ],
    "citations": [
        {  # line 2: straight quotes against the article's curly ones
            "citation_id": "C0001",
            "record_id": "ST001",
            "source_id": "S000",
            "quote": '"We condemn this deployment," the foreign minister said on August 12.',
            "date_as_written": "on August 12",
        },
        {  # line 3
            "citation_id": "C0002",
            "record_id": "ST002",
            "source_id": "S001",
            "quote": "Kim Jong Un sent a letter to Vladimir Putin on August 10",
            "date_as_written": "on August 10",
        },
        {  # line 4: runs over the article's line break and em dash
            "citation_id": "C0003",
            "record_id": "ES001",
            "source_id": "S000",
            "quote": "about 15,000 North Korean troops had been sent to Russia - and that",
            "date_as_written": "on Wednesday",
        },
        {  # line 5
            "citation_id": "C0004",
            "record_id": "ES002",
            "source_id": "S000",
            "quote": "more than 300 had been killed",
            "date_as_written": "on Wednesday",
        },
        {  # line 6
            "citation_id": "C0005",
            "record_id": "ES003",
            "source_id": "S001",
            "quote": "Between 10,000 and 12,000 soldiers are in the Kursk region",
        },
    ],
}


@dataclass
class FakeDataset:
    """The tiny dataset: edit ``rows``/``headers``/``articles``, then ``write()`` and validate."""

    root: Path
    rows: dict = field(default_factory=lambda: copy.deepcopy(ROWS))
    headers: dict = field(default_factory=lambda: copy.deepcopy(HEADERS))
    articles: dict = field(default_factory=lambda: dict(ARTICLES))

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    def set(self, table: str, row_id: str, column: str, value: str) -> None:
        """Set one cell of the row whose first column is ``row_id``."""
        id_column = self.headers[table][0]
        (row,) = [row for row in self.rows[table] if row[id_column] == row_id]
        row[column] = value

    def write(self, bom: bool = False, newline: str = "\n") -> FakeDataset:
        """Write the tables and the archive (articles as UTF-8, tables optionally with BOM/CRLF)."""
        self.data.mkdir(exist_ok=True)
        self.archive.mkdir(exist_ok=True)
        for name, text in self.articles.items():
            (self.archive / name).write_bytes(text.encode("utf-8"))
        for table, rows in self.rows.items():
            path = self.data / f"{table}.csv"
            with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
                writer = csv.DictWriter(
                    handle, fieldnames=self.headers[table], lineterminator=newline, extrasaction="ignore"
                )
                writer.writeheader()
                writer.writerows(rows)
        return self

    def validate(self):
        from dprk_report.data.validation import validate

        return validate(self.data, self.archive)

    def problems(self) -> list[str]:
        return [str(problem) for problem in self.validate().problems]


@pytest.fixture
def fake(tmp_path: Path, monkeypatch) -> FakeDataset:
    """The valid tiny dataset, already written; edit it and call ``write()`` again.

    What loading it remembers (validation results, article hashes) goes to the test's own build folder:
    another test making the same edit of the same dataset would otherwise find it already validated."""
    from dprk_report import paths

    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path / "build")
    return FakeDataset(tmp_path).write()


def problem_at(problems: list[str], table: str, line: int | None, column: str | None, containing: str = "") -> str:
    """The one problem at ``table``'s ``line`` and ``column`` whose text has ``containing``."""
    where = f"{table}.csv" + (f":{line}" if line is not None else "") + ": "
    where += f"{column}: " if column else ""
    pattern = re.compile(r"(.*/)?" + re.escape(where))
    found = [problem for problem in problems if pattern.match(problem) and containing in problem]
    assert len(found) == 1, f"expected one problem at {where!r}, got: {problems}"
    return found[0]


#: A cell timeout no real cell comes near, even with both cores busy; the timeout test lowers it on purpose.
BUILD_CELL_TIMEOUT = 120


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> ProjectCopy:
    """A copy of the project with its one-variant report built: made once for the whole run (the first test
    process that needs it builds it while the others wait), never changed by a test."""
    base = tmp_path_factory.getbasetemp()
    # pytest-xdist gives each worker its own folder inside one that all of this run's workers share.
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / "built"
    with open(shared / "built.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released by the OS if the process holding it dies
        if not (folder / "ready").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            project = make_copy(folder / "project", timeout=BUILD_CELL_TIMEOUT)
            result = project.run("build", "--quiet")
            assert result.returncode == 0, result.stderr
            (folder / "ready").touch()
    return ProjectCopy(folder / "project", folder / "project-archive")


@pytest.fixture
def project(built: ProjectCopy, tmp_path: Path) -> ProjectCopy:
    """A clone of ``built`` for this test to change."""
    return built.clone(tmp_path / "project")


def fake_index(fake: FakeDataset, release_day: str, stale_after_days: int) -> str:
    """The index page for the tiny dataset, released on ``release_day`` (the archive must point at
    ``fake.archive``)."""
    from dprk_report import paths
    from dprk_report.data.releases import Release, write_releases
    from dprk_report.data.version import data_version
    from dprk_report.pipeline.config import load_config
    from dprk_report.pipeline.index import render_index

    version = data_version(fake.data, fake.archive)
    counts = {"sources": 2, "statements": 2, "estimates": 3, "citations": 5}
    write_releases(fake.data, [Release(release_day.replace("-", "."), release_day, version, counts)])
    config = load_config()
    chosen = type(config)(**{**config.__dict__, "stale_after_days": stale_after_days})
    pages = json.loads((paths.REPORT_DIR / "manifest.json").read_text(encoding="utf-8"))["pages"]
    return render_index(chosen, pages, version, fake.data)


GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Bot",
    "GIT_AUTHOR_EMAIL": "bot@example.test",
    "GIT_COMMITTER_NAME": "Test Bot",
    "GIT_COMMITTER_EMAIL": "bot@example.test",
}


def allow_hour_long_cells(project: ProjectCopy) -> None:
    """Raise ``project``'s cell timeout to an hour, so that only a stop ends a cell that never does."""
    config = project.root / "report.toml"
    text, count = re.subn(r"cell_timeout_seconds = \d+", "cell_timeout_seconds = 3600", config.read_text())
    assert count == 1, f"no cell timeout to raise in {config}"
    config.write_text(text)


def with_endless_cell(project: ProjectCopy, notebook: str, running: Path) -> str:
    """``project``'s notebook ``notebook`` (its text) with a last cell that creates ``running``, then runs until it
    is stopped."""
    document = json.loads((project.root / "notebooks" / f"{notebook}.ipynb").read_text())
    source = f"import pathlib, time\npathlib.Path({str(running)!r}).touch()\nwhile True:\n    time.sleep(0.1)"
    cell = {"cell_type": "code", "execution_count": None, "id": "endless", "metadata": {}, "outputs": []}
    document["cells"].append(cell | {"source": source})
    return json.dumps(document, indent=1)


def git(root, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repository(project, monkeypatch):
    """The built project copy as a git repository with everything committed (release data as they are)."""
    for name, value in GIT_IDENTITY.items():
        monkeypatch.setenv(name, value)
    git(project.root, "init", "--quiet", "--initial-branch=main")
    git(project.root, "add", "--all")
    git(project.root, "commit", "--quiet", "-m", "initial")
    return project
