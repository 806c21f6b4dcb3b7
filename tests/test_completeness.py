"""The curated tables against an independent annotation of the same articles.

``tests/fixtures/independent_annotation.csv`` lists every statement and figure
a second reader found in each archived article, made before that reader saw
the curated tables. Its ``curated_as`` column says which curated record covers
each item, or why the item is not curated ("not curated: ..."). These tests
fail when a record or its citation goes missing, or a figure changes.
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from dprk_report import paths
from dprk_report.data.dataset import load_dataset
from dprk_report.text.quotes import quote_in_text, read_article

ANNOTATION = paths.PROJECT_ROOT / "tests" / "fixtures" / "independent_annotation.csv"
EXCUSED = "not curated: "


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.fixture(scope="module")
def annotation() -> list[dict]:
    with ANNOTATION.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _figure_agrees(estimate: pd.Series, number: str) -> bool:
    """The annotated figure ("15000", "10000-12000", or empty for a vague one) is the curated one."""
    if not number:
        return pd.isna(estimate["best"]) and pd.isna(estimate["low"])
    if "-" in number:
        low, high = (int(part) for part in number.split("-"))
        return estimate["low"] == low and estimate["high"] == high
    return estimate["best"] == int(number)


def _problem(item: dict, dataset) -> str | None:
    record = item["curated_as"]
    if record.startswith(EXCUSED):
        return None if len(record) > len(EXCUSED) + 10 else "exclusion has no reason"
    cited = dataset.citations[
        (dataset.citations["source_id"] == item["source_id"]) & (dataset.citations["record_id"] == record)
    ]
    if cited.empty:
        return f"{record} is not cited from {item['source_id']}"
    if item["kind"] == "estimate":
        estimate = dataset.estimates.set_index("estimate_id").loc[record]
        if estimate["metric"] != item["metric"]:
            return f"{record} is {estimate['metric']}, annotated {item['metric']}"
        if not _figure_agrees(estimate, item["number"]):
            return f"{record} has another figure than the annotated {item['number'] or 'vague figure'}"
    return None


def test_every_annotated_item_is_curated_or_excused(dataset, annotation):
    problems = [
        f"{item['source_id']} {item['kind']} ({item['quote'][:60]}...): {problem}"
        for item in annotation
        if (problem := _problem(item, dataset))
    ]
    covered = sum(not item["curated_as"].startswith(EXCUSED) for item in annotation)
    print(
        f"annotation coverage: {covered} of {len(annotation)} items curated, "
        f"{len(annotation) - covered} excused with a reason"
    )
    assert problems == [], "\n".join(problems)


def test_annotation_quotes_are_in_the_archive(annotation):
    archive = paths.archive_dir()
    texts = {path.name[:3]: read_article(path) for path in archive.glob("[0-9][0-9][0-9]_*.txt")}
    missing = [
        f"{item['source_id']}: {item['quote']}"
        for item in annotation
        if not quote_in_text(item["quote"], texts[item["source_id"][1:]])
    ]
    assert missing == []


def test_a_removed_citation_is_caught(dataset, annotation):
    item = next(i for i in annotation if i["curated_as"] == "ST050")
    without = dataset.citations[dataset.citations["record_id"] != "ST050"]
    broken = type(dataset)(dataset.sources, dataset.statements, dataset.estimates, without)
    assert _problem(item, broken) == "ST050 is not cited from S002"


def test_a_changed_figure_is_caught(dataset, annotation):
    item = next(i for i in annotation if i["kind"] == "estimate" and i["number"] == "15000")
    estimates = dataset.estimates.copy()
    estimates.loc[estimates["estimate_id"] == item["curated_as"], "best"] = 16000
    broken = type(dataset)(dataset.sources, dataset.statements, estimates, dataset.citations)
    assert "another figure" in _problem(item, broken)
