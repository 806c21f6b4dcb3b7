"""The words articles use for each metric ("dead", "injured", "killed or wounded", "soldiers")."""

from __future__ import annotations

import re

#: Each metric and the words that name it, in the order they are tried: "killed or wounded" names
#: casualties before "killed" alone can claim it.
METRIC_WORDS = [
    ("casualties", r"\bcasualt\w*\b|(?:killed|dead) (?:or|and) (?:wounded|injured)|losses"),
    ("killed", r"\b(killed|dead|deaths|died|war dead|lives|fallen)\b"),
    ("wounded", r"\b(wounded|injured)\b"),
    ("captured", r"\b(captured|prisoners?)\b"),
    ("repatriated", r"\brepatriated\b"),
    ("troops_planned", r"\b(plan\w*|aims? to|could deploy|will be deployed|intend\w*|additional deployment)\b"),
    ("troops_deployed", r"\b(troops|soldiers|personnel|servicemen|forces|infantry|engineers|workers)\b"),
]
#: Metrics that count the same people (a deployment planned or made): drift between them is not a new metric.
TROOP_METRICS = ("troops_planned", "troops_deployed")


def metric_named(words: str | None) -> str | None:
    """The metric a phrase names ("killed or wounded" -> casualties), or ``None`` when it names none."""
    if not words:
        return None
    return next((metric for metric, pattern in METRIC_WORDS if re.search(pattern, words, re.IGNORECASE)), None)


def same_kind_of_count(first: str, second: str) -> bool:
    """Whether two metrics count the same people (equal, or both troop numbers)."""
    return first == second or (first in TROOP_METRICS and second in TROOP_METRICS)
