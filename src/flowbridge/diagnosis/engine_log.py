"""The event log of Flowbridge's own requests, as a mining :class:`EventLog` (no upload needed).

One event per thing that happened to a step: the activity is the step's
name, the resource the person, the department the event's department (by
name, as people read it), the activity instance (XES ``concept:instance``)
the step, so that the approvals of one countersign step count as that step
done once. Work handed out (``assign``, ``reassign``) and
remarks (``note``: urges, copies, comments) are left out, so each step
counts once per time it was done, as it would in an OA export; the
lifecycle stays a column. The Flowbridge operation (approve, reject,
return, ...), ``outcome`` (what this event decided: approved, rejected,
done, returned; else the step's outcome) and ``step_outcome`` are
attributes, so an analysis of redundant approvals can see what each
approval decided.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from flowbridge.cases.models import Case, CaseEvent
from flowbridge.mining import EventLog, from_frame
from flowbridge.processes.models import ProcessDefinition

LEFT_OUT = ("assign", "reassign", "note")
CHUNK = 5000
FIELDS = (
    "case_id",
    "step_id",
    "activity",
    "timestamp",
    "person__name",
    "department__name",
    "lifecycle",
    "operation",
    "step__outcome",
    "version_number",
)
COLUMNS = (
    "case",
    "concept:instance",
    "activity",
    "timestamp",
    "resource",
    "department",
    "lifecycle",
    "operation",
    "step_outcome",
    "version",
)
# What one person's action decided (the step's outcome is the whole step's, after everyone).
DECISIONS = {"approve": "approved", "reject": "rejected", "done": "done", "return": "returned"}
SCHEMA: dict[str, Any] = {
    "case": pl.Int64,
    # The step: the approvals of one countersign step are one activity instance, not rework.
    "concept:instance": pl.Int64,
    "activity": pl.String,
    "timestamp": pl.Datetime("us", "UTC"),
    "resource": pl.String,
    "department": pl.String,
    "lifecycle": pl.String,
    "operation": pl.String,
    "step_outcome": pl.String,
    "version": pl.Int64,
}


def processes_with_cases() -> list[ProcessDefinition]:
    """Processes that have at least one request, by name."""
    ids = Case.objects.values("definition_id").distinct()
    return list(ProcessDefinition.objects.filter(pk__in=ids).order_by("name", "pk"))


def engine_log(
    process: ProcessDefinition, *, progress: Callable[[int, int], None] | None = None
) -> EventLog:
    """The events of every request of ``process`` (all versions), read in chunks."""
    rows = (
        CaseEvent.objects.filter(case__definition=process)
        .exclude(lifecycle__in=LEFT_OUT)
        .order_by("case_id", "timestamp", "id")
    )
    total = rows.count()
    frames: list[pl.DataFrame] = []
    chunk: list[tuple[Any, ...]] = []
    done = 0
    for row in rows.values_list(*FIELDS).iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            frames.append(_frame(chunk))
            done += len(chunk)
            chunk = []
            if progress:
                progress(done, total)
    frames.append(_frame(chunk))
    events = pl.concat(frames).with_columns(
        # The number people quote (FB-000123), as on the request's page.
        pl.format("FB-{}", pl.col("case").cast(pl.String).str.zfill(6)).alias("case"),
        pl.col("operation")
        .replace_strict(DECISIONS, default=None, return_dtype=pl.String)
        .fill_null(pl.when(pl.col("step_outcome") != "").then(pl.col("step_outcome")))
        .alias("outcome"),
    )
    return from_frame(events, source=process.key)


def _frame(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")
