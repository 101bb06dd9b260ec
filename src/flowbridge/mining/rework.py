"""Rework: activities done again in the same case, and the edges that loop back to them.

Events of a case follow each other in the order :func:`discovery.ordered`
gives (timestamp, ties in source order; start time first when the log has
one), so the results agree with :func:`discovery.dfg` and with PM4Py.

Vocabulary used below:

* an event is *new* when its activity has not occurred earlier in its case,
  a *repeat* otherwise;
* a *return edge* is a directly-follows pair ``source → target`` within a
  case whose target is a repeat (a self-loop ``a → a`` is one);
* a *rework episode* is a run of consecutive repeats in a case; it is
  entered by exactly one return edge whose source is new.

When the log names *activity instances* (XES ``concept:instance``, which
Flowbridge's own log sets to the step), the events of one instance count as
one occurrence: the four approvals of a countersign step (会签) are one step
done once, not rework. Without that column every event is an occurrence, as
in PM4Py.

Everything is a Polars expression over the whole frame, never a Python loop
over events.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from flowbridge.mining.discovery import BEGINS, ordered
from flowbridge.mining.log import ACTIVITY, CASE, POSITION, START, TIMESTAMP, EventLog

INSTANCE = "concept:instance"

PER_ACTIVITY_COLUMNS = ("activity", "cases", "extra_events", "share_of_cases")
RETURN_EDGE_COLUMNS = ("source", "target", "frequency", "cases", "rework_seconds")

_RUN = "__run__"


def rework_per_activity(log: EventLog) -> pl.DataFrame:
    """Activities done more than once in a case.

    Columns: ``activity``; ``cases``, the cases in which it occurs more than
    once (PM4Py's ``get_rework_cases_per_activity``); ``extra_events``, its
    occurrences beyond the first, summed over those cases; ``share_of_cases``,
    ``cases`` over all cases of the log. Only activities with rework are
    listed, most cases first, then by name.
    """
    events = _events(occurrences(log))
    total = events.get_column(CASE).n_unique()
    return (
        events.lazy()
        .group_by(CASE, ACTIVITY)
        .agg(pl.len().alias("occurrences"))
        .filter(pl.col("occurrences") > 1)
        .group_by(ACTIVITY)
        .agg(
            pl.len().cast(pl.Int64).alias("cases"),
            (pl.col("occurrences") - 1).sum().cast(pl.Int64).alias("extra_events"),
        )
        .with_columns((pl.col("cases") / max(total, 1)).alias("share_of_cases"))
        .sort(["cases", ACTIVITY], descending=[True, False])
        .select(PER_ACTIVITY_COLUMNS)
        .collect()
    )


def return_edges(log: EventLog) -> pl.DataFrame:
    """Directly-follows edges that loop back to an activity the case already did.

    Columns: ``source``, ``target``; ``frequency``, how often the edge occurs
    as a return (its target a repeat); ``cases``, the cases in which it does;
    ``rework_seconds``, summed over its occurrences, of the time from the
    return until the case moves on.

    The time of one return is measured from the completion of its source
    event to the begin of the next new event of the case (its start time,
    or its completion when the log has none — the same convention as the
    durations of :func:`discovery.dfg`); when no new event follows, to the
    case's end, its latest completion. Returns nested in one episode
    (``a → b → a → b → c`` has ``b → a`` and then ``a → b``) each count the
    time to the same next new event, so these totals overlap; the rework
    time of a case without overlap is in :func:`rework_summary`. With
    start times, overlapping work can make a time negative, as in the DFG.

    The most frequent edge comes first, then by source and target.
    """
    return (
        _returns(occurrences(log))
        .group_by("source", "target")
        .agg(
            pl.len().cast(pl.Int64).alias("frequency"),
            pl.col(_RUN).n_unique().cast(pl.Int64).alias("cases"),
            pl.col("seconds").sum().alias("rework_seconds"),
        )
        .sort(["frequency", "source", "target"], descending=[True, False, False])
        .select(RETURN_EDGE_COLUMNS)
        .collect()
    )


def rework_summary(log: EventLog) -> dict[str, Any]:
    """Rework over the whole log, as plain JSON-ready values.

    ``cases``: all cases; ``cases_with_rework``: cases in which some
    activity occurs more than once; ``share_of_cases``: the latter over the
    former (0.0 for an empty log); ``rework_seconds``: the time spent in
    rework episodes, each counted once — for every episode, from the
    completion of the new event before it to the begin of the next new event
    (or the case's end), as in :func:`return_edges` but without the overlap
    of nested returns.
    """
    log = occurrences(log)
    cases = _events(log).get_column(CASE).n_unique()
    returns = _returns(log).select(
        pl.col(_RUN).n_unique().alias("cases"),
        pl.col("seconds").filter(pl.col("source_is_new")).sum().alias("seconds"),
    )
    row = returns.collect().row(0, named=True)
    with_rework = int(row["cases"])
    return {
        "cases": cases,
        "cases_with_rework": with_rework,
        "share_of_cases": with_rework / cases if cases else 0.0,
        "rework_seconds": float(row["seconds"] or 0.0),
    }


def _returns(log: EventLog) -> pl.LazyFrame:
    """One row per return: ``source``, ``target``, the case's run number, seconds, source new."""
    _events(log)
    # Cases are runs of rows: numbering the runs avoids hashing every case id per window.
    run = pl.col(CASE).ne_missing(pl.col(CASE).shift(1)).cum_sum()
    frame = ordered(log).lazy().with_columns(run.alias(_RUN))
    is_new = pl.int_range(pl.len()).over(_RUN, ACTIVITY) == 0
    frame = frame.with_columns(is_new.alias("is_new"))
    # For each event, the begin of the first new event at or after it in its case.
    next_new = pl.when("is_new").then(pl.col(BEGINS)).backward_fill().over(_RUN)
    until = pl.coalesce(next_new, pl.col(TIMESTAMP).max().over(_RUN))
    since = pl.col(TIMESTAMP).shift(1)
    return (
        frame.with_columns(
            pl.col(ACTIVITY).shift(1).alias("source"),
            pl.col("is_new").shift(1).alias("source_is_new"),
            (pl.col(_RUN) == pl.col(_RUN).shift(1)).alias("same_case"),
            ((until - since).dt.total_microseconds() / 1_000_000).alias("seconds"),
        )
        # A repeat is never a case's first event, so its previous row is in the same case.
        .filter(pl.col("same_case") & ~pl.col("is_new"))
        .select(
            "source",
            pl.col(ACTIVITY).alias("target"),
            _RUN,
            "seconds",
            "source_is_new",
        )
    )


def _events(log: EventLog) -> pl.DataFrame:
    if not isinstance(log, EventLog):
        raise TypeError(
            f"rework needs an EventLog (from read_xes, read_csv or from_frame), "
            f"not {type(log).__name__}"
        )
    return log.events


def occurrences(log: EventLog) -> EventLog:
    """The log with one event per activity instance, when it names them (``concept:instance``).

    An instance's event begins when its first event begins and completes
    with its last; events without an instance stay as they are. A log
    without the column is returned unchanged.
    """
    events = _events(log)
    if not log.has(INSTANCE):
        return log
    instance = pl.coalesce(
        pl.col(INSTANCE).cast(pl.String), pl.lit("#") + pl.col(POSITION).cast(pl.String)
    )
    begins = pl.coalesce(START, TIMESTAMP) if START in events.columns else pl.col(TIMESTAMP)
    collapsed = (
        events.with_columns(instance.alias("__instance__"), begins.alias("__begins_at__"))
        .group_by(CASE, ACTIVITY, "__instance__", maintain_order=True)
        .agg(
            pl.all().exclude("__begins_at__").last(),
            pl.col("__begins_at__").min(),
            pl.col(TIMESTAMP).max().alias("__completes_at__"),
        )
        .with_columns(
            pl.col("__completes_at__").alias(TIMESTAMP),
            pl.col("__begins_at__").alias(START),
        )
        .drop("__instance__", "__begins_at__", "__completes_at__")
        .sort([CASE, TIMESTAMP, POSITION])
    )
    return EventLog(collapsed, log.source, log.report)
