"""Releases: what changed between two versions of the tables, the changelog, stable ids, the data package,
the citation metadata and the staleness alarm. The end-to-end sequence is in ``test_nightly.py``."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import fake_index, problem_at
from dprk_report import paths, vocab
from dprk_report.data import ids
from dprk_report.data.changes import FieldChange, dataset_changes, table_changes
from dprk_report.data.releases import Release, release_name, release_of
from dprk_report.pipeline.config import ConfigError, load_config
from dprk_report.pipeline.downloads import DATAPACKAGE, write_downloads
from dprk_report.release import changelog
from dprk_report.release.make import cite_release, datapackage_problems

# --- what changed ---------------------------------------------------------------------------------------


def test_changes_are_found_by_id_field_by_field():
    old = [
        {"statement_id": "ST001", "speaker": "A", "summary": "one"},
        {"statement_id": "ST002", "speaker": "B", "summary": "two"},
    ]
    new = [
        {"statement_id": "ST002", "speaker": "B", "summary": "two, corrected"},
        {"statement_id": "ST003", "speaker": None, "summary": "three"},
    ]
    changes = table_changes(old, new, "statement_id")
    assert changes.added == ["ST003"]
    assert changes.removed == ["ST001"]
    assert changes.changed == {"ST002": [FieldChange("summary", "two", "two, corrected")]}


def test_an_unchanged_table_has_no_changes_and_reordering_is_no_change():
    rows = [{"estimate_id": "ES001", "best": "10"}, {"estimate_id": "ES002", "best": "20"}]
    assert not table_changes(rows, list(reversed(rows)), "estimate_id")


def test_a_cell_emptied_is_a_change_to_empty():
    changes = table_changes(
        [{"estimate_id": "ES001", "high": "12"}], [{"estimate_id": "ES001", "high": None}], "estimate_id"
    )
    assert changes.changed["ES001"] == [FieldChange("high", "12", None)]


# --- the changelog --------------------------------------------------------------------------------------

COUNTS = {"sources": 2, "statements": 2, "estimates": 1, "citations": 3}


def _release(name: str, date: str) -> Release:
    return Release(name, date, "v-" + name, COUNTS)


def test_the_changelog_lists_added_changed_and_removed_records_with_why():
    old = {
        "statements": [{"statement_id": "ST001", "speaker": "A", "summary": "Seoul condemns the deployment."}],
        "citations": [{"citation_id": "C0001", "record_id": "ST001", "source_id": "S000", "quote": "we condemn"}],
    }
    new = {
        "statements": [{"statement_id": "ST001", "speaker": "B", "summary": "Seoul condemns the deployment."}],
        "estimates": [{"estimate_id": "ES004", "summary": "About 2,500 killed."}],
        "citations": [],
    }
    changes = dataset_changes(old, new)
    text = changelog.section(
        _release("2026.12.03", "2026-12-03"),
        _release("2026.12.02", "2026-12-02"),
        changes,
        {"sources": [], **new},
        old,
        {"C0001": "the quote was from another article"},
    )
    assert text.startswith("## 2026.12.03 (3 December 2026)\n")
    assert "Compared with 2026.12.02: added 1 estimate; changed 1 statement; removed 1 citation." in text
    assert "- Added **ES004**: About 2,500 killed." in text
    assert "- Changed **ST001** (Seoul condemns the deployment.): speaker: `A` → `B`" in text
    assert "- Removed **C0001** (ST001 in S000: “we condemn”): the quote was from another article" in text
    assert "### Articles" not in text  # no source changed


def test_the_first_release_is_summarised_by_its_size():
    text = changelog.section(_release("2026.12.02", "2026-12-02"), None, {}, {}, {}, {})
    assert "First release: 2 articles, 2 statements, 1 estimate, 3 citations." in text


def test_a_new_section_goes_first_under_the_heading():
    first = changelog.with_section(None, "## 2026.12.02 (2 December 2026)\n\nFirst release.")
    both = changelog.with_section(first, "## 2026.12.03 (3 December 2026)\n\nCompared with 2026.12.02.")
    assert both.startswith(changelog.HEADING)
    assert both.index("## 2026.12.03") < both.index("## 2026.12.02")
    assert both.count(changelog.INTRODUCTION) == 1


def test_release_names_are_days_and_a_second_release_of_a_day_is_numbered():
    day = dt.date(2026, 11, 25)
    assert release_name(day, []) == "2026.11.25"
    assert release_name(day, ["2026.11.25"]) == "2026.11.25.2"
    assert release_name(day, ["2026.11.25", "2026.11.25.2"]) == "2026.11.25.3"


def test_the_release_of_data_is_the_newest_with_that_version():
    a, b = Release("2026.12.01", "2026-12-01", "x", COUNTS), Release("2026.12.02", "2026-12-02", "y", COUNTS)
    assert release_of([a, b], "x") == a
    assert release_of([a, b], "z") is None


# --- stable ids -----------------------------------------------------------------------------------------


def _publish(fake, *rows: dict) -> None:
    header = ids.PUBLISHED_HEADER
    ids.write_published(fake.data, [dict.fromkeys(header) | {"published_in": "2026.12.02"} | row for row in rows])


def test_a_published_record_cannot_disappear_without_a_removal_note(fake):
    _publish(fake, {"record_id": "ST001", "table": "statements"}, {"record_id": "ST002", "table": "statements"})
    assert fake.problems() == []
    fake.rows["statements"] = [row for row in fake.rows["statements"] if row["statement_id"] != "ST002"]
    fake.rows["citations"] = [row for row in fake.rows["citations"] if row["record_id"] != "ST002"]
    fake.write()
    found = problem_at(fake.problems(), "releases/published-ids", 3, "record_id", "ST002")
    assert "published in release 2026.12.02" in found and "removals.csv" in found
    ids.write_removals(fake.data, [{"record_id": "ST002", "reason": "a duplicate of ST001"}])
    assert fake.problems() == []


def test_a_removal_note_needs_a_reason_and_a_record_really_removed(fake):
    _publish(fake, {"record_id": "ST001", "table": "statements"})
    ids.write_removals(fake.data, [{"record_id": "ST001", "reason": None}])
    problem_at(fake.problems(), "releases/removals", 2, "reason", "ST001")
    ids.write_removals(fake.data, [{"record_id": "ST001", "reason": "wrong speaker"}])
    problem_at(fake.problems(), "releases/removals", 2, "record_id", "still in the tables")


def test_an_id_once_removed_is_never_reused(fake):
    _publish(fake, {"record_id": "ES003", "table": "estimates", "removed_in": "2026.12.03"})
    found = problem_at(fake.problems(), "estimates", 4, "estimate_id", "ES003")
    assert "never reused" in found


def test_a_published_source_keeps_its_article_and_its_id(fake):
    _publish(fake, {"record_id": "S000", "table": "sources", "key": "001_wire-daily.txt"})
    problem_at(fake.problems(), "sources", 2, "archive_file", "S000 was published for 001_wire-daily.txt")
    problem_at(fake.problems(), "sources", 3, "source_id", "this record was published as S000")


def _publish_all(fake) -> None:
    """Publish every record of the tiny dataset as it is now."""
    from dprk_report.data.tables import ID_COLUMNS

    _publish(
        fake,
        *[
            {"record_id": row[ID_COLUMNS[table]], "table": table, "key": ids.record_key(table, row)}
            for table, rows in fake.rows.items()
            for row in rows
        ],
    )


def test_swapping_two_published_ids_is_refused_as_renumbering(fake):
    _publish_all(fake)
    assert fake.problems() == []
    first, second = fake.rows["estimates"][0], fake.rows["estimates"][1]  # ES001, ES002 on lines 2 and 3
    first["estimate_id"], second["estimate_id"] = second["estimate_id"], first["estimate_id"]
    for citation in fake.rows["citations"]:
        citation["record_id"] = {"ES001": "ES002", "ES002": "ES001"}.get(citation["record_id"], citation["record_id"])
    fake.write()
    problems = fake.problems()
    problem_at(problems, "estimates", 2, "estimate_id", "this record was published as ES001")
    problem_at(problems, "estimates", 3, "estimate_id", "this record was published as ES002")


def test_a_corrected_record_and_a_new_record_like_a_published_one_are_not_renumberings(fake):
    _publish_all(fake)
    fake.set("estimates", "ES001", "best", "16000")  # a correction changes the key: no renumbering
    copy_of_es002 = dict(fake.rows["estimates"][1], estimate_id="ES004", summary="The same figure, again.")
    fake.rows["estimates"].append(copy_of_es002)
    fake.rows["citations"].append(dict(fake.rows["citations"][3], citation_id="C0006", record_id="ES004"))
    fake.write()
    assert not [p for p in fake.problems() if "renumbered" in p], fake.problems()


def test_the_remembered_validation_is_keyed_by_the_register(tmp_path):
    from dprk_report.data.validated import validation_key

    before = validation_key("some data version", tmp_path)
    ids.write_removals(tmp_path, [{"record_id": "ST001", "reason": "duplicate"}])
    assert validation_key("some data version", tmp_path) != before


# --- the data package -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("downloads")
    release = Release("2026.12.02", "2026-12-02", "x", COUNTS)
    write_downloads(paths.data_dir(), out, "Test title", release)
    return out


def test_the_data_package_of_the_real_data_is_valid(downloads):
    assert datapackage_problems(downloads / DATAPACKAGE) == []


def test_the_data_package_takes_types_units_and_vocabularies_from_the_column_rules(downloads):
    package = json.loads((downloads / DATAPACKAGE).read_text(encoding="utf-8"))
    assert package["version"] == "2026.12.02" and package["licenses"][0]["name"] == "CC-BY-4.0"
    fields = {
        resource["name"]: {field["name"]: field for field in resource["schema"]["fields"]}
        for resource in package["resources"]
    }
    assert fields["estimates"]["metric"]["constraints"]["enum"] == list(vocab.METRICS)
    assert fields["statements"]["side"]["constraints"]["enum"] == list(vocab.SIDES)
    assert fields["estimates"]["best"]["type"] == "integer" and fields["estimates"]["best"]["unit"] == "people"
    assert fields["citations"]["citation_id"]["constraints"] == {
        "pattern": r"C\d{4,}",
        "required": True,
        "unique": True,
    }
    assert "verbatim words from that article" in fields["citations"]["quote"]["description"]


def test_the_data_package_is_described_without_the_validation_library():
    """The index writes the data package in a kernel that has no data to validate (a code edit's build):
    describing the tables must not import pandera, 0.12 s and some 14 MB of a kernel."""
    code = (
        "import sys\n"
        "from dprk_report.data.columns import COLUMNS\n"
        "from dprk_report.data.package import descriptor\n"
        "package = descriptor({table: list(names) for table, names in COLUMNS.items()}, '', 'Title')\n"
        "print(len(package['resources']), 'pandera' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["4", "False"], result.stderr


def test_frictionless_refuses_a_table_that_breaks_the_package(downloads, tmp_path):
    broken = tmp_path / "data"
    shutil.copytree(downloads / "report" / "data", broken)
    table = broken / "estimates.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("metric")] = "troops_imagined"
    table.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    problems = datapackage_problems(broken / "datapackage.json")
    assert any("troops_imagined" in problem for problem in problems), problems


# --- citation -------------------------------------------------------------------------------------------

#: The Citation File Format's own validator, in an environment of its own (it pins an older jsonschema).
CFFCONVERT = "cffconvert==2.0.0"


def _cffconvert(path: Path) -> subprocess.CompletedProcess:
    uv = shutil.which("uv") or str(paths.PROJECT_ROOT / ".tools" / "bin" / "uv")
    assert Path(uv).exists() or shutil.which(uv), "uv is needed to run cffconvert (make venv installs it)"
    return subprocess.run(
        [uv, "tool", "run", "--quiet", "--from", CFFCONVERT, "cffconvert", "--validate", "--infile", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_citation_cff_is_valid_and_names_the_latest_release_if_any(tmp_path):
    result = _cffconvert(paths.CITATION)
    assert result.returncode == 0, result.stdout + result.stderr
    import yaml

    from dprk_report.data.releases import read_releases

    cff = yaml.safe_load(paths.CITATION.read_text(encoding="utf-8"))
    releases = read_releases(paths.data_dir())
    if releases:
        assert (str(cff["version"]), str(cff["date-released"])) == (releases[-1].name, releases[-1].date)
    else:
        assert cff["version"] == "unreleased"
    broken = tmp_path / "CITATION.cff"
    broken.write_text(paths.CITATION.read_text(encoding="utf-8").replace("cff-version: 1.2.0", "cff-version: 9"))
    assert _cffconvert(broken).returncode != 0


def test_a_release_sets_the_citations_version_and_day():
    text = 'title: "x"\nversion: unreleased\ndate-released: "2026-01-01"\n'
    cited = cite_release(text, Release("2026.12.03", "2026-12-03", "v", COUNTS))
    assert cited == 'title: "x"\nversion: "2026.12.03"\ndate-released: "2026-12-03"\n'


# --- staleness ------------------------------------------------------------------------------------------


def test_stale_after_days_defaults_to_ninety_and_must_be_a_positive_number(tmp_path):
    text = paths.REPORT_CONFIG.read_text(encoding="utf-8")
    without = tmp_path / "report.toml"
    without.write_text("\n".join(line for line in text.splitlines() if not line.startswith("stale_after_days")))
    assert load_config(without).stale_after_days == 90
    for bad in ("0", "-5", '"ninety"', "true"):
        without.write_text(f"stale_after_days = {bad}\n" + without.read_text())
        with pytest.raises(ConfigError, match="stale_after_days"):
            load_config(without)
        without.write_text("\n".join(without.read_text().splitlines()[1:]))


def test_the_data_are_stale_one_day_after_the_threshold():
    from dprk_report.analysis.freshness import freshness
    from dprk_report.data.dataset import load_dataset

    dataset = load_dataset()
    newest = freshness(dataset, "2030-01-01").newest_estimate
    assert not freshness(dataset, newest + dt.timedelta(days=90)).stale(90)
    assert freshness(dataset, newest + dt.timedelta(days=91)).stale(90)
    assert freshness(dataset, newest + dt.timedelta(days=91)).estimate_age == 91


def test_the_index_ages_the_data_to_the_release_and_raises_the_alarm_past_the_threshold(fake, monkeypatch):
    monkeypatch.setenv(paths.ARCHIVE_ENV, str(fake.archive))
    # The tiny dataset's newest estimate (ES003) was announced on 20 Aug 2025: 103 days before 1 Dec 2025.
    page = fake_index(fake, "2025-12-01", 90)
    assert "(20 August 2025), 103 days before release 2025.12.01 (1 December 2025)." in page
    assert '<div class="alarm" role="alert" id="stale-alarm" data-newest="2025-08-20"' in page
    assert "in the 90 days before <span" in page
    assert '<div class="alarm" role="alert" id="stale-alarm" hidden' in fake_index(fake, "2025-12-01", 103)
    assert "Data release <strong>2025.12.01</strong>" in page
    assert "Data release 2025.12.01 [dataset], git tag data-2025.12.01." in page
    assert "dprk-report maintainers (2025). " in page  # author (year). title.
    # The Limitations refer to At a glance for how many articles are excerpts: the tiny dataset has one of two.
    assert "; 2 archived articles, 1 of them excerpts.</p>" in page


def test_data_not_yet_released_are_cited_as_a_release_is_with_their_version():
    from dprk_report.pipeline.config import load_config
    from dprk_report.pipeline.index import _citation

    cited = _citation(load_config(), None, "0123456789abcdef")
    title = "North Korea&#x27;s troops in Russia&#x27;s war: statements and estimates"
    assert f"dprk-report maintainers (unreleased). {title}. Data version 0123456789ab [dataset]." in cited


def test_the_index_lists_each_article_by_its_headline_linked_to_it():
    from dprk_report.pipeline.index import _sources_section

    row = {"source_id": "S001", "outlet": "Wire Daily", "wire_agency": "AFP", "published_date": "2025-08-20"}
    rows = [
        {**row, "title": "Kim writes to Putin", "url": "https://wire-daily.test/world/kim-letter"},
        {**row, "source_id": "S002", "title": "", "url": "https://no-headline.test/a/very/long/path"},
        {**row, "source_id": "S003", "title": "", "url": "javascript:alert(1)"},
        {**row, "source_id": "S004", "title": "", "url": "https://[not-an-address"},
        {**row, "source_id": "S005", "title": "", "url": "https://www.outlet.test/" + "x" * 80},
    ]
    table = _sources_section([{**r, "published_precision": "day"} for r in rows])
    assert '<a href="https://wire-daily.test/world/kim-letter" rel="noreferrer">Kim writes to Putin</a>' in table
    # No headline: the address without its scheme, which tells one article of an outlet from another.
    address = "no-headline.test/a/very/long/path"
    assert f'<a class="address" href="https://{address}" rel="noreferrer">{address}</a>' in table
    assert f">outlet.test/{'x' * 47}\u2026</a>" in table  # cut to 60 characters
    # Not a web address, or one that does not parse: shown as text, never a link.
    assert 'href="javascript' not in table and 'href="https://[' not in table
    assert "No headline in the stored copy" in table and "https://[not-an-address" in table
    assert table.count("via AFP") == 5 and "<th>Article</th>" in table


def test_the_index_dates_each_article_as_precisely_as_known(monkeypatch):
    import sys

    from dprk_report.pipeline.index import _sources_section

    written = {"S1": ("2025-08-20", "day"), "S2": ("2025-08", "month"), "S3": ("2025", "year")}
    written |= {"S4": ("2025-08-22", "not_before"), "S5": ("sometime", "day"), "S6": ("2025-08", "not_before")}
    rows = [
        {"source_id": key, "outlet": "Wire Daily", "wire_agency": "", "title": "T", "url": "https://w.test/a"}
        | {"published_date": date, "published_precision": precision}
        for key, (date, precision) in written.items()
    ]
    monkeypatch.setitem(sys.modules, "pandas", None)  # the build process may write the index without pandas
    table = _sources_section(rows)
    # Each row: <tr id="source-S1"><td>outlet</td><td>date</td>...
    dates = {
        row.partition('"')[0]: row.split("<td>")[2].partition("<")[0] for row in table.split('<tr id="source-')[1:]
    }
    assert dates == {
        "S1": "20 Aug 2025",
        "S2": "Aug 2025",
        "S3": "2025",
        "S4": "22 Aug 2025 or later",
        "S5": "sometime",  # no date (data that failed validation): shown as written
        "S6": "Aug 2025 or later",  # on or after a month: no first day is made up
    }


def test_the_index_says_which_release_its_downloads_are_or_that_they_are_not_one_yet():
    from dprk_report.pipeline.index import _downloads_section

    counts = {"sources": 70, "statements": 118, "estimates": 82, "citations": 344}
    release = Release("2026.12.02", "2026-12-02", "d86501c8dcc9", counts)
    assert "<p>The dataset (release 2026.12.02; " in _downloads_section(counts, release)
    assert "<p>The dataset (as it stands, not yet a release; " in _downloads_section(counts, None)
