"""Every change to a dataset goes through here: create, import, fail, delete.

An import never leaves half a dataset behind: the log is written to a
temporary file in the dataset's folder and renamed into place only when
the whole read succeeded, in the same step that marks the dataset ready.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from flowbridge.diagnosis.models import Dataset
from flowbridge.mining import EventLog


def load_log(dataset: Dataset) -> EventLog:
    """The imported event log of ``dataset`` (raises ``FileNotFoundError`` before it is ready)."""
    path: Path = dataset.parquet_path
    events = pl.read_parquet(path)
    return EventLog(events=events, source=dataset.name)
