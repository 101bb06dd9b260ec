"""Flowbridge's process-mining library: event logs in, process maps and findings out.

Pure Python on Polars; it imports nothing from Django or the rest of
Flowbridge, so an analyst can use it in a notebook on an export of any
system::

    from flowbridge import mining
    log = mining.read_xes("receipt.xes")       # or read_csv, read_parquet, read_ocel
    mining.dfg(log)                            # directly-follows edges, frequencies, durations
    mining.variants(log)                       # activity sequences, cases and share
    mining.bottlenecks(log)                    # where cases wait longest
    mining.findings(log)                       # what to fix, ranked, with the evidence
    open("report.html", "w").write(mining.html_report(log, title="receipt"))

Results equal PM4Py's on the same log (frequencies, start/end activities,
variants, edge durations, case durations, alignment fitness); see
docs/mining.md.
"""

from __future__ import annotations

from flowbridge.mining.approvals import redundant_approvals
from flowbridge.mining.bpmnmodel import ModelError, ProcessModel, read_bpmn
from flowbridge.mining.conformance import Conformance, conformance
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
from flowbridge.mining.findings import Finding, findings
from flowbridge.mining.handoffs import handoffs
from flowbridge.mining.layout import Layout, layout
from flowbridge.mining.log import EventLog, from_frame
from flowbridge.mining.mapsvg import duration_text, handoff_heatmap_svg, process_map_svg
from flowbridge.mining.ocel import ocel_object_types, read_ocel
from flowbridge.mining.performance import (
    activity_times,
    bottlenecks,
    case_durations,
    cycle_time_histogram,
    cycle_time_stats,
    throughput,
)
from flowbridge.mining.processmap import ProcessMap, keep_variants, process_map
from flowbridge.mining.report import html_report
from flowbridge.mining.rework import return_edges, rework_per_activity, rework_summary
from flowbridge.mining.score import ProcessScore, rank, score
from flowbridge.mining.tables import (
    Preview,
    preview,
    read_csv,
    read_parquet,
    write_csv,
    write_parquet,
)
from flowbridge.mining.timestamps import parse_timestamps
from flowbridge.mining.workingtime import CalendarError, WorkingTime
from flowbridge.mining.xes import read_xes
from flowbridge.mining.xes_write import write_xes

__all__ = [
    "CalendarError",
    "Conformance",
    "EventLog",
    "Finding",
    "ImportReport",
    "Layout",
    "LogError",
    "ModelError",
    "Preview",
    "ProcessMap",
    "ProcessModel",
    "ProcessScore",
    "WorkingTime",
    "activities",
    "activity_times",
    "bottlenecks",
    "case_durations",
    "conformance",
    "cycle_time_histogram",
    "cycle_time_stats",
    "dfg",
    "duration_text",
    "end_activities",
    "findings",
    "from_frame",
    "handoff_heatmap_svg",
    "handoffs",
    "html_report",
    "keep_variants",
    "layout",
    "ocel_object_types",
    "parse_timestamps",
    "preview",
    "process_map",
    "process_map_svg",
    "rank",
    "read_bpmn",
    "read_csv",
    "read_ocel",
    "read_parquet",
    "read_xes",
    "redundant_approvals",
    "return_edges",
    "rework_per_activity",
    "rework_summary",
    "score",
    "start_activities",
    "summary",
    "throughput",
    "variant_count",
    "variants",
    "write_csv",
    "write_parquet",
    "write_xes",
]
