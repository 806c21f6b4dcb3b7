"""The errors of reading the dataset, without pandas: the build's own process, which loads no pandas for a build
with kernels, raises them too (``tables.read_as_taken``), as the kernels do."""

from __future__ import annotations

from pathlib import Path

from dprk_report import paths


class DatasetError(ValueError):
    """The dataset failed validation; the message lists every problem, one a line."""


def changed_while_building(data_dir: Path, hint: str = "") -> DatasetError:
    """What a build says when it reads another data version than the one it took (``hint``: said after it)."""
    return DatasetError(
        f"{paths.shown(data_dir)}: the data or a cited article changed while the build ran; nothing was published; "
        f"run the build again{hint}"
    )
