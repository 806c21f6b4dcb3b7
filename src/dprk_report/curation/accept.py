"""``accept``: move the candidates a curator marked 'yes' into the curated tables.

A candidate that repeats an existing record (``links_to``) becomes a citation
of it; any other becomes a new statement or estimate with a fresh id and its
citation. The whole change is validated before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from dprk_report import paths, vocab
from dprk_report.curation.candidates import FIELDS
from dprk_report.curation.commit import CurationError, commit_if_valid
from dprk_report.data.tables import next_id, read_rows, table_path, write_rows
from dprk_report.text.quotes import from_spreadsheet_safe

ACCEPTED = {"yes", "y", "x", "true", "accept"}


#: Record columns filled from the candidate column of the same name.
STATEMENT_FIELDS = (
    "speaker",
    "speaker_role",
    "side",
    "addressee",
    "channel",
    "act",
    "state_media",
    "state_media_report_date",
    "summary",
)
ESTIMATE_FIELDS = (
    "metric",
    "low",
    "best",
    "high",
    "scope",
    "qualifier",
    "estimator",
    "estimator_side",
    "disclosure_channel",
    "disclosed_by",
    "period_note",
    "location",
    "summary",
)
#: Each table's id column and the names of its date columns (date, precision, basis).
TABLE_DATES = {
    "statements": ("statement_id", "event_date", "date_precision", "date_basis", STATEMENT_FIELDS),
    "estimates": ("estimate_id", "announced_date", "announced_precision", "announced_basis", ESTIMATE_FIELDS),
}


def _record(table: str, candidate: dict, new_id: str) -> dict:
    """The new statement or estimate row a candidate becomes, with its date as the candidate resolved it."""
    id_column, date, precision, basis_column, fields = TABLE_DATES[table]
    basis = candidate["date_basis"] or "not_stated"
    return {
        id_column: new_id,
        date: candidate["resolved_date"],
        precision: candidate["date_precision"] or "unknown",
        basis_column: basis,
        "date_resolved_against": candidate["source_id"] if basis in vocab.RESOLVED_BASES else "",
        "date_note": candidate["date_note"],
    } | {name: candidate[name] for name in fields}


def accept(candidates_file: Path, data_dir: Path | None = None, archive_dir: Path | None = None) -> list[str]:
    """Apply the accepted candidates; returns lines to show. Raises CurationError and writes nothing on a problem."""
    data_dir = paths.data_dir(data_dir)
    archive_dir = Path(archive_dir or paths.archive_dir())
    candidate_header, candidates = read_rows(candidates_file)
    missing = [name for name in FIELDS if name not in candidate_header]
    if missing:
        raise CurationError(f"{paths.shown(candidates_file)}: not a candidates file (no column {missing[0]})")
    # Empty cells of short rows as '', and text back as written (add-source guards formulas for spreadsheets).
    candidates = [{name: from_spreadsheet_safe(value or "") for name, value in row.items()} for row in candidates]
    chosen = [c for c in candidates if c["accept"].strip().lower() in ACCEPTED]
    if not chosen:
        return [f"{paths.shown(candidates_file)}: no candidate is marked 'yes' under accept; nothing to do"]
    tables = {name: read_rows(table_path(data_dir, name)) for name in ("statements", "estimates", "citations")}
    outcome = []
    origins: dict[tuple[str, str], str] = {}  # each new row, by (table, id): the candidate it came from
    for candidate in chosen:
        citations = tables["citations"][1]
        already = {(row["record_id"], row["source_id"]) for row in citations}
        if (candidate["links_to"], candidate["source_id"]) in already:
            # The article is already cited for this record (add-source was run on it again): nothing to add.
            candidate["accept"] = f"done: {candidate['links_to']}"
            outcome.append(f"{candidate['candidate_id']} -> {candidate['links_to']} (already cited; nothing added)")
            continue
        source = f"candidate {candidate['candidate_id']}"
        record = candidate["links_to"]
        if not record:
            table, record = _new_record(candidate, tables)
            origins[(table, record)] = source
        citation_id = next_id(citations, "citation_id", "C", 4)
        origins[("citations", citation_id)] = source
        citations.append(
            {
                "citation_id": citation_id,
                "record_id": record,
                "source_id": candidate["source_id"],
                "quote": candidate["quote"],
                "date_as_written": candidate["date_as_written"],
                "notes": "",
            }
        )
        candidate["accept"] = f"done: {record}"
        outcome.append(
            f"{candidate['candidate_id']} -> {record}"
            + (" (citation of an existing record)" if candidate["links_to"] else " (new)")
        )
    commit_if_valid(data_dir, archive_dir, tables, origins)
    write_rows(candidates_file, candidate_header or FIELDS, candidates)
    return outcome + [f"accepted {len(chosen)} candidates; data/ validated and written"]


def _new_record(candidate: dict, tables: dict) -> tuple[str, str]:
    """Add the candidate's record to its table; returns the table and the record's new id."""
    kind = candidate["kind"]
    if kind not in ("statement", "estimate"):
        raise CurationError(f"{candidate['candidate_id']}: kind {kind!r} must be statement or estimate")
    table, prefix = ("statements", "ST") if kind == "statement" else ("estimates", "ES")
    rows = tables[table][1]
    new_id = next_id(rows, TABLE_DATES[table][0], prefix, 3)
    rows.append(_record(table, candidate, new_id))
    return table, new_id
