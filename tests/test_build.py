"""End-to-end: the report build in a temporary copy of the project.

A first build of a one-variant report is made once (``built``, in conftest); each
test works on its own clone of it (``project``), breaks one thing and checks the
exit status, the message and that nothing published changed. Builds running at the
same time and interrupted builds are in ``test_build_runs.py``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil

PAGES = ["all-sides/01-describe-sources", "all-sides/02-chart-statement-cadence", "all-sides/03-chart-estimate-timing"]


def _pages_in_log_order(stderr: str, marked: str = "") -> list[str]:
    """The pages the build's log says it built, in the order it says so (only those whose line holds
    ``marked``, when given)."""
    return [
        line.split("page=")[1].split()[0]
        for line in stderr.splitlines()
        if "event=page_built" in line and marked in line
    ]


def _built_pages(stderr: str, marked: str = "") -> list[str]:
    """The pages the build's log says it built, sorted (see ``_pages_in_log_order``)."""
    return sorted(_pages_in_log_order(stderr, marked))


def test_first_build_publishes_pages_index_manifest_and_figures(built):
    published = built.published()
    for page in PAGES:
        assert f"report/{page}.ipynb" in published and f"report/{page}.html" in published
    assert "report/index.html" in published and "report/manifest.json" in published
    for download in ("sources.csv", "statements.csv", "estimates.csv", "citations.csv", "codebook.md"):
        assert f"report/data/{download}" in published
    assert f"report/{PAGES[1]}-thumbnail.png" in published
    assert any(name.startswith("figures/all-sides/03-") and name.endswith(".svg") for name in published)
    manifest = json.loads((built.root / "report/manifest.json").read_text())
    assert sorted(manifest["pages"]) == PAGES
    for page in PAGES:
        record = json.loads((built.root / f"report/{page}.ipynb").read_text())
        streams = [o for c in record["cells"] for o in c.get("outputs", []) if o.get("name") == "stderr"]
        assert streams == [], f"{page} wrote warnings: {streams}"
    entry = manifest["pages"][PAGES[1]]
    assert set(entry["inputs"]) == {"notebook", "code", "context", "parameters", "data", "package", "lock"}
    assert entry["outputs"][f"report/{PAGES[1]}.html"] == published[f"report/{PAGES[1]}.html"]


def test_second_build_is_a_no_op_and_changes_no_byte(project):
    before = project.published()
    result = project.run("build")
    assert result.returncode == 0
    assert "up to date" in result.stderr
    assert project.published() == before


def test_forced_rebuild_is_byte_identical(project):
    before = project.published()
    result = project.run("build", "--force", "--quiet")
    assert result.returncode == 0, result.stderr[-3000:]
    assert project.published() == before


def test_pages_run_longest_first_by_their_last_run_and_their_new_times_are_kept(project):
    store = project.root / "build" / "page-seconds.json"
    store.parent.mkdir(exist_ok=True)
    # Neither the report's order nor its reverse: 02 took longest, then 01, then 03 (times no page takes, to tell
    # them from new ones).
    store.write_text(json.dumps({PAGES[0]: 2000.0, PAGES[1]: 3000.0, PAGES[2]: 1000.0}))
    result = project.run("build", "--force", "--quiet", "--jobs", "1")
    assert result.returncode == 0, result.stderr[-3000:]
    assert _pages_in_log_order(result.stderr) == [PAGES[1], PAGES[0], PAGES[2]]
    kept = json.loads(store.read_text())
    assert sorted(kept) == PAGES and all(0 < seconds < 1000 for seconds in kept.values())


def _edit_notebook(project, notebook: str, edit) -> None:
    path = project.root / f"notebooks/{notebook}.ipynb"
    document = json.loads(path.read_text())
    edit(document["cells"])
    path.write_text(json.dumps(document, indent=1))


def _reused_pages(stderr: str) -> list[str]:
    return _built_pages(stderr, marked="outputs=reused")


