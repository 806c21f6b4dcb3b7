"""Qualifier kinds as the brief for charts defines them."""

from __future__ import annotations

import pytest

from dprk_report import vocab
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


def test_every_disclosure_channel_label_words_a_channel_of_the_codebook():
    """A label left behind by a renamed channel would never be shown, and the new code would read as code."""
    assert set(vocab.DISCLOSURE_CHANNEL_LABELS) <= set(vocab.DISCLOSURE_CHANNELS)
