"""How text from the dataset is worded inside a reader's sentence."""

from __future__ import annotations

import pytest

from dprk_report.text.wording import bracketed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Valery Gerasimov", "(Valery Gerasimov)"),
        ("Ukrainian government sources (via NK News)", "(Ukrainian government sources, via NK News)"),
        ("casualties (killed and wounded), a partial count", "(casualties, killed and wounded, a partial count)"),
        ("Kim (Jong) Un", "(Kim, Jong, Un)"),
        ("(unnamed)", "(unnamed)"),
        ("A (B (C))", "(A, B, C)"),
        ("A (B) and C (D)", "(A, B, and C, D)"),
        ("", "()"),
    ],
)
def test_text_in_brackets_keeps_no_bracket_of_its_own(text, expected):
    assert bracketed(text) == expected
