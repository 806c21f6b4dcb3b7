"""nbval on the published notebooks: the sanitize file, and proof that drift is caught."""

from __future__ import annotations

import configparser
import re
import subprocess
import sys

import pytest

from dprk_report import paths

SANITIZE = paths.PROJECT_ROOT / "tests" / "nbval-sanitize.cfg"


def _sanitize(text: str) -> str:
    parser = configparser.ConfigParser()
    parser.read(SANITIZE)
    for section in parser.sections():
        text = re.sub(parser[section]["regex"], parser[section]["replace"], text)
    return text


@pytest.mark.parametrize(
    "volatile, stable",
    [
        ("<Figure at 0x7f3a2c1b9e50>", "<Figure at 0xADDRESS>"),
        ("wrote /tmp/pytest-of-root/x/figures/a.png", "wrote TMP-PATH"),
        ("File /home/u/proj/src/dprk_report/charts.py:12", "File PACKAGE/charts.py:12"),
        ("took 5.2s", "took DURATION"),
    ],
)
def test_sanitize_file_normalises_volatile_text(volatile, stable):
    assert _sanitize(volatile) == stable


def test_sanitize_file_leaves_findings_alone():
    finding = "The busiest month was October 2024 with 8 statements; the longest silence is 112 days."
    assert _sanitize(finding) == finding


def test_nbval_fails_when_the_data_no_longer_match_the_published_report(project):
    estimates = project.root / "data" / "estimates.csv"
    text = estimates.read_text()
    assert ",15000," in text
    estimates.write_text(text.replace(",15000,", ",15500,", 1))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "-q",
            "--nbval-sanitize-with",
            str(SANITIZE),
            "report/all-sides/03-chart-estimate-timing.ipynb",
        ],
        cwd=project.root,
        env=project.env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "Cell outputs differ" in result.stdout
    assert "15,500" in result.stdout and "15,000" in result.stdout
