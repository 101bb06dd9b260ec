"""Flowbridge's process-mining library: event logs in, process maps and findings out.

Pure Python on Polars; it imports nothing from Django or the rest of
Flowbridge, so an analyst can use it in a notebook on an export of any
system::

    from flowbridge import mining
    log = mining.read_xes("receipt.xes")
    mining.dfg(log)          # directly-follows edges with frequencies and durations
    mining.variants(log)     # activity sequences, cases and share

Results equal PM4Py's on the same log (frequencies, start/end activities,
variants, edge durations); see docs/mining.md.
"""

from __future__ import annotations

from flowbridge.mining.discovery import (
    activities,
    dfg,
    end_activities,
    start_activities,
    summary,
    variant_count,
    variants,
)
from flowbridge.mining.errors import ImportReport, LogError
from flowbridge.mining.handoffs import handoffs
from flowbridge.mining.log import EventLog, from_frame
from flowbridge.mining.rework import return_edges, rework_per_activity, rework_summary
from flowbridge.mining.tables import (
    Preview,
    preview,
    read_csv,
    read_parquet,
    write_csv,
    write_parquet,
)
from flowbridge.mining.timestamps import parse_timestamps
from flowbridge.mining.xes import read_xes
from flowbridge.mining.xes_write import write_xes

__all__ = [
    "EventLog",
    "ImportReport",
    "LogError",
    "Preview",
    "activities",
    "dfg",
    "end_activities",
    "from_frame",
    "handoffs",
    "parse_timestamps",
    "preview",
    "read_csv",
    "read_parquet",
    "read_xes",
    "return_edges",
    "rework_per_activity",
    "rework_summary",
    "start_activities",
    "summary",
    "variant_count",
    "variants",
    "write_csv",
    "write_parquet",
    "write_xes",
]
