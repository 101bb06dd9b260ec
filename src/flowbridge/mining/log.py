"""The event log every reader returns and every analysis takes.

An :class:`EventLog` is one Polars DataFrame with canonical column names
(below), one row per event, sorted by case, then timestamp, then
``position`` (the event's place in the source, so events with equal
timestamps keep their file order — what PM4Py does). Readers map a source's
own names onto these; analyses only ever use these.

=================  ==========================  =====================================
column             type                        meaning
=================  ==========================  =====================================
``case``           String                      case id (XES ``concept:name`` of the trace)
``activity``       String                      activity (XES ``concept:name``)
``timestamp``      Datetime(us, UTC)           when it happened (completion)
``position``       UInt64                      order in the source, 0-based
``start_timestamp`` Datetime(us, UTC), null ok  when the work started, if the source says
``resource``       String, null ok             who (XES ``org:resource``)
``department``     String, null ok             which department (XES ``org:group``)
``lifecycle``      String, null ok             XES ``lifecycle:transition``
anything else      as read                     further attributes, names as in the source
=================  ==========================  =====================================

Only ``case``, ``activity``, ``timestamp`` and ``position`` are always present.
By default every event counts, whatever its lifecycle, as PM4Py counts them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from flowbridge.mining.errors import ImportReport, LogError

CASE = "case"
ACTIVITY = "activity"
TIMESTAMP = "timestamp"
POSITION = "position"
START = "start_timestamp"
RESOURCE = "resource"
DEPARTMENT = "department"
LIFECYCLE = "lifecycle"

REQUIRED = (CASE, ACTIVITY, TIMESTAMP)
OPTIONAL = (START, RESOURCE, DEPARTMENT, LIFECYCLE)
TIME_TYPE = pl.Datetime("us", "UTC")


@dataclass(frozen=True)
class EventLog:
    """Events of one process, sorted by case, timestamp and source position."""

    events: pl.DataFrame
    source: str = ""
    report: ImportReport = field(default_factory=ImportReport)

    @property
    def has_start(self) -> bool:
        return START in self.events.columns and self.events[START].null_count() < len(self.events)

    def has(self, column: str) -> bool:
        return column in self.events.columns and self.events[column].null_count() < len(self.events)

    @property
    def event_count(self) -> int:
        return self.events.height

    @property
    def case_count(self) -> int:
        return int(self.events[CASE].n_unique())


def from_frame(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    source: str = "",
    report: ImportReport | None = None,
) -> EventLog:
    """An :class:`EventLog` from a frame that already has the canonical column names.

    Types are normalized (ids and names to String, times to UTC
    microseconds; naive times are taken as UTC), ``position`` is added in
    frame order when missing, and rows are sorted. Raises :class:`LogError`
    naming the missing columns.
    """
    lazy = frame.lazy()
    names = lazy.collect_schema().names()
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise LogError(
            f"missing column(s) {', '.join(missing)}; the log has: {', '.join(names) or 'none'}",
            where="columns",
        )
    if POSITION not in names:
        lazy = lazy.with_row_index(POSITION).with_columns(pl.col(POSITION).cast(pl.UInt64))
    casts = [pl.col(CASE).cast(pl.String), pl.col(ACTIVITY).cast(pl.String)]
    for column in (TIMESTAMP, START):
        if column in names:
            casts.append(_as_utc(column, lazy.collect_schema()[column]))
    for column in (RESOURCE, DEPARTMENT, LIFECYCLE):
        if column in names:
            casts.append(pl.col(column).cast(pl.String))
    events = lazy.with_columns(casts).collect()
    # Exports are often in case order already; checking costs one pass, sorting several.
    if not _in_order(events):
        events = events.sort([CASE, TIMESTAMP, POSITION])
    return EventLog(events, source, report or ImportReport())


def _in_order(events: pl.DataFrame) -> bool:
    """Whether rows already follow case, timestamp and position (no nulls in the first two)."""
    if events.height < 2:
        return True
    if events[CASE].null_count() or events[TIMESTAMP].null_count():
        return False  # a sort puts nulls first; leave that to it
    case, time, position = pl.col(CASE), pl.col(TIMESTAMP), pl.col(POSITION)
    following = (case.shift(-1) > case) | (
        (case.shift(-1) == case)
        & ((time.shift(-1) > time) | ((time.shift(-1) == time) & (position.shift(-1) > position)))
    )
    return bool(events.select(following.head(events.height - 1).all()).item())


def _as_utc(column: str, dtype: pl.DataType) -> pl.Expr:
    expr = pl.col(column)
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            return expr.dt.replace_time_zone("UTC").dt.cast_time_unit("us")
        return expr.dt.convert_time_zone("UTC").dt.cast_time_unit("us")
    raise LogError(f"column {column} holds {dtype}, not timestamps", where=column)
