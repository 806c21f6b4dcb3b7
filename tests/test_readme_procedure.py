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
from dprk_report.testing.articles import REVIEW, place_article, review
from dprk_report.testing.sandbox import make_copy


@pytest.fixture
def curated_copy(tmp_path):
    """A project copy in which one new article has been added by the README's commands."""
    copy = make_copy(tmp_path / "project")
    shutil.copy2(paths.PROJECT_ROOT / "Makefile", copy.root / "Makefile")
    # The copy runs this environment's Python; a fresh stamp tells make the environment is set up.
    (copy.root / ".environment-ready").touch()
    number, article = place_article(copy.archive)

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
    review(candidates)
    accepted = make("accept", f"FILE={candidates}")
    assert accepted.returncode == 0, accepted.stderr
    validated = make("validate")
    assert validated.returncode == 0, validated.stderr
    return copy, number


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
