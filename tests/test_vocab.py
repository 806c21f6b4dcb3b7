"""Qualifier kinds as the brief for charts defines them."""

from __future__ import annotations

import pytest

from dprk_report.vocab import QUALIFIER_KIND_NAMES, QUALIFIER_KINDS, qualifier_kind


@pytest.mark.parametrize(
    ("qualifier", "kind"),
    [
        ("", "exact"),
        (None, "exact"),
        ("more than", "lower_bound"),
        ("at least", "lower_bound"),
        ("approximately", "approximate"),
        ("closer to around", "approximate"),
        ("up to", "upper_bound"),
        ("between", "range"),
        ("thousands", "vague"),
        ("several hundred", "vague"),
    ],
)
def test_qualifier_kind(qualifier, kind):
    assert qualifier_kind(qualifier) == kind


def test_unknown_qualifier_is_not_guessed():
    with pytest.raises(KeyError):
        qualifier_kind("well over")


def test_every_kind_is_a_known_name():
    assert set(QUALIFIER_KINDS.values()) <= set(QUALIFIER_KIND_NAMES)
    assert all(key == key.lower().strip() for key in QUALIFIER_KINDS)
