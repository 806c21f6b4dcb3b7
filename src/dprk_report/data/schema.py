"""Per-cell rules of the codebook as pandera schemas, one per table.

Everything here looks at one column at a time: presence, required cells, the
written form of ids, dates and numbers, vocabularies, uniqueness and the quote
word limit. Rules that relate cells or tables live in ``crosschecks``.
Frames arrive as text (see ``tables``), so every column is a string column and
its "type" is checked through its written form.
"""

from __future__ import annotations

import re

import pandera.pandas as pa

from dprk_report import vocab
from dprk_report.text.dates import parse_partial_date
from dprk_report.text.quotes import normalised_quote, word_count

MAX_QUOTE_WORDS = 30


def _form(pattern: str, description: str, field_type: str = "string") -> pa.Check:
    """The whole cell must match ``pattern``; ``description`` says what that means.

    ``statistics`` carries the pattern and the value type for the data package (``data.package``)."""
    compiled = re.compile(pattern)
    return pa.Check(
        lambda value: compiled.fullmatch(value) is not None,
        element_wise=True,
        name="form",
        error=f"must be {description}",
        statistics={"pattern": pattern, "type": field_type},
    )


def _one_of(values) -> pa.Check:
    return pa.Check.isin(list(values), error="must be one of: " + ", ".join(values))


def _is_date(value: str) -> bool:
    try:
        parse_partial_date(value)
    except ValueError:
        return False
    return True


#: The written forms of a date at day, month or year precision.
DATE_PATTERN = r"\d{4}(-\d{2}(-\d{2})?)?"
DATE = pa.Check(
    _is_date,
    element_wise=True,
    name="date",
    error="must be a real date written YYYY-MM-DD, YYYY-MM or YYYY",
    statistics={"pattern": DATE_PATTERN, "type": "string"},
)
WHOLE_NUMBER = _form(r"\d+", "a whole number written with digits only (no separators)", field_type="integer")
ARCHIVE_FILE = _form(r"\d{3,}_[^/\\]+", "an archive file name such as 005_outlet.txt")
SOURCE_ID = _form(r"S\d{3,}", "a source id such as S005")
QUOTE_LENGTH = pa.Check(
    lambda quote: word_count(quote) <= MAX_QUOTE_WORDS,
    element_wise=True,
    error=f"has more than {MAX_QUOTE_WORDS} words",
)
NO_ELLIPSIS = pa.Check(
    lambda quote: "..." not in normalised_quote(quote),
    element_wise=True,
    error="contains '...'; quote one continuous passage instead",
)


def required(*checks: pa.Check, unique: bool = False) -> pa.Column:
    """A column whose every cell must be filled."""
    return pa.Column(pa.String, list(checks), nullable=False, unique=unique)


def optional(*checks: pa.Check) -> pa.Column:
    """A column whose cells may be empty; filled cells must pass ``checks``."""
    return pa.Column(pa.String, list(checks), nullable=True)


def people(*checks: pa.Check) -> pa.Column:
    """An optional count of people."""
    return pa.Column(pa.String, list(checks), nullable=True, metadata={"unit": "people"})


def added_later(*checks: pa.Check) -> pa.Column:
    """An optional column added after the first release: a table written before it may lack it."""
    return pa.Column(pa.String, list(checks), nullable=True, required=False)


def _schema(name: str, columns: dict[str, pa.Column]) -> pa.DataFrameSchema:
    # strict: a column the codebook does not define is most often a misspelt one.
    return pa.DataFrameSchema(columns, name=name, strict=True, ordered=False)


SOURCES = _schema(
    "sources",
    {
        "source_id": required(SOURCE_ID, unique=True),
        "archive_file": required(ARCHIVE_FILE, unique=True),
        "sha256": required(_form(r"[0-9a-f]{64}", "64 lower-case hexadecimal digits")),
        "outlet": optional(),
        "title": optional(),
        "url": optional(),
        "published_date": required(DATE),
        "published_precision": required(_one_of(vocab.PUBLISHED_PRECISIONS)),
        "published_basis": required(_one_of(vocab.PUBLISHED_BASES)),
        "wire_agency": optional(_one_of(vocab.WIRE_AGENCIES)),
        "is_excerpt": required(_one_of(vocab.BOOLEANS)),
        "notes": optional(),
    },
)

STATEMENTS = _schema(
    "statements",
    {
        "statement_id": required(_form(r"ST\d{3,}", "a statement id such as ST001"), unique=True),
        "event_date": optional(DATE),
        "date_precision": required(_one_of(vocab.DATE_PRECISIONS)),
        "date_basis": required(_one_of(vocab.DATE_BASES)),
        "date_resolved_against": optional(SOURCE_ID),
        "date_note": optional(),
        "speaker": optional(),
        "speaker_role": optional(),
        "side": required(_one_of(vocab.SIDES)),
        "addressee": optional(),
        "channel": required(_one_of(vocab.CHANNELS)),
        "act": required(_one_of(vocab.ACTS)),
        "occasion": optional(),
        "state_media": optional(),
        "state_media_report_date": optional(DATE),
        "state_media_date_basis": optional(_one_of(vocab.DATE_BASES)),
        "summary": required(),
        "notes": optional(),
    },
)

ESTIMATES = _schema(
    "estimates",
    {
        "estimate_id": required(_form(r"ES\d{3,}", "an estimate id such as ES001"), unique=True),
        "metric": required(_one_of(vocab.METRICS)),
        "low": people(WHOLE_NUMBER),
        "best": people(WHOLE_NUMBER),
        "high": people(WHOLE_NUMBER),
        "scope": required(_one_of(vocab.SCOPES)),
        "qualifier": optional(_one_of(vocab.QUALIFIER_KINDS)),
        "estimator": optional(),
        "estimator_side": optional(_one_of(vocab.SIDES)),
        "disclosure_channel": required(_one_of(vocab.DISCLOSURE_CHANNELS)),
        "disclosed_by": optional(),
        "announced_date": optional(DATE),
        "announced_precision": required(_one_of(vocab.DATE_PRECISIONS)),
        "announced_basis": required(_one_of(vocab.DATE_BASES)),
        "date_resolved_against": optional(SOURCE_ID),
        "date_note": optional(),
        "as_of_date": optional(DATE),
        "as_of_precision": optional(_one_of(vocab.AS_OF_PRECISIONS)),
        "period_note": optional(),
        "location": optional(),
        "share_as_written": added_later(),
        "share_of": added_later(_form(r"ES\d{3,}", "an estimate id such as ES001")),
        "summary": required(),
        "notes": optional(),
    },
)

CITATIONS = _schema(
    "citations",
    {
        "citation_id": required(_form(r"C\d{4,}", "a citation id such as C0001"), unique=True),
        "record_id": required(_form(r"(ST|ES)\d{3,}", "a statement or estimate id such as ST001 or ES001")),
        "source_id": required(SOURCE_ID),
        "quote": required(QUOTE_LENGTH, NO_ELLIPSIS),
        "date_as_written": optional(),
        "metric_as_written": added_later(),
        "figure_as_written": added_later(),
        "qualifier_as_written": added_later(),
        "notes": optional(),
    },
)

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "sources": SOURCES,
    "statements": STATEMENTS,
    "estimates": ESTIMATES,
    "citations": CITATIONS,
}

#: Each table's columns in codebook order.
COLUMNS: dict[str, tuple[str, ...]] = {name: tuple(schema.columns) for name, schema in SCHEMAS.items()}
