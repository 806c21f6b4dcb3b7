"""The project's set-up files agree with each other, and paths resolve as documented."""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from dprk_report import paths


def _name_and_spec(requirement: str) -> tuple[str, str]:
    match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(.*)", requirement.strip())
    return match.group(1).lower(), match.group(2).replace(" ", "")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    pyproject = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text())
    environment = yaml.safe_load((paths.PROJECT_ROOT / "environment.yml").read_text())
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    conda = dict(_name_and_spec(d) for d in conda if not d.startswith(("python=", "pip")))
    declared = dict(_name_and_spec(d) for d in pyproject["project"]["dependencies"])
    assert conda == declared


def test_python_version_agrees():
    pyproject = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text())
    environment = yaml.safe_load((paths.PROJECT_ROOT / "environment.yml").read_text())
    assert "python=3.11" in environment["dependencies"]
    assert pyproject["project"]["requires-python"].startswith(">=3.11")


def test_archive_defaults_to_shared_sources_beside_the_project(monkeypatch):
    monkeypatch.delenv(paths.ARCHIVE_ENV, raising=False)
    assert paths.archive_dir(must_exist=False) == paths.PROJECT_ROOT.parent / "shared" / "sources"


def test_archive_can_be_pointed_elsewhere(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.ARCHIVE_ENV, str(tmp_path))
    assert paths.archive_dir() == tmp_path


def test_missing_archive_says_where_it_looked(monkeypatch, tmp_path):
    missing = tmp_path / "nowhere"
    monkeypatch.setenv(paths.ARCHIVE_ENV, str(missing))
    with pytest.raises(paths.ArchiveNotFoundError, match=re.escape(str(missing))):
        paths.archive_dir()
