"""The README's "Add an article" procedure, run as a curator would, leaves a project whose tests still pass.

In a copy of the project with its own archive: archive a new article under the next free number, register
it with ``make add-source``, review its candidates, ``make accept`` them, ``make validate``; then the
curation tests run in that copy and pass. Nothing here depends on which numbers or ids are free.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys

import pytest

from dprk_report import paths
from dprk_report.testing.sandbox import make_copy

ARTICLE = """url: https://example-news.test/world/2026/04/02/north-korea-more-troops
date-on-page: 2026-04-02

North Korea sends more troops to Russia, Seoul says

SEOUL, April 2 (Example News) - South Korea's National Intelligence Service said on Wednesday that about \
3,000 more North Korean troops had arrived in Russia in March.
The spy agency also told lawmakers that around 2,500 North Korean soldiers have been killed since the \
deployment began.
"""
#: What the curator fills in for the one new figure of the article (the blanks a new estimate needs).
REVIEW = {
    "accept": "yes",
    "estimator": "South Korea National Intelligence Service",
    "estimator_side": "South Korea",
    "disclosure_channel": "closed_door_briefing",
    "summary": "Seoul's spy agency told lawmakers about 2,500 North Korean soldiers had been killed.",
}


@pytest.fixture
def curated_copy(tmp_path):
    """A project copy in which one new article has been added by the README's commands."""
    copy = make_copy(tmp_path / "project")
    shutil.copy2(paths.PROJECT_ROOT / "Makefile", copy.root / "Makefile")
    # The copy runs this environment's Python; a fresh stamp tells make the environment is set up.
    (copy.root / ".environment-ready").touch()
    number = max(int(path.name[:3]) for path in copy.archive.glob("[0-9][0-9][0-9]_*.txt")) + 1
    article = copy.archive / f"{number:03d}_example news.txt"
    article.write_text(ARTICLE, encoding="utf-8")

    def make(*arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["make", "--no-print-directory", *arguments, f"PYTHON={sys.executable}", "VENV_STAMP=.environment-ready"],
            cwd=copy.root,
            env=copy.env(),
            capture_output=True,
            text=True,
            timeout=600,
        )

    added = make("add-source", f"FILE={article}")
    assert added.returncode == 0, added.stderr
    candidates = copy.root / "data" / "candidates" / f"S{number:03d}.csv"
    _review(candidates)
    accepted = make("accept", f"FILE={candidates}")
    assert accepted.returncode == 0, accepted.stderr
    validated = make("validate")
    assert validated.returncode == 0, validated.stderr
    return copy, number


def _review(candidates) -> None:
    """Keep the new killed figure, fill what a new record needs, and leave every other candidate out."""
    with candidates.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    kept = [row for row in rows if row["kind"] == "estimate" and row["metric"] == "killed" and row["best"] == "2500"]
    assert len(kept) == 1, f"the assistant did not propose the article's killed figure once: {rows}"
    kept[0].update(REVIEW)
    with candidates.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_the_curation_tests_pass_after_an_article_is_added_by_the_readme_procedure(curated_copy):
    copy, number = curated_copy
    with (copy.root / "data" / "estimates.csv").open(encoding="utf-8", newline="") as handle:
        added = [row for row in csv.DictReader(handle) if row["best"] == "2500" and row["metric"] == "killed"]
    assert [row["estimator"] for row in added] == [REVIEW["estimator"]]
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_curation.py"],
        cwd=copy.root,
        env=copy.env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert tests.returncode == 0, f"after adding article {number:03d}:\n{tests.stdout[-3000:]}"
