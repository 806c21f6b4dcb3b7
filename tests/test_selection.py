"""Notebook parameters fail with a message naming the parameter and the value."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dprk_report import paths
from dprk_report.analysis.selection import ParameterError, validate_parameters
from dprk_report.report.parameters import figures_folder


def test_valid_parameters_become_a_selection(monkeypatch):
    monkeypatch.delenv(paths.OUTPUT_ENV, raising=False)
    selection = validate_parameters("2025-01-01", "2025-06-30", ["Russia"], ["killed"])
    assert (selection.start, selection.end) == (date(2025, 1, 1), date(2025, 6, 30))
    assert selection.sides == ("Russia",)
    assert selection.metrics == ("killed",)
    assert figures_folder("figures/x") == paths.PROJECT_ROOT / "figures" / "x"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"start_date": "2025-12-31", "end_date": "2025-01-01"}, "start_date 2025-12-31 is after end_date 2025-01-01"),
        ({"start_date": "31/12/2025"}, "start_date '31/12/2025' is not a valid date"),
        ({"end_date": "2025-02-30"}, "end_date '2025-02-30' is not a valid date"),
        ({"start_date": 20250101}, "start_date 20250101 is not a date string"),
        ({"sides": ["Narnia"]}, "sides has unknown value 'Narnia'"),
        ({"sides": "Russia"}, "sides 'Russia' must be a list"),
        ({"metrics": ["dead"]}, "metrics has unknown value 'dead'"),
    ],
)
def test_bad_parameter_is_named_with_its_value(kwargs, message):
    arguments = {"start_date": "2024-06-01", "end_date": "2025-12-31"} | kwargs
    with pytest.raises(ParameterError) as error:
        validate_parameters(**arguments)
    assert message in str(error.value)


@pytest.mark.parametrize("value", ["", "   ", None, 3])
def test_a_bad_figures_dir_is_named_with_its_value(value):
    with pytest.raises(ParameterError) as error:
        figures_folder(value)
    assert f"figures_dir {value!r} must be a non-empty path string" in str(error.value)


def test_a_build_can_redirect_relative_figure_folders(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.OUTPUT_ENV, str(tmp_path))
    assert figures_folder("figures/x") == tmp_path / "figures" / "x"
    assert figures_folder("/abs/figures") == Path("/abs/figures")