def _edit_text(cells) -> None:
    """Add a sentence to the first cell, remove the last text cell before the findings, add one near the end."""
    cells[0]["source"].append("\nAn added sentence.")
    findings = next(i for i, c in enumerate(cells) if "## Findings" in "".join(c["source"]))
    del cells[max(i for i, c in enumerate(cells[:findings]) if c["cell_type"] == "markdown")]
    cells.insert(
        len(cells) - 1, {"cell_type": "markdown", "id": "added-note", "metadata": {}, "source": ["A note added."]}
    )


def test_a_text_edit_rerenders_only_its_pages_as_a_full_run_would(project):
    _edit_notebook(project, "02-chart-statement-cadence", _edit_text)
    check = project.run("build", "--check")
    assert check.returncode == 1
    assert f"{PAGES[1]}: the notebook's text changed (its outputs are reused)" in check.stdout
    before = project.published()
    times = project.root / "build" / "page-seconds.json"
    times.parent.mkdir(exist_ok=True)
    times.write_text(json.dumps({PAGES[1]: 1000.0}))
    result = project.run("build", "--quiet")
    assert result.returncode == 0, result.stderr
    assert _built_pages(result.stderr) == _reused_pages(result.stderr) == [PAGES[1]]
    assert json.loads(times.read_text()) == {PAGES[1]: 1000.0}  # re-rendered, not run: its time stands
    after = project.published()
    assert after[f"report/{PAGES[0]}.html"] == before[f"report/{PAGES[0]}.html"]
    assert after[f"report/{PAGES[1]}.html"] != before[f"report/{PAGES[1]}.html"]
    page = (project.root / f"report/{PAGES[1]}.html").read_text()
    assert "An added sentence." in page and "A note added." in page
    # Running the notebook again gives the very same record, page, thumbnail and figures.
    forced = project.run("build", "--force", "--quiet")
    assert forced.returncode == 0, forced.stderr[-3000:]
    assert _reused_pages(forced.stderr) == []
    assert project.published() == after


def test_data_never_validated_are_validated_once_by_a_build_that_only_rerenders(project):
    shutil.rmtree(project.root / "build/validated", ignore_errors=True)  # as in a fresh clone of a new dataset
    _edit_notebook(project, "02-chart-statement-cadence", _edit_text)
    result = project.run("build", "--quiet")
    assert result.returncode == 0, result.stderr
    assert _built_pages(result.stderr) == _reused_pages(result.stderr) == [PAGES[1]]
    assert "event=build_started pages=1 kernels=1" in result.stderr  # one kernel, to validate
    assert len(list((project.root / "build/validated").iterdir())) == 1
    _edit_notebook(project, "02-chart-statement-cadence", lambda cells: cells[0]["source"].append(" Again."))
    again = project.run("build", "--quiet")
    assert again.returncode == 0, again.stderr
    assert "event=build_started pages=1 kernels=0" in again.stderr  # remembered: nothing to validate


def test_a_record_that_cannot_take_the_new_text_is_run_instead(project):
    _edit_notebook(project, "02-chart-statement-cadence", _edit_text)
    record = project.root / f"report/{PAGES[1]}.ipynb"
    document = json.loads(record.read_text())
    [c for c in document["cells"] if c["cell_type"] == "code"][-1]["source"] = ["print('other code')"]
    record.write_text(json.dumps(document, indent=1) + "\n")
    manifest_file = project.root / "report/manifest.json"
    manifest = json.loads(manifest_file.read_text())  # as if the build had made this record
    manifest["pages"][PAGES[1]]["outputs"][f"report/{PAGES[1]}.ipynb"] = hashlib.sha256(record.read_bytes()).hexdigest()
    manifest_file.write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    result = project.run("build", "--quiet")
    assert result.returncode == 0, result.stderr
    assert f'event=page_run_instead page={PAGES[1]} reason="RecordMismatch:' in result.stderr
    assert _built_pages(result.stderr) == [PAGES[1]] and _reused_pages(result.stderr) == []
    assert "other code" not in record.read_text() and "A note added." in record.read_text()


