"""``python -m dprk_report validate`` run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dprk_report import paths


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "dprk_report", *args], capture_output=True, text=True, env=environment, timeout=120
    )


def test_valid_dataset_exits_0_with_summary(fake):
    result = run("validate", "--data", str(fake.data), "--archive", str(fake.archive))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "4 tables valid: 2 sources, 2 statements, 3 estimates, 5 citations"
    assert result.stderr == ""


def test_environment_variables_select_the_directories(fake):
    result = run("validate", env={"DPRK_REPORT_DATA": str(fake.data), "DPRK_REPORT_ARCHIVE": str(fake.archive)})
    assert result.returncode == 0, result.stderr


def test_invalid_dataset_exits_1_listing_problems(fake):
    fake.set("citations", "C0002", "record_id", "ST099")
    fake.write()
    result = run("validate", "--data", str(fake.data), "--archive", str(fake.archive))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines == [
        f"{fake.data / 'statements.csv'}:3: statement_id: ST002 has no citation in citations.csv",
        f"{fake.data / 'citations.csv'}:3: record_id: 'ST099' is not in statements.csv or estimates.csv",
        "2 problems",
    ]
    assert result.stdout == ""


def test_missing_archive_exits_2_with_one_line(fake):
    result = run("validate", "--data", str(fake.data), "--archive", str(fake.root / "nowhere"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "source archive not found" in result.stderr


def test_cli_module_does_not_import_pandas():
    code = "import sys, dprk_report.cli; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False"


def test_the_build_process_writes_the_files_beside_the_index_without_pandas(fake, tmp_path):
    # The downloads and the changelog page are written there while a kernel prepares the index.
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from dprk_report.data.version import data_version\n"
        "from dprk_report.pipeline.config import load_config\n"
        "from dprk_report.pipeline.downloads import write_beside_index\n"
        f"written = write_beside_index(load_config(), data_version(), Path({str(tmp_path)!r}))\n"
        "assert 'report/data/citations.csv' in written, written\n"
        "print('pandas' in sys.modules, 'numpy' in sys.modules)"
    )
    environment = os.environ | {paths.DATA_ENV: str(fake.data), paths.ARCHIVE_ENV: str(fake.archive)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=environment)
    assert result.stdout.strip() == "False False", result.stderr
    assert (tmp_path / "report/data/citations.csv").is_file()


def test_the_build_process_writes_the_index_s_days_without_pandas():
    # Only the kernels need pandas: importing it in the build process cost its import time after the last page.
    code = (
        "import sys\n"
        "from dprk_report.pipeline import build, execute, index, kernel, render\n"
        "from dprk_report.text.wording import long_day\n"
        "assert long_day('2025-08-17') == '17 August 2025'\n"
        "print('pandas' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_validate_warns_about_unregistered_articles_and_still_exits_0(fake):
    (fake.archive / "009_waiting.txt").write_text("A new article nobody has curated yet.\n", encoding="utf-8")
    result = run("validate", "--data", str(fake.data), "--archive", str(fake.archive))
    assert result.returncode == 0, result.stderr
    assert "1 archived article is not registered yet (add them with add-source): 009_waiting.txt" in result.stderr


def test_validate_lists_sources_that_disagree_and_still_exits_0(fake):
    fake.set("estimates", "ES002", "best", "400")  # the article gives 300
    fake.write()
    result = run("validate", "--data", str(fake.data), "--archive", str(fake.archive))
    assert result.returncode == 0, result.stderr
    assert "S000 gives 300 for ES002, recorded as 400" in result.stderr
    assert "1 consistency warning (sources disagree; see data/README.md)" in result.stderr


def test_validate_warns_about_a_cell_a_spreadsheet_would_run(fake):
    fake.set("statements", "ST001", "summary", '=HYPERLINK("http://x.test")')
    fake.write()
    result = run("validate", "--data", str(fake.data), "--archive", str(fake.archive))
    assert result.returncode == 0, result.stderr
    assert "statements.csv:2: summary: begins with '=': a spreadsheet opening this file would run it" in result.stderr


@pytest.mark.parametrize(
    "stop, said",
    [
        ("plain", "build interrupted; the published report is unchanged"),
        ("held, published", "build interrupted as it published; the new report is published whole"),
        ("held, swap failed", "build interrupted as it published; see above for the published report"),
    ],
)
def test_an_interrupted_build_says_whether_it_published(monkeypatch, capsys, stop, said):
    from dprk_report import cli
    from dprk_report.pipeline import outcome, runner, signals

    def interrupted(**options):
        raise KeyboardInterrupt if stop == "plain" else signals.HeldInterrupt(published=stop == "held, published")

    monkeypatch.setattr(runner, "run_build", interrupted)
    assert cli.main(["build"]) == outcome.EXIT_INTERRUPTED
    assert capsys.readouterr().err.strip() == said
