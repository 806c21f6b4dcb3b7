"""Partial dates (``2025``, ``2025-04``, ``2025-04-26``) and the periods they stand for.

The codebook never writes a day it does not know, so a date is a period: a month
runs from its first to its last day. Comparisons between records use these
periods so that ``2025-04`` is neither before nor after ``2025-04-26``.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

#: How the codebook writes a date: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (without groups that only Python's
#: regular expressions know: the data package states the same pattern, ``data.columns.RealDate``).
DATE_FORM = r"\d{4}(-\d{2}(-\d{2})?)?"
_FORM = re.compile(DATE_FORM)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Period:
    """The first and last day a partial date can mean, and how precisely it was written."""

    start: date
    end: date
    precision: str


# Remembered: a dataset writes few distinct dates, each parsed by several checks and by the typing of the
# tables. Periods are immutable, so they can be shared.
@functools.lru_cache(maxsize=4096)
def parse_partial_date(text: str) -> Period:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into the period it covers.

    Raises ``ValueError`` for any other form or for a day that does not exist.
    """
    if _FORM.fullmatch(text) is None:
        raise ValueError(f"{text!r} is not written YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = (*(int(part) for part in text.split("-")), None, None)[:3]
    try:
        if month is None:
            return Period(date(year, 1, 1), date(year, 12, 31), "year")
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return Period(date(year, month, 1), date(year, month, last), "month")
        exact = date(year, month, day)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a real date ({error})") from None
    return Period(exact, exact, "day")


def overlaps(a: Period, b: Period) -> bool:
    """Whether two periods share a day."""
    return a.start <= b.end and b.start <= a.end


def period_or_none(text: str | None) -> Period | None:
    """The period of a date cell; ``None`` when empty or unreadable (the schema reports those)."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return parse_partial_date(text)
    except ValueError:
        return None


def precision_problem(text: str | None, precision: str | None) -> str | None:
    """Why a written date and its precision column disagree, or ``None`` when they agree.

    ``unknown`` must go with an empty date; ``not_before`` (publication dates only)
    accepts any written form because it gives just the earliest possible day.
    """
    if not text:
        if precision in (None, "", "unknown"):
            return None
        return f"no date is given but precision is {precision!r}"
    try:
        period = parse_partial_date(text)
    except ValueError as error:
        return str(error)
    if not precision:
        return f"{text!r} is given but its precision is empty"
    if precision == "unknown":
        return f"{text!r} is given but precision is 'unknown'"
    if precision in ("day", "month", "year") and period.precision != precision:
        return f"{text!r} is written to the {period.precision} but precision is {precision!r}"
    return None


def resolve_weekday(weekday_name: str, article_date: date) -> date:
    """The latest ``weekday_name`` on or before ``article_date``.

    An article that says "on Wednesday" means the most recent Wednesday, which is
    the article's own day when it was published on a Wednesday.
    """
    wanted = WEEKDAYS.index(weekday_name.strip().lower())
    days_back = (article_date.weekday() - wanted) % 7
    return article_date - timedelta(days=days_back)


def weekday_named_in(text: str | None) -> str | None:
    """The first weekday name in a phrase such as "earlier on Thursday", if any."""
    if not text:
        return None
    found = re.search(r"\b(" + "|".join(WEEKDAYS) + r")\b", text.lower())
    return found.group(1) if found else None
