"""Find a citation's quote in its archived article.

Archived pages differ from a curator's typing only in typography: curly versus
straight quotes, en/em dashes versus hyphens, non-breaking spaces and line
breaks in the middle of a sentence. Both sides are normalised the same way
before comparing, and the comparison stays case-sensitive because a quote is
verbatim.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

_QUOTES = {
    "\u2018": "'",  # left single quotation mark
    "\u2019": "'",  # right single quotation mark, also the typographic apostrophe
    "\u201a": "'",  # single low-9 quotation mark
    "\u201b": "'",  # single high-reversed-9 quotation mark
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u00ab": '"',  # guillemets, used by some Ukrainian outlets' English pages
    "\u00bb": '"',
}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
#: Invisible characters that would split a word in two without showing.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

_TRANSLATION = str.maketrans({**_QUOTES, **{dash: "-" for dash in _DASHES}, **{char: None for char in _INVISIBLE}})


def normalise(text: str) -> str:
    """Text reduced to the form quotes are compared in (case kept).

    NFKC folds compatibility forms (non-breaking space, the ellipsis character,
    full-width letters); quotes and dashes become their ASCII forms; any run of
    whitespace, line breaks included, becomes one space.
    """
    if not text.isascii():  # else neither changes it (most quotes, a third of the articles)
        text = unicodedata.normalize("NFKC", text).translate(_TRANSLATION)
    # As re.sub(r"\s+", " ", text).strip(): both take whitespace as str.isspace does. Twice as fast for the
    # texts of whole articles, which every validation normalises.
    return " ".join(text.split())


@functools.lru_cache(maxsize=1 << 15)
def normalised_quote(quote: str) -> str:
    """``normalise`` for a quote, remembered: validation reads each quote in three checks (its length, no
    ellipsis, found in its article), and a passage cited by several articles is quoted by each. Sized for every
    distinct quote of a dataset 100 times today's (a smaller cache, scanned in the same order three times,
    would keep none); ``validation.validate`` empties it when done. Whole articles go through ``normalise``,
    never kept here."""
    return normalise(quote)


def read_article(path: Path) -> str:
    """An archived article's text, with or without a UTF-8 BOM, CRLF or LF line ends.

    Raises ``UnicodeDecodeError`` when the file is not UTF-8.
    """
    return article_text_of(path.read_bytes())


def article_text_of(data: bytes) -> str:
    """An article's text from its file's bytes (as ``read_article``), for a caller that also hashes them."""
    text = data.decode("utf-8-sig")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def quote_in_text(quote: str, text: str) -> bool:
    """Whether ``quote`` occurs in ``text`` once both are normalised."""
    return quote_in_normalised(quote, normalise(text))


def quote_in_normalised(quote: str, normalised_text: str) -> bool:
    """Whether ``quote`` occurs in a text already normalised (an article cited many times is normalised once)."""
    wanted = normalised_quote(quote)
    return bool(wanted) and wanted in normalised_text


def word_count(quote: str) -> int:
    """Words in a quote as the 30-word limit counts them (runs separated by whitespace)."""
    return len(normalised_quote(quote).split())


def share_a_run(first: str, second: str, run: int = 5) -> bool:
    """Whether two passages share ``run`` consecutive words (compared normalised and in lower case)."""
    a, b = (re.findall(r"[\w'-]+", normalise(text).lower()) for text in (first, second))
    grams = {tuple(a[i : i + run]) for i in range(len(a) - run + 1)}
    return any(tuple(b[i : i + run]) in grams for i in range(len(b) - run + 1))


#: A cell starting with one of these is run as a formula by spreadsheets ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@")


#: The start of a cell that ``spreadsheet_safe`` changes.
_FORMULA_START = re.compile("|".join(map(re.escape, FORMULA_STARTS)))


#: Where a cell of a CSV file's bytes may begin with one of :data:`FORMULA_STARTS`: after a comma or a line end,
#: and any quotes (the csv module reads ``""=1`` as the cell ``=1``: an empty quoted part, then the rest). Bytes
#: are enough: UTF-8 writes these characters as themselves only.
_MAYBE_FORMULA = re.compile(rb'[,\r\n]"*[' + re.escape("".join(FORMULA_STARTS)).encode("ascii") + rb"]")


def may_start_a_formula(table: bytes) -> bool:
    """Whether a cell of the CSV ``table`` may begin as a formula (its very first cell, a column name, is not
    checked). ``False`` means no cell needs ``spreadsheet_safe``. ``True`` may come from inside a quoted cell
    (such as ``"a,-b"``): the cells must then be checked one by one."""
    return _MAYBE_FORMULA.search(table) is not None


def spreadsheet_safe(cell: str | None) -> str | None:
    """``cell`` with a leading apostrophe when a spreadsheet would read it as a formula (an empty cell, ``None``
    or ``""``, as it is)."""
    return "'" + cell if cell and cell.startswith(FORMULA_STARTS) else cell


def spreadsheet_safe_record(cells: list[str | None]) -> list[str | None]:
    """``spreadsheet_safe`` of each of a record's cells: the record itself when none needs it. Whether one does
    is checked in C (a pattern's ``match`` mapped over the cells that are not empty): a Python call per cell was
    most of the time the downloads took at 100 times today's data."""
    if any(map(_FORMULA_START.match, filter(None, cells))):
        return list(map(spreadsheet_safe, cells))
    return cells


def from_spreadsheet_safe(cell: str) -> str:
    """The text ``spreadsheet_safe`` was given (the apostrophe it added taken off)."""
    return cell[1:] if cell and cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell
