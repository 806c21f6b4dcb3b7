"""The selection a notebook analyses (window, sides, metrics): checked once, right after the parameters cell.

A bad value stops the notebook with a message that names the parameter and
the value, e.g. ``start_date 2025-12-31 is after end_date 2025-01-01``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dprk_report import vocab


class ParameterError(ValueError):
    """A notebook parameter has a value the report cannot use."""


@dataclass(frozen=True)
class Selection:
    """The validated parameters of one notebook run."""

    start: date
    end: date
    sides: tuple[str, ...]
    metrics: tuple[str, ...]

    def describe(self) -> str:
        """The selection in a reader's words: '1 June 2024 to 31 March 2026, all sides'."""
        sides = ", ".join(self.sides) if self.sides else "all sides"
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}, {sides}"


def _parse_day(name: str, value: object) -> date:
    if not isinstance(value, str):
        raise ParameterError(f"{name} {value!r} is not a date string (write YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ParameterError(f"{name} {value!r} is not a valid date (write YYYY-MM-DD)") from None


def _check_members(name: str, values: object, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise ParameterError(f"{name} {values!r} must be a list, e.g. {list(allowed[:2])!r}")
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ParameterError(f"{name} has unknown value {unknown[0]!r}; choose from {', '.join(allowed)}")
    return tuple(values)


def validate_parameters(
    start_date: object,
    end_date: object,
    sides: object = (),
    metrics: object = (),
) -> Selection:
    """Check the selection parameters and return them as a :class:`Selection`.

    ``sides`` and ``metrics`` may be empty, meaning all.
    """
    start = _parse_day("start_date", start_date)
    end = _parse_day("end_date", end_date)
    if start > end:
        raise ParameterError(f"start_date {start_date} is after end_date {end_date}")
    chosen_sides = _check_members("sides", sides, vocab.SIDES)
    chosen_metrics = _check_members("metrics", metrics, vocab.METRICS)
    return Selection(start, end, chosen_sides, chosen_metrics)