def test_a_new_heading_or_parameter_set_title_rerenders_the_pages_that_show_it(project):
    def retitle(cells):
        cells[0]["source"][0] = "# Statements month by month\n"

    _edit_notebook(project, "02-chart-statement-cadence", retitle)
    check = project.run("build", "--check")
    expected = "its parameter set's title or a neighbouring page's heading changed (its outputs are reused)"
    assert f"{PAGES[0]}: {expected}" in check.stdout
    result = project.run("build", "--quiet")
    assert result.returncode == 0, result.stderr
    assert _reused_pages(result.stderr) == PAGES
    for page in (PAGES[0], PAGES[2]):
        assert "Statements month by month" in (project.root / f"report/{page}.html").read_text()
    config = project.root / "report.toml"
    config.write_text(config.read_text().replace('title = "All sides"', 'title = "Every side, whole period"'))
    result = project.run("build", "--quiet")
    assert result.returncode == 0, result.stderr
    assert _reused_pages(result.stderr) == PAGES
    for page in PAGES:
        page_html = (project.root / f"report/{page}.html").read_text()
        assert "Every side, whole period" in page_html and "All sides" not in page_html


def test_a_code_edit_runs_the_notebook_again(project):
    def comment(cells):
        _first_code_cell(cells)["source"] = ["# a comment changes the code\n", *_first_code_cell(cells)["source"]]

    figures = _figures_of(project, PAGES[1])
    kept = _kept_charts(project)
    _edit_notebook(project, "02-chart-statement-cadence", comment)
    check = project.run("build", "--check")
    assert f"{PAGES[1]}: the notebook's code changed" in check.stdout
    result = project.run("build", "--quiet")
    assert result.returncode == 0, result.stderr
    assert _built_pages(result.stderr) == [PAGES[1]]
    assert _reused_pages(result.stderr) == []
    # Its charts' inputs did not change: shown from the charts the first build kept, none drawn and kept anew.
    assert figures and _figures_of(project, PAGES[1]) == figures
    assert _kept_charts(project) == kept


def test_a_chart_whose_drawing_changed_is_drawn_again(project):
    def retitle(cells):
        cell = next(cell for cell in cells if "charts.intervals(" in "".join(cell["source"]))
        cell["source"] = [
            line.replace("findings.intervals_title(frame)", "'An edited title'") for line in cell["source"]
        ]

    figures = _figures_of(project, PAGES[1])
    _edit_notebook(project, "02-chart-statement-cadence", retitle)
    result = project.run("build", "--quiet")
    assert result.returncode == 0, result.stderr
    changed = {name for name, sha in _figures_of(project, PAGES[1]).items() if figures.get(name) != sha}
    assert changed == {f"figures/all-sides/02-statement-intervals.{suffix}" for suffix in ("png", "svg")}
    assert "An edited title" in (project.root / "figures/all-sides/02-statement-intervals.svg").read_text()


def _first_code_cell(cells) -> dict:
    return next(
        cell for cell in cells if cell["cell_type"] == "code" and "parameters" not in cell["metadata"].get("tags", [])
    )


def _figures_of(project, page: str) -> dict[str, str]:
    """sha256 of the published figures of ``page`` (its notebook's number begins their names)."""
    variant, notebook = page.split("/")
    prefix = f"figures/{variant}/{notebook[:2]}-"
    return {name: sha for name, sha in project.published().items() if name.startswith(prefix)}


def _kept_charts(project) -> set[str]:
    return {path.name for path in (project.root / "build" / "kept-charts").rglob("*.json")}


