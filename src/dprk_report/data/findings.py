"""One finding type for everything a check reports about the dataset: an error or a warning at file:row:field."""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    """One thing found at ``file:row`` (row = line in the file, header = 1) in column ``field``.

    An ``error`` makes the dataset invalid; a ``warning`` (sources that disagree, an
    article not registered yet) is for a curator's look and leaves it valid.
    """

    file: str
    row: int | None
    field: str | None
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        what = self.message if self.field is None else f"{self.field}: {self.message}"
        return f"{'warning: ' if self.severity == WARNING else ''}{where}: {what}"
