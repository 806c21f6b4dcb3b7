"""The notebooks run headless under their defaults and other parameter sets, and fail clearly on bad ones.

They run one after another in one kernel, cleared before each, as the build runs its pages.
"""

from __future__ import annotations

import csv
import re

import nbformat
import papermill
import pytest

from dprk_report import paths
from dprk_report.pipeline.kernel import KERNEL_NAME as KERNEL
from dprk_report.pipeline.kernel import ReusedKernel
from dprk_report.vocab import METRIC_LABELS

NOTEBOOKS = sorted(path.name for path in paths.NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))


@pytest.fixture(scope="module")
def kernel():
    reused = ReusedKernel()
    yield reused
    reused.close()


@pytest.fixture
def run(kernel, tmp_path):
    def run(notebook: str, **parameters) -> nbformat.NotebookNode:
        parameters.setdefault("figures_dir", str(tmp_path / "figures"))
        output = tmp_path / notebook
        kernel.reset()
        papermill.execute_notebook(
            paths.NOTEBOOKS_DIR / notebook,
            output,
            parameters=parameters,
            kernel_name=KERNEL,
            progress_bar=False,
            cwd=str(paths.NOTEBOOKS_DIR),
            km=kernel.manager(),
        )
        return nbformat.read(output, as_version=4)

    return run


def _text(notebook: nbformat.NotebookNode) -> str:
    return "\n".join(
        output.get("data", {}).get("text/plain", "") + output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


def test_three_notebooks_in_run_order():
    assert NOTEBOOKS == [
        "01-describe-sources.ipynb",
        "02-chart-statement-cadence.ipynb",
        "03-chart-estimate-timing.ipynb",
    ]


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_parameters_cell_holds_plain_values_only(notebook):
    cells = nbformat.read(paths.NOTEBOOKS_DIR / notebook, as_version=4).cells
    (parameters,) = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    for line in parameters.source.splitlines():
        declaration, _, value = line.partition(" = ")
        name, _, annotation = declaration.partition(": ")
        assert name.isidentifier() and annotation in ("str", "list"), line
        assert value[:1] in '"[', line  # a literal, never a computed value


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_defaults_run_and_write_figures(run, tmp_path, notebook):
    text = _text(run(notebook))
    assert "Selection: 1 June 2024 to 31 March 2026, all sides." in text
    assert list((tmp_path / "figures").glob(f"{notebook[:2]}-*.svg"))


def test_one_side_and_a_narrow_window(run):
    text = _text(
        run(
            "02-chart-statement-cadence.ipynb",
            start_date="2025-04-01",
            end_date="2025-05-31",
            sides=["Russia"],
        )
    )
    # Only Russian statements are selected, so the findings name exactly one side, Russia.
    assert re.search(r"\d+ statements?, all by Russia\.", text), text


def test_no_metric_chosen_means_every_metric(run, tmp_path):
    text = _text(run("03-chart-estimate-timing.ipynb", metrics=[], start_date="2000-01-01", end_date="2099-12-31"))
    # A window over all time holds every estimate of the data: each metric they have gets its latest figure.
    with open(paths.data_dir() / "estimates.csv", encoding="utf-8") as table:
        metrics = {row["metric"] for row in csv.DictReader(table)}
    assert metrics
    for metric in metrics:
        assert f"Latest {METRIC_LABELS[metric].lower()} figure: " in text
    assert list((tmp_path / "figures").glob("03-estimates-over-time.png"))


def test_one_metric_for_one_estimator_side(run):
    text = _text(run("03-chart-estimate-timing.ipynb", sides=["South Korea"], metrics=["killed"]))
    assert "Latest killed figure: around 2,000, from South Korea National Intelligence Service" in text


@pytest.mark.parametrize(
    "notebook, message",
    [
        ("01-describe-sources.ipynb", "No archived article was published in this window."),
        (
            "02-chart-statement-cadence.ipynb",
            "No statement in the dataset falls in this window for the selected sides.",
        ),
        ("03-chart-estimate-timing.ipynb", "No estimate of the selected metrics was made public in this window."),
    ],
)
def test_empty_window_runs_to_the_end_and_says_so(run, tmp_path, notebook, message):
    text = _text(run(notebook, start_date="2023-01-01", end_date="2023-12-31"))
    assert message in text
    assert not list((tmp_path / "figures").glob("*.png"))


@pytest.mark.parametrize(
    "notebook, parameters, message",
    [
        ("01-describe-sources.ipynb", {"start_date": "2025-13-01"}, "start_date '2025-13-01' is not a valid date"),
        (
            "02-chart-statement-cadence.ipynb",
            {"start_date": "2025-12-31", "end_date": "2025-01-01"},
            "start_date 2025-12-31 is after end_date 2025-01-01",
        ),
        ("03-chart-estimate-timing.ipynb", {"sides": ["Atlantis"]}, "sides has unknown value 'Atlantis'"),
    ],
)
def test_bad_parameters_fail_in_the_cell_after_the_parameters(run, tmp_path, notebook, parameters, message):
    with pytest.raises(papermill.PapermillExecutionError) as error:
        run(notebook, **parameters)
    assert message in str(error.value)
    code = [cell for cell in nbformat.read(tmp_path / notebook, as_version=4).cells if cell.cell_type == "code"]
    injected = next(i for i, cell in enumerate(code) if "injected-parameters" in cell.metadata.get("tags", []))
    failed = next(
        i for i, cell in enumerate(code) if any(o.get("output_type") == "error" for o in cell.get("outputs", []))
    )
    assert failed == injected + 1


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_committed_notebooks_are_clean_and_name_the_project_kernel(notebook):
    source = nbformat.read(paths.NOTEBOOKS_DIR / notebook, as_version=4)
    assert source.metadata.kernelspec.name == KERNEL
    assert all(
        not cell.get("outputs") and cell.get("execution_count") is None
        for cell in source.cells
        if cell.cell_type == "code"
    )
    assert source.cells[0].source.startswith("# ")
    # What the notebook reads and writes is said for maintainers, in a cell the reader's page leaves out.
    assert any("Reads " in cell.source and "maintainer" in cell.metadata.get("tags", []) for cell in source.cells)
