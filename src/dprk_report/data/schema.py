"""The codebook's per-column rules (``columns``) as pandera schemas, one per table, for the validation.

Everything here looks at one column at a time: presence, required cells, the
written form of ids, dates and numbers, vocabularies, uniqueness and the quote
word limit. Rules that relate cells or tables live in ``checks``.
Frames arrive as text (see ``tables``), so every column is a string column and
its "type" is checked through its written form.
"""

from __future__ import annotations

import re

import pandera.pandas as pa

from dprk_report.data import columns
from dprk_report.text.dates import parse_partial_date
from dprk_report.text.quotes import normalised_quote, word_count


def _is_date(value: str) -> bool:
    try:
        parse_partial_date(value)
    except ValueError:
        return False
    return True


def _form(form: columns.Form) -> pa.Check:
    compiled = re.compile(form.pattern)
    return pa.Check(
        lambda value: compiled.fullmatch(value) is not None,
        element_wise=True,
        name="form",
        error=f"must be {form.description}",
    )


def _check(rule: columns.Rule) -> pa.Check:
    """The pandera check of one rule; its error is what a problem says after the cell's value."""
    if isinstance(rule, columns.Form):
        return _form(rule)
    if isinstance(rule, columns.RealDate):
        return pa.Check(
            _is_date, element_wise=True, name="date", error="must be a real date written YYYY-MM-DD, YYYY-MM or YYYY"
        )
    if isinstance(rule, columns.OneOf):
        return pa.Check.isin(list(rule.values), error="must be one of: " + ", ".join(rule.values))
    if isinstance(rule, columns.ShortQuote):
        return pa.Check(
            lambda quote: word_count(quote) <= columns.MAX_QUOTE_WORDS,
            element_wise=True,
            error=f"has more than {columns.MAX_QUOTE_WORDS} words",
        )
    if isinstance(rule, columns.OnePassage):
        return pa.Check(
            lambda quote: "..." not in normalised_quote(quote),
            element_wise=True,
            error="contains '...'; quote one continuous passage instead",
        )
    raise TypeError(f"no pandera check for {rule!r}")


def _column(column: columns.Column) -> pa.Column:
    return pa.Column(
        pa.String,
        [_check(rule) for rule in column.rules],
        nullable=not column.required,  # a required column's every cell is filled
        unique=column.unique,
        required=not column.added_later,  # pandera's "required": the column is in the file at all
    )


def _schema(table: str, table_columns: dict[str, columns.Column]) -> pa.DataFrameSchema:
    # strict: a column the codebook does not define is most often a misspelt one.
    return pa.DataFrameSchema(
        {name: _column(column) for name, column in table_columns.items()}, name=table, strict=True, ordered=False
    )


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    table: _schema(table, table_columns) for table, table_columns in columns.TABLE_COLUMNS.items()
}
