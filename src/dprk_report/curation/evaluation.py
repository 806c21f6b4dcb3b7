"""How well the candidate proposer does on curated articles: recall and precision, one article at a time.

Each article is proposed against the dataset *without* its own records (only records other articles
also cite stay), as if it were new; its candidates are then matched with what was curated from it.
A candidate matches a curated citation when it links to the cited record, shares a run of five words
with the citation's quote, or (for a figure) gives the record's metric and number.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dprk_report.curation import article as articles
from dprk_report.curation.candidates import Candidate, Existing, propose
from dprk_report.data.tables import read_rows, table_path
from dprk_report.text.dates import parse_partial_date
from dprk_report.text.quotes import share_a_run

#: Words two passages must share in a row to count as the same passage.
SHARED_RUN = 5


@dataclass(frozen=True)
class Score:
    """One article: curated citations, how many a candidate covers, candidates, how many match a citation."""

    source_id: str
    curated: int
    covered: int
    proposed: int
    matching: int


def _frame(data_dir: Path, table: str) -> pd.DataFrame:
    header, rows = read_rows(table_path(data_dir, table))
    return pd.DataFrame(rows, columns=header)


def _matches(candidate: Candidate, cite, estimates: pd.DataFrame) -> bool:
    if candidate.kind != ("statement" if cite.record_id.startswith("ST") else "estimate"):
        return False
    if candidate.links_to == cite.record_id or share_a_run(candidate.quote, cite.quote, SHARED_RUN):
        return True
    if candidate.kind != "estimate" or not candidate.best:
        return False
    figure = estimates.loc[cite.record_id]
    return candidate.metric == figure["metric"] and candidate.best in (figure["best"], figure["high"])


def score_article(source: dict, data_dir: Path, archive_dir: Path) -> Score:
    """Propose ``source``'s candidates as if it were new, and match them with its curated citations."""
    citations, statements, estimates = (_frame(data_dir, name) for name in ("citations", "statements", "estimates"))
    own = citations[citations["source_id"] == source["source_id"]]
    others = citations[citations["source_id"] != source["source_id"]]
    existing = Existing(
        statements[statements["statement_id"].isin(others["record_id"])],
        estimates[estimates["estimate_id"].isin(others["record_id"])],
    )
    body = articles.read(Path(archive_dir) / source["archive_file"]).body
    published = parse_partial_date(source["published_date"]).start
    proposed = propose(body, source["source_id"], published, existing)
    by_id = estimates.set_index("estimate_id")
    cites = list(own.itertuples())
    covered = sum(any(_matches(c, cite, by_id) for c in proposed) for cite in cites)
    matching = sum(any(_matches(c, cite, by_id) for cite in cites) for c in proposed)
    return Score(source["source_id"], len(cites), covered, len(proposed), matching)


def score_all(data_dir: Path, archive_dir: Path, sources: list[str] | None = None) -> list[Score]:
    """Scores of the registered articles (all, or the ``sources`` named), in id order."""
    rows = read_rows(table_path(data_dir, "sources"))[1]
    return [score_article(row, data_dir, archive_dir) for row in rows if sources is None or row["source_id"] in sources]
