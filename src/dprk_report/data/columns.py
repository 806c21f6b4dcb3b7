"""The codebook's rules for each column of the four tables, as plain data: which columns a table has, which
cells must be filled, which values must be unique, and the written form each filled cell must have.

Two readers, one set of rules: the validation (``schema`` turns them into pandera schemas, and words what a
problem says: a :class:`Form` carries its own description, the other rules' wording is there) and the data
package (``package`` describes each field with them). Plain data, so that describing the tables needs no
validation library: the build's index imports this module, not pandera (about 0.12 s and 14 MB a kernel).
Rules that relate cells or tables live in ``checks``.
"""

from __future__ import annotations

from dataclasses import dataclass

from dprk_report import vocab
from dprk_report.text.dates import DATE_FORM

MAX_QUOTE_WORDS = 30


@dataclass(frozen=True)
class Form:
    """The whole cell must match ``pattern``; ``description`` says what that means; ``type`` is the value's
    type in the data package."""

    pattern: str
    description: str
    type: str = "string"


@dataclass(frozen=True)
class RealDate:
    """The cell is a date written YYYY-MM-DD, YYYY-MM or YYYY (``pattern``) that exists in the calendar."""

    pattern: str = DATE_FORM
    type: str = "string"


@dataclass(frozen=True)
class OneOf:
    """The cell is one of the vocabulary's ``values``."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class ShortQuote:
    """A quote of at most :data:`MAX_QUOTE_WORDS` words."""


@dataclass(frozen=True)
class OnePassage:
    """A quote without '...': one continuous passage of its article."""


Rule = Form | RealDate | OneOf | ShortQuote | OnePassage


@dataclass(frozen=True)
class Column:
    """One column: the rules its filled cells follow, and whether every cell must be filled (``required``),
    be unique, count something (``unit``) or may be missing from a table written before it was added
    (``added_later``)."""

    rules: tuple[Rule, ...] = ()
    required: bool = False
    unique: bool = False
    unit: str | None = None
    added_later: bool = False


def required(*rules: Rule, unique: bool = False) -> Column:
    """A column whose every cell must be filled."""
    return Column(rules, required=True, unique=unique)


def optional(*rules: Rule) -> Column:
    """A column whose cells may be empty; filled cells must follow ``rules``."""
    return Column(rules)


def people(*rules: Rule) -> Column:
    """An optional count of people."""
    return Column(rules, unit="people")


def added_later(*rules: Rule) -> Column:
    """An optional column added after the first release: a table written before it may lack it."""
    return Column(rules, added_later=True)


def _one_of(values) -> OneOf:
    return OneOf(tuple(values))


DATE = RealDate()
WHOLE_NUMBER = Form(r"\d+", "a whole number written with digits only (no separators)", type="integer")
ARCHIVE_FILE = Form(r"\d{3,}_[^/\\]+", "an archive file name such as 005_outlet.txt")
SOURCE_ID = Form(r"S\d{3,}", "a source id such as S005")
ESTIMATE_ID = Form(r"ES\d{3,}", "an estimate id such as ES001")

SOURCES = {
    "source_id": required(SOURCE_ID, unique=True),
    "archive_file": required(ARCHIVE_FILE, unique=True),
    "sha256": required(Form(r"[0-9a-f]{64}", "64 lower-case hexadecimal digits")),
    "outlet": optional(),
    "title": optional(),
    "url": optional(),
    "published_date": required(DATE),
    "published_precision": required(_one_of(vocab.PUBLISHED_PRECISIONS)),
    "published_basis": required(_one_of(vocab.PUBLISHED_BASES)),
    "wire_agency": optional(_one_of(vocab.WIRE_AGENCIES)),
    "is_excerpt": required(_one_of(vocab.BOOLEANS)),
    "notes": optional(),
}

STATEMENTS = {
    "statement_id": required(Form(r"ST\d{3,}", "a statement id such as ST001"), unique=True),
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
}

ESTIMATES = {
    "estimate_id": required(ESTIMATE_ID, unique=True),
    "metric": required(_one_of(vocab.METRICS)),
    "low": people(WHOLE_NUMBER),
    "best": people(WHOLE_NUMBER),
    "high": people(WHOLE_NUMBER),
    "scope": required(_one_of(vocab.SCOPES)),
    "qualifier": optional(_one_of(vocab.QUALIFIER_KINDS)),
    # A figure is always someone's, as the pages say ("from ..."): one no article attributes is
    # "Unattributed (reported by OUTLET)". The side may be unknown ("officials say").
    "estimator": required(),
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
    "part": added_later(),
    "share_as_written": added_later(),
    "share_of": added_later(ESTIMATE_ID),
    "summary": required(),
    "notes": optional(),
}

CITATIONS = {
    "citation_id": required(Form(r"C\d{4,}", "a citation id such as C0001"), unique=True),
    "record_id": required(Form(r"(ST|ES)\d{3,}", "a statement or estimate id such as ST001 or ES001")),
    "source_id": required(SOURCE_ID),
    "quote": required(ShortQuote(), OnePassage()),
    "date_as_written": optional(),
    "metric_as_written": added_later(),
    "figure_as_written": added_later(),
    "qualifier_as_written": added_later(),
    "notes": optional(),
}

#: Each table's columns, in codebook order, with their rules.
TABLE_COLUMNS: dict[str, dict[str, Column]] = {
    "sources": SOURCES,
    "statements": STATEMENTS,
    "estimates": ESTIMATES,
    "citations": CITATIONS,
}

#: Each table's column names in codebook order.
COLUMNS: dict[str, tuple[str, ...]] = {name: tuple(columns) for name, columns in TABLE_COLUMNS.items()}
