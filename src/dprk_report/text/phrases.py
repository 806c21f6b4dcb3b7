"""Dates written in article text ("on Wednesday", "Dec. 27", "in April", "last month"), resolved
against the article's own date, with the basis recorded.

Only what the words determine is returned: a weekday gives a day, "in April"
a month, "earlier this year" a year. Phrases that depend on another event
("the following day", "days before") or span an unclear period ("last week")
resolve to nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dprk_report.text.dates import WEEKDAYS, Period, overlaps, parse_partial_date, period_or_none, resolve_weekday

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for name in names
}
_MONTH = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_WEEKDAY_NAMES = "|".join(WEEKDAYS)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}(?:,?\s+(\d{{4}}))?", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?!\d)(?:,?\s+(\d{{4}}))?", re.IGNORECASE)
#: A wire story's dateline opening a sentence: a place and the day it was filed, an agency after it, or both
#: ("SEOUL, March 20 (Yonhap) --", "Pyongyang, March 17 (KCNA) -", "Jan. 11 (UPI) --", "SEOUL, January 1.
#: /TASS/."). The day is the story's, never that of an act it reports ("said on Thursday" in the same sentence).
_DATELINE_DAY = rf"(?i:{_MONTH})\s+\d{{1,2}}(?:,?\s+\d{{4}})?"
# An agency in brackets ("(Yonhap)", "(IANS)"), not a weekday ("(Friday)"), or TASS's "/TASS/".
_DATELINE_AGENCY = rf"(?:\((?!(?i:{_WEEKDAY_NAMES})\))[A-Z][A-Za-z]*\)|\.?\s*/[A-Z]+/\.?)"
# A place in capitals ("SEOUL", "KYIV, Ukraine", "SEOUL/MOSCOW") may stand without an agency; one written like a
# word ("Seoul", "Pyongyang") only with one, so that a sentence opening "Meanwhile, March 20 ..." is left alone.
_CAPITALS_PLACE = r"[A-Z][A-Z.'/ -]*(?:,\s*[A-Z][A-Za-z.' -]*)?"
_WORD_PLACE = r"[A-Z][A-Za-z.'/-]*(?:,\s*[A-Z][A-Za-z.' -]*)?"
DATELINE = re.compile(
    rf"^\s*(?:{_CAPITALS_PLACE},\s*{_DATELINE_DAY}\s*{_DATELINE_AGENCY}?|{_WORD_PLACE},\s*{_DATELINE_DAY}\s*"
    rf"{_DATELINE_AGENCY}|{_DATELINE_DAY}\s*{_DATELINE_AGENCY})\s*(?:--|\u2014|\u2013|-)?\s*"
)
_MONTH_ONLY = re.compile(
    rf"\b(?:in|since|by|from)\s+(?:early\s+|mid-|late\s+)?{_MONTH}(?:\s+(\d{{4}}))?\b", re.IGNORECASE
)
_YEAR = re.compile(r"\bin\s+(\d{4})\b", re.IGNORECASE)
_WEEKDAY = re.compile(rf"\b({_WEEKDAY_NAMES})\b", re.IGNORECASE)


@dataclass(frozen=True)
class ResolvedDate:
    """A date as far as the words determine it: ``text`` is YYYY, YYYY-MM or YYYY-MM-DD."""

    text: str
    precision: str
    basis: str
    note: str


def _year_for(month: int, day: int | None, article: date) -> int:
    """The year that puts a month (and day) on or before the article's date."""
    candidate = date(article.year, month, day or 1)
    return article.year if candidate <= article else article.year - 1


