"""A synthetic dataset of any size, for scale tests and the benchmark.

It follows the codebook exactly (so it passes validation) and writes its own
small archive of articles made of the quoted sentences, so quote and sha256
checks run on it too. It is generated into a directory of the caller's choice
and never committed.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from dprk_report import vocab
from dprk_report.data.columns import COLUMNS
from dprk_report.data.tables import table_path, write_rows

#: The unit the generator scales (sources, statements, estimates): the curated dataset's size once the
#: archive held 70 articles. Fixed rather than counted, so that "100x" means the same data from one benchmark
#: to the next; raise it when the curated dataset has grown well beyond it (it was 22, 50, 49 before).
BASE_COUNTS = (70, 118, 79)
FIRST_DAY = date(2024, 6, 1)
DAYS = 580  # events fall from 1 June 2024 to 2 January 2026

SPEAKERS = {
    "North Korea": ["Kim Jong Un", "Choe Son-hui", "Central Military Commission"],
    "Russia": ["Vladimir Putin", "Valery Gerasimov", "Maria Zakharova", "Sergei Lavrov"],
    "South Korea": ["National Intelligence Service", "Joint Chiefs of Staff", "Ministry of National Defense"],
    "United States": ["Pentagon spokesman", "White House spokesman", "State Department"],
    "Ukraine": ["Volodymyr Zelenskyy", "Defence Intelligence of Ukraine", "General Staff of Ukraine"],
    "United Kingdom": ["Ministry of Defence"],
    "Multinational": ["Allied intelligence agencies"],
    "Non-governmental": ["Institute for the Study of War"],
}
FIGURE_RANGES = {
    "troops_deployed": (1000, 15000),
    "troops_planned": (1000, 40000),
    "killed": (100, 2500),
    "wounded": (500, 4000),
    "casualties": (300, 5000),
    "captured": (1, 10),
    "repatriated": (500, 2500),
}
STATEMENT_HEADER, ESTIMATE_HEADER, SOURCE_HEADER, CITATION_HEADER = (
    list(COLUMNS[table]) for table in ("statements", "estimates", "sources", "citations")
)


@dataclass
class SyntheticCounts:
    sources: int
    statements: int
    estimates: int
    citations: int


def _day(rng: random.Random, low: int = 0, high: int = DAYS) -> date:
    return FIRST_DAY + timedelta(days=rng.randint(low, high))


def _statement(rng, number: int, sources: list[dict]) -> tuple[dict, list[tuple[str, str]]]:
    side = rng.choice(vocab.SIDES)
    speaker = rng.choice(SPEAKERS[side])
    precision = rng.choices(["day", "month", "unknown"], weights=[8, 1, 1])[0]
    cited = rng.sample(sources, k=rng.randint(1, 3))
    earliest = min(date.fromisoformat(s["published_date"]) for s in cited)
    when = earliest - timedelta(days=rng.randint(0, 20))
    written = {"day": when.isoformat(), "month": when.isoformat()[:7], "unknown": ""}[precision]
    row = dict.fromkeys(STATEMENT_HEADER, "")
    row.update(
        statement_id=f"ST{number:06d}",
        event_date=written,
        date_precision=precision,
        date_basis="not_stated" if precision == "unknown" else "stated",
        speaker=speaker,
        side=side,
        channel=rng.choice(vocab.CHANNELS),
        act=rng.choice(vocab.ACTS),
        summary=f"Synthetic statement {number} by {speaker}.",
    )
    if side == "North Korea" and precision == "day" and rng.random() < 0.5:
        row.update(
            state_media="KCNA",
            state_media_report_date=(when + timedelta(days=rng.randint(0, 7))).isoformat(),
            state_media_date_basis="stated",
        )
    quote = f"{speaker} made synthetic statement number {number} about the deployment."
    return row, [(s["source_id"], quote) for s in cited]


def _estimate(rng, number: int, sources: list[dict]) -> tuple[dict, list[tuple[str, str]]]:
    side = rng.choice(vocab.SIDES)
    metric = rng.choice(vocab.METRICS)
    low_limit, high_limit = FIGURE_RANGES[metric]
    best = rng.randint(low_limit, high_limit)
    qualifier = rng.choice(["", "more than", "around", "at least", "up to"])
    cited = rng.sample(sources, k=rng.randint(1, 4))
    earliest = min(date.fromisoformat(s["published_date"]) for s in cited)
    row = dict.fromkeys(ESTIMATE_HEADER, "")
    row.update(
        estimate_id=f"ES{number:06d}",
        metric=metric,
        best=str(best),
        qualifier=qualifier,
        scope="total",
        estimator=rng.choice(SPEAKERS[side]),
        estimator_side=side,
        disclosure_channel=rng.choice(vocab.DISCLOSURE_CHANNELS),
        announced_date=(earliest - timedelta(days=rng.randint(0, 5))).isoformat(),
        announced_precision="day",
        announced_basis="stated",
        summary=f"Synthetic estimate {number}: {qualifier} {best} {metric}.".replace("  ", " "),
    )
    quote = f"Synthetic estimate number {number} puts {metric.replace('_', ' ')} at {qualifier} {best}.".replace(
        "  ", " "
    )
    return row, [(s["source_id"], quote) for s in cited]


def generate(data_dir: Path, archive_dir: Path, scale: int = 100, seed: int = 0) -> SyntheticCounts:
    """Write a valid synthetic dataset ``scale`` times the curated one's size.

    ``data_dir`` receives the four CSV tables and ``archive_dir`` the article
    texts they cite. Same ``scale`` and ``seed`` give the same files.
    """
    rng = random.Random(seed)
    data_dir, archive_dir = Path(data_dir), Path(archive_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    archive_dir.mkdir(parents=True, exist_ok=True)
    n_sources, n_statements, n_estimates = (count * scale for count in BASE_COUNTS)
    sources = [
        dict.fromkeys(SOURCE_HEADER, "")
        | {
            "source_id": f"S{i:06d}",
            "archive_file": f"{i:06d}_synthetic.txt",
            "outlet": f"Outlet {i % 40}",
            "published_date": _day(rng, 30).isoformat(),
            "published_precision": "day",
            "published_basis": "date_on_page",
            "is_excerpt": "false",
        }
        for i in range(n_sources)
    ]
    records = [(_statement(rng, i + 1, sources)) for i in range(n_statements)]
    records += [(_estimate(rng, i + 1, sources)) for i in range(n_estimates)]
    texts: dict[str, list[str]] = {s["source_id"]: [] for s in sources}
    citations = []
    for row, quotes in records:
        record_id = row.get("statement_id") or row["estimate_id"]
        for source_id, quote in quotes:
            texts[source_id].append(quote)
            citations.append(
                {
                    "citation_id": f"C{len(citations) + 1:07d}",
                    "record_id": record_id,
                    "source_id": source_id,
                    "quote": quote,
                    "date_as_written": "",
                    "notes": "",
                }
            )
    for source in sources:
        body = "\n".join(texts[source["source_id"]]) + "\n"
        (archive_dir / source["archive_file"]).write_text(body, encoding="utf-8")
        source["sha256"] = hashlib.sha256(body.encode("utf-8")).hexdigest()
    write_rows(table_path(data_dir, "sources"), SOURCE_HEADER, sources)
    write_rows(table_path(data_dir, "statements"), STATEMENT_HEADER, [r for r, _ in records if "statement_id" in r])
    write_rows(table_path(data_dir, "estimates"), ESTIMATE_HEADER, [r for r, _ in records if "estimate_id" in r])
    write_rows(table_path(data_dir, "citations"), CITATION_HEADER, citations)
    return SyntheticCounts(n_sources, n_statements, n_estimates, len(citations))
