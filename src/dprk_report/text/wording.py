"""A figure in words, as a reader sees it: one wording for tables, findings and chart labels."""

from __future__ import annotations

import pandas as pd


def _number(row, joiner: str) -> str | None:
    """The number or range ('10,000 to 12,000'), or ``None`` for a vague figure."""
    if pd.notna(row.low) and pd.notna(row.high):
        return f"{int(row.low):,}{joiner}{int(row.high):,}"
    return f"{int(row.best):,}" if pd.notna(row.best) else None


def figure_text(row) -> str:
    """A figure as the text gives it: '10,000 to 12,000', 'more than 3,000', 'thousands'."""
    number = _number(row, " to ")
    if number is None:
        return str(row.qualifier)
    qualifier = "" if pd.isna(row.qualifier) or row.qualifier == "between" else f"{row.qualifier} "
    return f"{qualifier}{number}"


def short_figure(row) -> str:
    """The number alone, for a chart label: '10,000-12,000', '3,000', or the vague words ('thousands')."""
    number = _number(row, "-")
    return str(row.qualifier) if number is None else number
