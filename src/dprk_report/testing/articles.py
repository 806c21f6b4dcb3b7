"""A new article for tests that add one to a project copy: its text, and the review a curator would give it.

The article reports one new killed figure; :func:`review` keeps that candidate and fills in what a new
estimate needs, leaving every other candidate out.
"""

from __future__ import annotations

import csv
from pathlib import Path

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


def place_article(archive: Path) -> tuple[int, Path]:
    """Write the article into ``archive`` under the next free number; return the number and the file."""
    number = max(int(path.name[:3]) for path in Path(archive).glob("[0-9][0-9][0-9]_*.txt")) + 1
    article = Path(archive) / f"{number:03d}_example news.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    return number, article


def review(candidates: Path) -> None:
    """Keep the new killed figure, fill what a new record needs, and leave every other candidate out."""
    with Path(candidates).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    kept = [row for row in rows if row["kind"] == "estimate" and row["metric"] == "killed" and row["best"] == "2500"]
    if len(kept) != 1:
        raise AssertionError(f"the assistant did not propose the article's killed figure once: {rows}")
    kept[0].update(REVIEW)
    with Path(candidates).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
