"""Figures written in article text: digits with separators, number words, and the qualifier before them."""

from __future__ import annotations

import re

from dprk_report import vocab

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a hundred": 100,
    "a thousand": 1000,
}
_FIGURE = re.compile(
    r"(?<![\w.])(\d{1,3}(?:[, ]\d{3})+|\d+)(?![\w.]*\d)|\b(" + "|".join(NUMBER_WORDS) + r")(?:[- ](thousand))?\b",
    re.IGNORECASE,
)
#: Longest first, so that "closer to around" is found before "around"; a tuple, which ``str.endswith`` tests whole in
#: one call (the loop in C).
QUALIFIERS = tuple(sorted(vocab.QUALIFIER_KINDS, key=len, reverse=True))


def figures_in(text: str) -> list[tuple[int, str | None]]:
    """Whole numbers in a quote, each with the qualifier written right before it ('' for none)."""
    found = []
    for match in _FIGURE.finditer(text):
        raw = match.group(1) or match.group(2)
        value = NUMBER_WORDS.get(raw.lower()) or int(raw.replace(",", "").replace(" ", ""))
        if match.group(3):  # "three-thousand", "two thousand"
            value *= 1000
        if 1900 <= value <= 2100 and match.group(1) and len(raw) == 4:
            continue  # a year, not a figure
        before = text[: match.start()].lower().rstrip()
        # Most figures have none: one test of them all at once first.
        qualifier = next((q for q in QUALIFIERS if before.endswith(q)), "") if before.endswith(QUALIFIERS) else ""
        found.append((value, qualifier))
    return found