def resolve(phrase: str, article: date) -> ResolvedDate | None:
    """Resolve a date phrase against the date of the article it appears in."""
    text = phrase.strip()
    lower = text.lower()
    for pattern, day_group, month_group, year_group in ((_DAY_MONTH, 1, 2, 3), (_MONTH_DAY, 2, 1, 3)):
        match = pattern.search(text)
        if match:
            return _full_date(match, day_group, month_group, year_group, article)
    match = _WEEKDAY.search(lower)
    if match and not re.search(r"\b(last|next)\s+" + match.group(1), lower):
        day = resolve_weekday(match.group(1), article)
        return ResolvedDate(
            day.isoformat(),
            "day",
            "weekday",
            f"'{match.group(1)}': the latest {match.group(1).title()} on or before {article}",
        )
    match = _MONTH_ONLY.search(text)
    if match:
        month = MONTHS[match.group(1).lower()]
        year = int(match.group(2)) if match.group(2) else _year_for(month, None, article)
        basis = "stated" if match.group(2) else "relative"
        return ResolvedDate(f"{year}-{month:02d}", "month", basis, f"'{match.group(0)}'")
    return _relative(lower, article)


#: An article's publication date as ``date_given`` reads it: the period, and whether it is known to the day.
ArticleDate = tuple[Period | None, bool]


def article_dates(source_ids, written_dates, precisions) -> dict[str, ArticleDate]:
    """Each article's :data:`ArticleDate`, by source id, from its ``published_date`` as written and its precision
    (an empty cell, whether "", None, NaN or pd.NA, is no date and no day)."""
    return {
        source: (period_or_none(written), isinstance(precision, str) and precision == "day")
        for source, written, precision in zip(source_ids, written_dates, precisions)
    }


def date_given(phrase: str | None, published: Period | None, published_exactly: bool) -> Period | None:
    """The date an article's own words give a record ('On Monday' in an article of Friday 27 December 2024: 23
    December 2024), or ``None`` when they give none that can be worked out: no phrase, an article of no known
    date, or a weekday in an article not known to the day (which Monday it means is then unknown)."""
    if not isinstance(phrase, str) or not phrase or published is None:  # an empty cell: None, NaN or pd.NA
        return None
    resolved = resolve(phrase, published.start)
    if resolved is None or (resolved.basis == "weekday" and not published_exactly):
        return None
    return parse_partial_date(resolved.text)


def date_contradicted(
    phrase: str | None, own: Period | None, published: Period | None, published_exactly: bool
) -> Period | None:
    """The date an article's words give a record (``date_given``) when it does not meet the record's own date
    ``own``: the article dates the record otherwise. ``None`` when they meet, or either is unknown."""
    given = date_given(phrase, published, published_exactly)
    return given if given is not None and own is not None and not overlaps(own, given) else None


def _full_date(match, day_group, month_group, year_group, article: date) -> ResolvedDate | None:
    month = MONTHS[match.group(month_group).lower().rstrip(".")]
    day = int(match.group(day_group))
    year = int(match.group(year_group)) if match.group(year_group) else _year_for(month, day, article)
    try:
        resolved = date(year, month, day)
    except ValueError:
        return None
    note = f"'{match.group(0)}'" + ("" if match.group(year_group) else f", year from the article ({article.year})")
    return ResolvedDate(resolved.isoformat(), "day", "stated", note)


def _relative(lower: str, article: date) -> ResolvedDate | None:
    if re.search(r"\btoday\b", lower):
        return ResolvedDate(article.isoformat(), "day", "article_date", "'today': the article's date")
    if re.search(r"\byesterday\b", lower):
        return ResolvedDate((article - timedelta(days=1)).isoformat(), "day", "relative", "'yesterday'")
    if re.search(r"\blast month\b", lower):
        previous = article.replace(day=1) - timedelta(days=1)
        return ResolvedDate(previous.strftime("%Y-%m"), "month", "relative", "'last month'")
    if re.search(r"\b(earlier )?this year\b", lower):
        return ResolvedDate(str(article.year), "year", "relative", "'this year'")
    if re.search(r"\blast year\b", lower):
        return ResolvedDate(str(article.year - 1), "year", "relative", "'last year'")
    match = _YEAR.search(lower)
    if match:
        return ResolvedDate(match.group(1), "year", "stated", f"'{match.group(0)}'")
    return None


__all__ = ["ResolvedDate", "resolve", "WEEKDAYS"]
