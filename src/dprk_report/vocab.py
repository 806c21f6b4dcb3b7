"""Controlled vocabularies of the codebook (``data/README.md``).

The schema, the loader and the report all read these names, so a new value is
added here once and is then accepted everywhere.
"""

from __future__ import annotations

SIDES = (
    "North Korea",
    "Russia",
    "South Korea",
    "United States",
    "Ukraine",
    "United Kingdom",
    "Multinational",
    "Non-governmental",
)

#: How the report names the side of an estimate whose article does not say whose officials made it.
SIDE_NOT_STATED = "Side not stated"

CHANNELS = (
    "letter",
    "message",
    "phone_call",
    "talks",
    "briefing",
    "press_briefing",
    "press_conference",
    "speech",
    "video_address",
    "ceremony",
    "written_statement",
    "interview",
    "social_media",
    "meeting",
    "unspecified",
)

ACTS = (
    "assessment",
    "confirmation",
    "denial",
    "condemnation",
    "praise",
    "commemoration",
    "pledge",
    "support",
    "warning",
    "comment",
    "announcement",
    "disclosure",
)

METRICS = (
    "troops_deployed",
    "troops_planned",
    "killed",
    "wounded",
    "casualties",
    "captured",
    "repatriated",
)

#: How each metric is named in charts and prose.
METRIC_LABELS = {
    "troops_deployed": "Troops deployed",
    "troops_planned": "Troops planned or expected",
    "killed": "Killed",
    "wounded": "Wounded",
    "casualties": "Casualties (killed and wounded)",
    "captured": "Captured",
    "repatriated": "Repatriated",
}

#: Metrics that count others' people too (casualties are the killed and the wounded together): a figure of one
#: can be older than the newest figures of those it counts.
COUNTS_OTHERS = {"casualties": ("killed", "wounded")}

DISCLOSURE_CHANNELS = (
    "closed_door_briefing",
    "press_briefing",
    "press_conference",
    "interview",
    "podcast",
    "video_address",
    "written_assessment",
    "statement",
    "speech",
    "social_media",
    "media_report",
    "unspecified",
)

#: How a disclosure channel reads in a reader's table where its code in plain words would not do.
DISCLOSURE_CHANNEL_LABELS = {
    "closed_door_briefing": "closed-door briefing",
    "media_report": "media report (unnamed officials)",
    "unspecified": "not stated",
}

#: Whether a figure counts everything so far, an increment, or a part.
SCOPES = ("total", "additional", "subset")

#: Precision of event dates (statements, estimates); ``unknown`` goes with an empty date.
DATE_PRECISIONS = ("day", "month", "year", "unknown")
#: Precision of a publication date; ``not_before`` gives only the earliest possible date.
PUBLISHED_PRECISIONS = ("day", "month", "year", "not_before")
#: Precision of an estimate's ``as_of_date``, which is either given or empty.
AS_OF_PRECISIONS = ("day", "month", "year")

DATE_BASES = ("stated", "weekday", "relative", "other_source", "article_date", "not_stated")
#: Bases whose date was worked out from an article named in ``date_resolved_against``.
RESOLVED_BASES = ("weekday", "relative", "other_source")

PUBLISHED_BASES = ("dateline", "url", "date_on_page", "text")

#: ``APP`` is the Associated Press of Pakistan, not ``AP``.
WIRE_AGENCIES = ("AFP", "Reuters", "AP", "UPI", "Yonhap", "APP")

BOOLEANS = ("true", "false")

#: How a chart reads a figure's qualifier. Keys are the qualifier as written, in lower case.
QUALIFIER_KINDS: dict[str, str] = {
    "more than": "lower_bound",
    "over": "lower_bound",
    "at least": "lower_bound",
    "in excess of": "lower_bound",
    "exceed": "lower_bound",
    "surpass": "lower_bound",
    "exceeded": "lower_bound",
    "around": "approximate",
    "about": "approximate",
    "approximately": "approximate",
    "some": "approximate",
    "roughly": "approximate",
    "nearly": "approximate",
    "close to": "approximate",
    "closer to around": "approximate",
    "approaching": "approximate",
    "estimated": "approximate",
    "up to": "upper_bound",
    "as high as": "upper_bound",
    "as many as": "upper_bound",
    "between": "range",
    "several hundred": "vague",
    "several thousand": "vague",
    "thousands": "vague",
    "hundreds": "vague",
    "a large number": "vague",
    "many": "vague",
}

QUALIFIER_KIND_NAMES = ("exact", "lower_bound", "approximate", "upper_bound", "range", "vague")


def qualifier_kind(qualifier: str | None) -> str:
    """How to read a figure with this qualifier; an empty qualifier is a bare, exact figure.

    Raises ``KeyError`` for a qualifier the codebook does not know, so that a new
    wording is added to ``QUALIFIER_KINDS`` on purpose rather than guessed.
    """
    if qualifier is None or qualifier == "":
        return "exact"
    return QUALIFIER_KINDS[qualifier]