def test_a_notebook_that_cannot_be_read_is_named_and_nothing_is_built(project):
    notebook = project.root / "notebooks/02-chart-statement-cadence.ipynb"
    notebook.write_text(notebook.read_text()[:500])  # a save cut short
    before = project.published()
    for arguments in (("build", "--quiet"), ("build", "--check")):
        result = project.run(*arguments)
        assert result.returncode == 1
        said = result.stderr + result.stdout
        assert "notebooks/02-chart-statement-cadence.ipynb is not a notebook that can be read" in said, said
        assert "Traceback" not in said
    assert project.published() == before


def test_check_reports_a_data_change_without_building(project):
    statements = project.root / "data/statements.csv"
    statements.write_text(statements.read_text().replace("Seoul's defence ministry said", "Seoul's ministry said"))
    before = project.published()
    result = project.run("build", "--check")
    assert result.returncode == 1
    assert "the data or the archive changed" in result.stdout
    assert project.published() == before


def test_corrupted_csv_stops_the_build_and_publishes_nothing(project):
    estimates = project.root / "data/estimates.csv"
    lines = estimates.read_text().splitlines(keepends=True)
    lines[3] = lines[3].replace(",3000,", ",3,000,", 1) if ",3000," in lines[3] else lines[3][:40] + "\n"
    estimates.write_text("".join(lines))
    before = project.published()
    result = project.run("build", "--quiet")
    assert result.returncode == 1
    assert "the dataset is invalid; nothing was published" in result.stderr
    assert "data/estimates.csv:4:" in result.stderr
    # The data's problems are the whole story: not the failures of pages that ran on them meanwhile.
    assert "build failed" not in result.stderr
    assert project.published() == before


def test_a_table_that_cannot_be_read_stops_the_build_with_its_problem_only(project):
    # A duplicated column: the table cannot be read at all, so the pages that start meanwhile (their kernels
    # load the data the build took, before it is found invalid) fail, and so would the index.
    estimates = project.root / "data/estimates.csv"
    header, rest = estimates.read_text().split("\n", 1)
    estimates.write_text(f"{header},{header.split(',')[0]}\n{rest}")
    before = project.published()
    result = project.run("build", "--quiet", "--jobs", "2")
    assert result.returncode == 1
    assert "the dataset is invalid; nothing was published" in result.stderr
    assert "data/estimates.csv:1:" in result.stderr
    assert "build failed" not in result.stderr and "kernel_warm_up_failed" not in result.stderr
    assert project.published() == before


def test_quote_missing_from_its_source_stops_the_build(project):
    citations = project.root / "data/citations.csv"
    text = citations.read_text()
    citations.write_text(
        text.replace(
            "warned of the danger of such a development if true", "warned of the danger of such a deployment if true"
        )
    )
    before = project.published()
    result = project.run("build", "--quiet")
    assert result.returncode == 1
    assert "data/citations.csv:" in result.stderr and ": quote: " in result.stderr
    assert project.published() == before


def test_bad_parameter_set_in_the_config_is_named(project):
    config = project.root / "report.toml"
    config.write_text(config.read_text().replace("parameters = {}", 'parameters = { sides = ["Mars"] }'))
    before = project.published()
    result = project.run("build", "--quiet")
    assert result.returncode == 1
    assert (
        "report.toml: variant all-sides, notebook 01-describe-sources: sides has unknown value 'Mars'" in result.stderr
    )
    assert project.published() == before


def test_a_window_that_only_fails_with_the_notebooks_defaults_is_caught_before_building(project):
    config = project.root / "report.toml"
    config.write_text(config.read_text().replace("parameters = {}", 'parameters = { end_date = "2024-01-01" }'))
    result = project.run("build", "--quiet")
    assert result.returncode == 1
    assert "start_date 2024-06-01 is after end_date 2024-01-01" in result.stderr
    assert "event=page_built" not in result.stderr


