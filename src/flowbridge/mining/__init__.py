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

from flowbridge.mining.errors import ImportReport, LogError
from flowbridge.mining.log import EventLog, from_frame

__all__ = ["EventLog", "ImportReport", "LogError", "from_frame"]
