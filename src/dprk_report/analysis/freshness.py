"""How fresh the data are: the newest estimate and the newest statement, and their age on a given day.

"Newest" is by the date a record became public, by the rules the pages use: an estimate's ``public_date``
(``lineage.estimate_table``), a statement's place on the timeline (``cadence.statement_timeline``). The age
is counted to a day the caller names: the release's date on the report (so that the same data give the
same page), today in the scheduled job's alarm.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dprk_report.analysis import cadence, lineage
from dprk_report.data.dataset import Dataset


@dataclass(frozen=True)
class Freshness:
    """The newest estimate's and statement's public dates (``NaT`` when there are none), their rows (of
    ``lineage.estimate_table`` and ``cadence.statement_timeline``; ``None`` when there are none) and the
    reference day."""

    newest_estimate: pd.Timestamp
    newest_statement: pd.Timestamp
    as_of: pd.Timestamp
    estimate: pd.Series | None = None
    statement: pd.Series | None = None

    def age_days(self, newest: pd.Timestamp) -> int | None:
        return None if pd.isna(newest) else int((self.as_of - newest).days)

    @property
    def estimate_age(self) -> int | None:
        return self.age_days(self.newest_estimate)

    @property
    def statement_age(self) -> int | None:
        return self.age_days(self.newest_statement)

    def stale(self, threshold_days: int) -> bool:
        """Whether no estimate became public in the ``threshold_days`` before the reference day."""
        age = self.estimate_age
        return age is None or age > threshold_days


def freshness(dataset: Dataset, as_of) -> Freshness:
    """The newest public dates in ``dataset``, aged to the day ``as_of``."""
    estimates = lineage.estimate_table(dataset).dropna(subset=["public_date"])
    statements = cadence.statement_timeline(dataset).dropna(subset=["timeline_date"])
    # Ties on the day go to the higher id: the record curated last.
    estimate = _newest(estimates, "public_date", "estimate_id")
    statement = _newest(statements, "timeline_date", "statement_id")
    return Freshness(
        estimate["public_date"] if estimate is not None else pd.NaT,
        statement["timeline_date"] if statement is not None else pd.NaT,
        pd.Timestamp(as_of).normalize(),
        estimate,
        statement,
    )


def _newest(frame: pd.DataFrame, date: str, record_id: str) -> pd.Series | None:
    if frame.empty:
        return None
    return frame.sort_values([date, record_id], kind="stable").iloc[-1]
