"""A figure in words, as a reader sees it: one wording for tables, findings and chart labels."""

from __future__ import annotations

import datetime as dt
import re

#: An article's outlet on a reader's page when the archived copy names none (a blog-style page, say).
UNNAMED_OUTLET = "Unnamed outlet"
#: The same, inside a sentence.
AN_UNNAMED_OUTLET = "an unnamed outlet"


def _missing(value) -> bool:
    """Whether ``value`` is None, NaN, NaT or pd.NA."""
    if value is None or type(value) is dt.date:
        return value is None  # a plain date (the index's, written by the build process) needs no pandas
    import pandas as pd  # here, not on top: the build process writes days with this module without pandas

    return bool(pd.isna(value))


def _number(row) -> str | None:
    """The number or range ('10,000 to 12,000'), or ``None`` for a vague figure."""
    if not _missing(row.low) and not _missing(row.high):
        return f"{int(row.low):,} to {int(row.high):,}"
    return f"{int(row.best):,}" if not _missing(row.best) else None


def figure_text(row) -> str:
    """A figure as the text gives it: '10,000 to 12,000', 'more than 3,000', 'thousands'; a share with the whole
    it is a share of, where a table gives it (``share_whole``): 'nearly half (of about 11,000 troops deployed)'."""
    number = _number(row)
    if number is None:  # a share of another figure ('nearly half'), or vague words ('thousands')
        share = getattr(row, "share_as_written", None)
        if isinstance(share, str) and share:
            whole = getattr(row, "share_whole", None)
            return f"{share} (of {whole})" if isinstance(whole, str) and whole else share
        return str(row.qualifier) if isinstance(row.qualifier, str) else "no figure given"
    qualifier = "" if _missing(row.qualifier) or row.qualifier == "between" else f"{row.qualifier} "
    return f"{qualifier}{number}"


#: The columns ``figure_text`` reads.
FIGURE_COLUMNS = ("qualifier", "low", "best", "high", "share_as_written", "share_whole")


def figure_texts(frame) -> list[str]:
    """``figure_text`` of each row of a table, reading only the columns it words: iterating every column of a
    table of typed estimates took a quarter of a second a table at 100 times today's data."""
    columns = [column for column in FIGURE_COLUMNS if column in frame.columns]
    return [figure_text(row) for row in frame[columns].itertuples(index=False)]


def long_day(day) -> str:
    """A day written out: '17 August 2025' (a date, a timestamp or an ISO day 'YYYY-MM-DD')."""
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day.day} {day:%B %Y}"


def day_text(day) -> str:
    """A day as a reader writes it: '17 Aug 2025'."""
    return f"{day.day} {day:%b %Y}"


def reported_by(first_report, open_ended: bool = False, day=None) -> str:
    """When an undated record was public, from its first report: 'no later than 31 Mar 2025', or, when every
    article reporting it is dated only 'on or after' a day, 'first reported on or after 4 Nov 2024'. ``day``
    writes the day (``day_text`` unless given)."""
    if _missing(first_report):
        return "date unknown"
    return f"{'first reported on or after' if open_ended else 'no later than'} {(day or day_text)(first_report)}"


#: How an estimate's public date is known (``analysis.lineage.estimate_table``'s ``public_date_basis``).
ANNOUNCED, FIRST_SEEN, FIRST_SEEN_OPEN = "announced", "first_seen", "first_seen_open"


def public_when(public_date, basis: str, day=None) -> str:
    """When a figure became public, as precisely as known: '17 Dec 2024', 'no later than 3 Jan 2025',
    'first reported on or after 4 Nov 2024'. ``day`` writes the day (``day_text`` unless given)."""
    if basis == ANNOUNCED and not _missing(public_date):
        return (day or day_text)(public_date)
    return reported_by(public_date, open_ended=basis == FIRST_SEEN_OPEN, day=day)


def date_at_precision(
    start, precision: str, first_report=None, first_report_open: bool = False, day=None, written_to: str = "day"
) -> str:
    """A date at the precision it is known: '17 Aug 2025', 'Aug 2025', '2025', 'no later than 31 Mar 2025'.

    ``precision`` is a codebook precision (``day``, ``month``, ``year``, ``unknown``, ``not_before``);
    an undated record (``unknown``) is shown by its first report (see ``reported_by``). ``day`` writes the
    day (``day_text`` unless given). A ``not_before`` date ('or later') is shown to the precision it is
    ``written_to`` ('Aug 2025 or later' for ``2025-08``, never a first day the text does not give).
    """
    if precision == "unknown" or _missing(start):
        return reported_by(first_report, first_report_open, day=day)
    shown = written_to if earliest_possible(precision) else precision
    if shown == "month":
        written = f"{start:%b %Y}"
    elif shown == "year":
        written = f"{start:%Y}"
    else:
        written = (day or day_text)(start)
    return f"{written} or later" if earliest_possible(precision) else written


def earliest_possible(precision) -> bool:
    """Whether a date of this publication precision is only the earliest the article can have appeared: a date
    given as 'on or after' a day (``not_before``). The date then reads 'or later', and an age counted to it is a
    minimum."""
    return precision == "not_before"


def age_text(days, precision: str) -> str:
    """An age in days counted to an article's date: '332', or '332 or more' when the age is a minimum
    (``earliest_possible``)."""
    if _missing(days):
        return ""
    return f"{int(days):,}{' or more' if earliest_possible(precision) else ''}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """A count and its noun, as every sentence, title and message words one: '1 repeat', '12,022 repeats'
    (``many``: the noun's plural when it is not ``word`` + 's')."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def joined(items: list[str]) -> str:
    """Items as a sentence lists them: 'A', 'A and B', 'A, B and C'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def words(code: str | None) -> str:
    """A codebook value in plain words: 'phone_call' -> 'phone call', 'troops_deployed' -> 'troops deployed'."""
    return "" if not isinstance(code, str) and _missing(code) else str(code).replace("_", " ")


def act_words(channel: str) -> str:
    """How an act is named by its channel: 'phone call', 'message'; a 'statement' when the article says only
    that someone said something (the codebook's ``unspecified``)."""
    return "statement" if channel == "unspecified" else words(channel)


def speaker_words(speaker, side: str) -> str:
    """Who made a statement: its speaker, or its side's officials when the article names no one."""
    return speaker if isinstance(speaker, str) and speaker else f"{side} officials"


#: A bracket with none inside it, and the space before it.
_INNERMOST_BRACKET = re.compile(r"\s*\(([^()]*)\)")


def bracketed(text: str) -> str:
    """``text`` in brackets, its own brackets turned into a comma's aside, innermost first, so that none nest: a
    speaker recorded as 'Ukrainian government sources (via NK News)' reads '(Ukrainian government sources, via NK
    News)', a measure 'casualties (killed and wounded), a partial count' reads '(casualties, killed and wounded,
    a partial count)'."""

    def aside(match: re.Match) -> str:
        inside, rest = match.group(1), match.string[match.end() :]
        before = ", " if match.start() > 0 else ""
        after = "," if rest and not rest.startswith((",", ";", ")")) else ""
        return f"{before}{inside}{after}"

    while True:
        flat = _INNERMOST_BRACKET.sub(aside, text)
        if flat == text:
            return f"({flat})"
        text = flat


def possessive(name: str) -> str:
    """'Kim Jong Un's', 'Russia officials''."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"