def _insert_cell(project, notebook: str, source: str, first: bool = False) -> None:
    """Insert a code cell before the Findings heading, or (``first``) right after the parameters cell."""

    def insert(cells):
        if first:
            position = 1 + next(i for i, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", []))
        else:
            position = next(i for i, c in enumerate(cells) if "Findings" in "".join(c["source"]))
        cell = {"cell_type": "code", "execution_count": None, "id": "inserted", "metadata": {}, "outputs": []}
        cells.insert(position, cell | {"source": source})

    _edit_notebook(project, notebook, insert)


def test_a_cell_that_raises_names_notebook_parameters_and_cell(project):
    _insert_cell(project, "03-chart-estimate-timing", "raise RuntimeError('deliberate failure')")
    before = project.published()
    result = project.run("build", "--quiet")
    assert result.returncode == 1
    assert "notebook 03-chart-estimate-timing, parameter set 'all-sides': cell" in result.stderr
    assert "RuntimeError: deliberate failure" in result.stderr
    assert "published report was left unchanged" in result.stderr
    assert (project.root / "build/failed/all-sides/03-chart-estimate-timing.ipynb").is_file()
    assert project.published() == before


def test_a_package_module_that_fails_to_import_names_each_page_and_cell(project):
    # The kernels' preload imports it first: its failure must not hide which page and cell fail.
    module = project.root / "src/dprk_report/analysis/coverage.py"
    module.write_text(module.read_text() + "\nraise ValueError('broken helper')\n")
    before = project.published()
    result = project.run("build", "--quiet", "--force")
    assert result.returncode == 1
    for notebook in ("01-describe-sources", "02-chart-statement-cadence", "03-chart-estimate-timing"):
        assert f"notebook {notebook}, parameter set 'all-sides': cell" in result.stderr, result.stderr
        assert (project.root / f"build/failed/all-sides/{notebook}.ipynb").is_file()
    assert "ValueError: broken helper" in result.stderr
    assert project.published() == before


def test_a_notebook_that_never_finishes_times_out(project):
    config = project.root / "report.toml"
    # The sleeping cell comes before any real work, so that on a busy machine no other cell can be the one
    # that overruns the short timeout (the parameter cells before it only assign values).
    config.write_text(re.sub(r"cell_timeout_seconds = \d+", "cell_timeout_seconds = 5", config.read_text()))
    _insert_cell(project, "01-describe-sources", "import time\ntime.sleep(600)", first=True)
    before = project.published()
    result = project.run("build", "--quiet", timeout=300)
    assert result.returncode == 1
    assert "notebook 01-describe-sources, parameter set 'all-sides': cell " in result.stderr
    assert "Timeout" in result.stderr
    assert project.published() == before
    # The kept notebook does not call the cell that never finished "completed".
    kept = json.loads((project.root / "build/failed/all-sides/01-describe-sources.ipynb").read_text())
    (stopped,) = [c for c in kept["cells"] if c.get("id") == "inserted"]
    assert stopped["metadata"]["papermill"]["status"] == "failed"


def test_data_changed_while_the_build_runs_is_not_published(project):
    statements = project.root / "data" / "statements.csv"
    # A cell that edits the data the build validated (a blank line: still valid, another data version).
    _insert_cell(project, "02-chart-statement-cadence", f"open({str(statements)!r}, 'a').write('\\n')")
    before = project.published()
    result = project.run("build", "--quiet")
    assert result.returncode == 1
    assert "the data or a cited article changed while the build ran; nothing was published" in result.stderr
    # What read the new data fails (the index; a kernel's first load): the change, said instead, is the news.
    assert "build failed" not in result.stderr
    assert project.published() == before


def test_a_no_op_build_removes_what_a_killed_build_left(project):
    leftover = project.root / "build" / "staging-999999"
    (leftover / "report").mkdir(parents=True)
    result = project.run("build")
    assert result.returncode == 0
    assert not leftover.exists()
    assert "removed staging-999999, left by a build that did not finish" in result.stderr


def test_the_committed_report_matches_current_code_data_and_parameters():
    """The published report/ is what `make report` makes now; run it and commit when this fails."""
    import subprocess
    import sys

    from dprk_report import paths

    result = subprocess.run(
        [sys.executable, "-m", "dprk_report", "build", "--check"],
        cwd=paths.PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_text_from_the_dataset_is_escaped_in_every_page(project):
    import hashlib

    article = project.archive / "005_pravda-com-ua.txt"
    article.write_text(article.read_text() + '\nOfficials said <script>alert("x")</script> & more.\n')
    sources = project.root / "data/sources.csv"
    text = sources.read_text()
    old_sha = next(line.split(",")[2] for line in text.splitlines() if line.startswith("S005,"))
    new_sha = hashlib.sha256(article.read_bytes()).hexdigest()
    sources.write_text(
        text.replace(old_sha, new_sha).replace(
            "S005,005_pravda-com-ua.txt," + new_sha + ",Ukrainska Pravda",
            "S005,005_pravda-com-ua.txt," + new_sha + ",Ukrainska <b>Pravda</b>",
        )
    )
    citations = project.root / "data/citations.csv"
    lines = citations.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if ",ST002,S005," in line)
    cid = lines[index].split(",")[0]
    # citation_id, record_id, source_id, quote, date_as_written, the three *_as_written cells, notes
    lines[index] = f'{cid},ST002,S005,"Officials said <script>alert(""x"")</script> & more.",On 8 October,,,,\n'
    citations.write_text("".join(lines))
    result = project.run("build", "--quiet")
    assert result.returncode == 0, result.stderr
    pages = [project.root / "report/index.html"] + sorted((project.root / "report").rglob("*.html"))
    for page in pages:
        html = page.read_text()
        assert "<script>alert" not in html, page
        assert "<b>Pravda</b>" not in html, page
    cadence = (project.root / "report/all-sides/02-chart-statement-cadence.html").read_text()
    assert "Officials said &lt;script&gt;alert(" in cadence
    assert "Ukrainska &lt;b&gt;Pravda&lt;/b&gt;" in (project.root / "report/index.html").read_text()


def test_a_publication_cut_between_its_two_swaps_is_completed_by_the_next_build(tmp_path):
    from dprk_report.pipeline.publish import recover

    root, build = tmp_path / "root", tmp_path / "build"
    for name, text in (("report", "old report"), ("figures", "old figures")):
        (root / name).mkdir(parents=True)
        (root / name / "f").write_text(text)
    # The build of pid 7 swapped report/ in, then was killed before figures/.
    (build / "previous-7" / "report").mkdir(parents=True)
    (build / "previous-7" / "report" / "f").write_text("old report")
    (build / "staging-7" / "figures").mkdir(parents=True)
    (build / "staging-7" / "figures" / "f").write_text("new figures")
    (root / "report" / "f").write_text("new report")
    done = recover(root, build)
    assert done == [
        "completed the publication that build 7 was cut off in (report/ and figures/ now come from that build)"
    ]
    assert (root / "report" / "f").read_text() == "new report"
    assert (root / "figures" / "f").read_text() == "new figures"
    assert list(build.iterdir()) == []


def test_the_plan_made_before_the_lock_stands_only_if_nothing_was_repaired_or_published_since():
    from dprk_report.pipeline.build import plan_stands
    from dprk_report.pipeline.plan import PlannedBuild

    manifest = {"pages": {"all-sides/01-describe-sources": {"outputs": {}}}, "index": {}}
    planned = PlannedBuild("fingerprints", manifest, "plan")
    assert plan_stands(planned, [], dict(manifest))
    assert not plan_stands(None, [], manifest)  # the build waited for another: it plans again
    assert not plan_stands(planned, ["completed the swap of an interrupted build"], manifest)
    published = {"pages": {**manifest["pages"], "south-korea-2025/01-describe-sources": {}}, "index": {}}
    assert not plan_stands(planned, [], published)
