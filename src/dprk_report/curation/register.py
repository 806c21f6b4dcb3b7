"""``add-source``: register an archived article in sources.csv and propose its candidate rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from dprk_report import paths
from dprk_report.curation import article as articles
from dprk_report.curation.candidates import Existing, propose, write
from dprk_report.curation.commit import CurationError, commit_if_valid
from dprk_report.data.tables import read_rows, table_path
from dprk_report.text.dates import parse_partial_date
from dprk_report.text.quotes import share_a_run
from dprk_report.text.wording import words


@dataclass
class Given:
    """What the curator states on the command line, for what the text does not show (or shows wrongly)."""

    outlet: str = ""
    title: str = ""
    date: str = ""
    precision: str = "day"
    #: How the curator knows ``date``: ``text`` (reasoned from the text), ``url``, ``dateline`` or ``date_on_page``.
    basis: str = "text"
    wire: str = ""
    excerpt: bool | None = None


def source_row(
    found: articles.Article, given: Given, known_outlets: dict[str, str] | None = None
) -> tuple[dict, list[str]]:
    """The sources.csv row, and one line per field saying where its value came from.

    ``known_outlets`` maps the hosts of registered articles to the outlet they were registered under.
    """
    lines = []

    def pick(name: str, stated: str, read: articles.Found, required: bool) -> str:
        if stated:
            lines.append(f"{name}: {stated} (given)")
            return stated
        if read.value:
            lines.append(f"{name}: {read.value} (found: {words(read.basis)})")  # a basis may be a code
            return read.value
        if required:
            raise CurationError(f"{name}: not found in {found.path.name}; give it with --{name}")
        lines.append(f"{name}: (none in the text)")
        return ""

    published, precision = found.published()
    row = {
        "source_id": found.source_id,
        "archive_file": found.path.name,
        "sha256": found.sha256,
        "outlet": pick("outlet", given.outlet, found.outlet_from_url(known_outlets), required=True),
        "title": pick("title", given.title, found.title(), required=False),
        "url": pick("url", "", found.url(), required=False),
        "published_date": pick("date", given.date, published, required=True),
        "published_precision": given.precision if given.date else precision,
        "published_basis": given.basis if given.date else published.basis,
        "wire_agency": pick("wire", given.wire, found.wire_agency(), required=False),
        "is_excerpt": str(found.is_excerpt if given.excerpt is None else given.excerpt).lower(),
        "notes": "",
    }
    if given.date:
        row["notes"] = f"Publication date given by the curator (basis: {given.basis})."
    return row, lines


def add_source(path: Path, given: Given, data_dir: Path | None = None, archive_dir: Path | None = None) -> list[str]:
    """Register the article (validated first) and write its candidates; returns lines to show."""
    data_dir = paths.data_dir(data_dir)
    archive_dir = Path(archive_dir or paths.archive_dir())
    path = Path(path)
    if path.resolve().parent != archive_dir.resolve():
        raise CurationError(f"{path} is not in the archive ({archive_dir}); place the text there first")
    found = articles.read(path)
    candidates_file = data_dir / "candidates" / f"{found.source_id}.csv"
    if candidates_file.exists():
        raise CurationError(
            f"{paths.shown(candidates_file)} exists and may hold your review; accept it, or move it "
            "away to propose the candidates again"
        )
    header, rows = read_rows(table_path(data_dir, "sources"))
    registered = next((row for row in rows if row["source_id"] == found.source_id), None)
    if registered and registered["sha256"] != found.sha256:
        raise CurationError(f"{found.source_id} is already registered with another sha256; archive files never change")
    if registered:
        lines = [f"{found.source_id} is already in data/sources.csv; proposing its candidates again"]
        row = registered
    else:
        row, lines = source_row(found, given, _outlets_by_host(rows))
        commit_if_valid(data_dir, archive_dir, {"sources": (header, rows + [row])})
        lines.append(f"added {found.source_id} to data/sources.csv")
    proposed = propose(
        found.body, found.source_id, parse_partial_date(row["published_date"]).start, _existing(data_dir)
    )
    if registered:
        _link_to_own_citations(proposed, found.source_id, data_dir)
    write(proposed, candidates_file)
    repeats = sum(1 for candidate in proposed if candidate.links_to)
    lines.append(
        f"wrote {len(proposed)} candidates to {paths.shown(candidates_file)} "
        f"({sum(c.kind == 'statement' for c in proposed)} statements, "
        f"{sum(c.kind == 'estimate' for c in proposed)} estimates; {repeats} repeat a record already "
        "curated and would become citations). Review them, write 'yes' under accept, then run accept."
    )
    return lines


def _link_to_own_citations(proposed: list, source_id: str, data_dir: Path) -> None:
    """For an article proposed again, link each candidate to the record this article is already cited for
    with the same passage: accepting it then adds nothing twice."""
    cited = [row for row in read_rows(table_path(data_dir, "citations"))[1] if row["source_id"] == source_id]
    for candidate in proposed:
        kind = "ST" if candidate.kind == "statement" else "ES"
        same = next(
            (row for row in cited if row["record_id"].startswith(kind) and share_a_run(candidate.quote, row["quote"])),
            None,
        )
        if same is not None:
            candidate.links_to = same["record_id"]


def _outlets_by_host(sources: list[dict]) -> dict[str, str]:
    """Each registered address host and the outlet its articles were registered under (the latest one)."""
    known = {}
    for row in sources:
        host = (urlparse(row["url"] or "").hostname or "").removeprefix("www.")
        if host and row["outlet"]:
            known[host] = row["outlet"]
    return known


def _existing(data_dir: Path) -> Existing:
    def read(table: str) -> pd.DataFrame:
        header, rows = read_rows(table_path(data_dir, table))
        return pd.DataFrame(rows, columns=header)

    return Existing(read("statements"), read("estimates"))
