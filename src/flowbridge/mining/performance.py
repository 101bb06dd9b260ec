"""How long cases and activities take: cycle times, throughput, waiting and processing, bottlenecks.

Definitions (every figure in seconds; with a :class:`WorkingTime` calendar,
in working seconds on it as well as, or instead of, clock seconds):

* **Cycle time** of a case: from its first begin (the earliest start time,
  or completion when an event has no start) to its last completion. Without
  start times this is PM4Py's case duration (``get_all_case_durations``:
  last timestamp minus first). With start times PM4Py differs: it orders
  events by start time but measures from the completion of the event begun
  first to the completion of the event begun last, which leaves out the
  first event's processing and can miss a later completion; ours is the
  whole span, never shorter.
* **Processing time** of an event: completion minus start, null when the
  event has no start time — PM4Py's service time (``get_service_time``).
* **Waiting time** before an event: from the completion of the previous
  event of its case, in the order :func:`discovery.ordered` gives (PM4Py's
  order), to its begin. The first event of a case has none. Without start
  times the whole gap between two completions is waiting. When work
  overlaps (the event began before the previous one completed) the gap is
  negative; it counts as no wait (0), not as negative time, so totals never
  shrink because two people worked in parallel. PM4Py's performance DFG
  keeps such gaps negative: summed over the incoming edges of an activity
  it equals our total wait wherever no gap is negative.
* A **bottleneck** is an activity ranked by the total waiting time before
  it, summed over all cases.

Everything is a Polars expression over the whole frame; a case is a run of
rows of the sorted log. Every function raises :class:`LogError` for a log
without events.
"""

from __future__ import annotations

import polars as pl

from flowbridge.mining.discovery import BEGINS, ordered
from flowbridge.mining.errors import LogError
from flowbridge.mining.i18n import _
from flowbridge.mining.log import ACTIVITY, CASE, START, TIMESTAMP, EventLog
from flowbridge.mining.workingtime import WorkingTime

CASE_COLUMNS = ("case", "start", "end", "events", "duration_seconds")
HISTOGRAM_COLUMNS = ("lower_seconds", "upper_seconds", "cases")
THROUGHPUT_COLUMNS = ("period", "started", "completed", "median_cycle_seconds")
ACTIVITY_TIME_COLUMNS = (
    "activity",
    "events",
    "median_wait_seconds",
    "mean_wait_seconds",
    "total_wait_seconds",
    "median_processing_seconds",
    "mean_processing_seconds",
    "total_processing_seconds",
)
BOTTLENECK_COLUMNS = (
    "activity",
    "cases",
    "waits",
    "total_wait_seconds",
    "median_wait_seconds",
    "share_of_cycle_time",
)

_MICROSECONDS = 1_000_000
_UTC = pl.Datetime("us", "UTC")


def case_durations(log: EventLog, *, calendar: WorkingTime | None = None) -> pl.DataFrame:
    """One row per case: ``case, start, end, events, duration_seconds``.

    ``start`` is the case's first begin, ``end`` its last completion (UTC),
    ``duration_seconds`` the clock time between them. With a ``calendar``,
    ``working_seconds`` is added: the working time between them. Rows in
    the log's case order.
    """
    _require_events(log)
    begins = pl.coalesce(START, TIMESTAMP) if log.has_start else pl.col(TIMESTAMP)
    cases = (
        log.events.lazy()
        .group_by(CASE, maintain_order=True)
        .agg(
            begins.min().alias("start"),
            pl.col(TIMESTAMP).max().alias("end"),
            pl.len().cast(pl.Int64).alias("events"),
        )
        .with_columns(_seconds(pl.col("end") - pl.col("start")).alias("duration_seconds"))
    )
    if calendar is not None:
        cases = cases.with_columns(
            calendar.seconds_between(pl.col("start"), pl.col("end")).alias("working_seconds")
        )
    return cases.collect()


def cycle_time_stats(log: EventLog, *, calendar: WorkingTime | None = None) -> dict[str, float]:
    """Cycle times summarized: ``cases, mean, median, p90, min, max`` (seconds).

    Clock seconds, or working seconds with a ``calendar``. Percentiles
    interpolate linearly (NumPy's default).
    """
    values = _cycle_seconds(log, calendar)
    row = (
        values.to_frame("v")
        .select(
            pl.len().cast(pl.Float64).alias("cases"),
            pl.col("v").mean().alias("mean"),
            pl.col("v").median().alias("median"),
            pl.col("v").quantile(0.9, interpolation="linear").alias("p90"),
            pl.col("v").min().alias("min"),
            pl.col("v").max().alias("max"),
        )
        .row(0, named=True)
    )
    return {key: float(value) for key, value in row.items()}


def cycle_time_histogram(
    log: EventLog, *, bins: int = 20, calendar: WorkingTime | None = None
) -> pl.DataFrame:
    """Cases per cycle-time bin: ``lower_seconds, upper_seconds, cases``.

    ``bins`` bins of equal width from the shortest to the longest cycle
    time, each including its lower bound, the last also its upper one;
    empty bins are listed with 0. When every case takes the same time there
    is one bin. Clock seconds, or working seconds with a ``calendar``.
    """
    if bins < 1:
        raise ValueError(_("bins: at least one bin is needed, not %(bins)s") % {"bins": bins})
    values = _cycle_seconds(log, calendar)
    low, high = float(values.min()), float(values.max())  # type: ignore[arg-type]
    if high == low:
        return pl.DataFrame(
            {"lower_seconds": [low], "upper_seconds": [high], "cases": [values.len()]},
            schema={"lower_seconds": pl.Float64, "upper_seconds": pl.Float64, "cases": pl.Int64},
        )
    width = (high - low) / bins
    index = ((pl.col("v") - low) / width).floor().cast(pl.Int64).clip(0, bins - 1)
    counts = values.to_frame("v").group_by(index.alias("bin")).agg(pl.len().alias("n"))
    return (
        pl.DataFrame({"bin": pl.arange(0, bins, eager=True).cast(pl.Int64)})
        .join(counts, on="bin", how="left")
        .select(
            (low + pl.col("bin") * width).alias("lower_seconds"),
            # The last bound is the maximum itself, not low + bins * width rounded.
            pl.when(pl.col("bin") == bins - 1)
            .then(pl.lit(high))
            .otherwise(low + (pl.col("bin") + 1) * width)
            .alias("upper_seconds"),
            pl.col("n").fill_null(0).cast(pl.Int64).alias("cases"),
        )
    )


def throughput(log: EventLog, *, every: str = "1w", timezone: str = "UTC") -> pl.DataFrame:
    """Cases started and completed per period, and the median cycle time of those completed.

    ``every`` is a Polars duration (``"1d"``, ``"1w"`` — weeks begin on
    Monday —, ``"1mo"``, ``"1q"``, ``"1y"``). Periods are cut on the wall
    clock of ``timezone`` (e.g. ``"Asia/Shanghai"`` for Chinese weeks) and
    reported as their first instant in UTC. Every period from the first
    start to the last completion is listed, with 0 when nothing happened.
    ``median_cycle_seconds`` is null for a period in which no case completed.
    """
    cases = case_durations(log)
    try:
        pl.select(pl.lit(0).cast(pl.Datetime("us")).dt.truncate(every))
    except (pl.exceptions.PolarsError, ValueError):
        raise ValueError(
            _("every: %(every)r is not a period such as 1d, 1w, 1mo") % {"every": every}
        ) from None

    def period(column: str) -> pl.Expr:
        return pl.col(column).dt.convert_time_zone(timezone).dt.truncate(every)

    try:
        marked = cases.select(period("start").alias("started"), period("end").alias("completed"))
    except pl.exceptions.PolarsError:
        raise ValueError(_("timezone: unknown time zone %(zone)r") % {"zone": timezone}) from None
    periods = marked.select(
        pl.datetime_range(pl.col("started").min(), pl.col("completed").max(), every).alias("period")
    )
    started = marked.group_by(pl.col("started").alias("period")).agg(pl.len().alias("started"))
    completed = (
        cases.select(period("end").alias("period"), "duration_seconds")
        .group_by("period")
        .agg(
            pl.len().alias("completed"),
            pl.col("duration_seconds").median().alias("median_cycle_seconds"),
        )
    )
    return (
        periods.join(started, on="period", how="left")
        .join(completed, on="period", how="left")
        .select(
            pl.col("period").dt.convert_time_zone("UTC").cast(_UTC),
            pl.col("started").fill_null(0).cast(pl.Int64),
            pl.col("completed").fill_null(0).cast(pl.Int64),
            "median_cycle_seconds",
        )
    )


def activity_times(log: EventLog, *, calendar: WorkingTime | None = None) -> pl.DataFrame:
    """Waiting and processing time per activity (see the module's definitions).

    Columns ``activity, events`` and the median, mean and total of the
    waiting time before its events (over the events that have a previous
    one in their case) and of their processing time (null when the log has
    no start times). Working seconds with a ``calendar``. The activity with
    the most events first.
    """
    steps = _steps(log, calendar)
    wait, work = pl.col("wait"), pl.col("processing")
    return (
        steps.group_by(ACTIVITY)
        .agg(
            pl.len().cast(pl.Int64).alias("events"),
            wait.median().alias("median_wait_seconds"),
            wait.mean().alias("mean_wait_seconds"),
            _total(wait).alias("total_wait_seconds"),
            work.median().alias("median_processing_seconds"),
            work.mean().alias("mean_processing_seconds"),
            _total(work).alias("total_processing_seconds"),
        )
        .sort(["events", ACTIVITY], descending=[True, False])
        .select(ACTIVITY_TIME_COLUMNS)
        .collect()
    )


def bottlenecks(log: EventLog, *, calendar: WorkingTime | None = None) -> pl.DataFrame:
    """Activities ranked by the total waiting time before them, largest first.

    Columns: ``activity``; ``cases`` in which it waited (had a previous
    event); ``waits``, how often; ``total_wait_seconds`` and
    ``median_wait_seconds``; ``share_of_cycle_time``, the total wait over
    the cycle times of all cases summed (null when that sum is 0). Working
    seconds with a ``calendar``, both for the waits and the cycle times.
    Activities only ever first in their case are not listed.
    """
    steps = _steps(log, calendar).filter(pl.col("wait").is_not_null())
    cycle = float(_cycle_seconds(log, calendar).sum())
    share = pl.col("total_wait_seconds") / cycle if cycle else pl.lit(None, pl.Float64)
    return (
        steps.group_by(ACTIVITY)
        .agg(
            pl.col(CASE).n_unique().cast(pl.Int64).alias("cases"),
            pl.len().cast(pl.Int64).alias("waits"),
            pl.col("wait").sum().alias("total_wait_seconds"),
            pl.col("wait").median().alias("median_wait_seconds"),
        )
        .with_columns(share.alias("share_of_cycle_time"))
        .sort(["total_wait_seconds", "waits", ACTIVITY], descending=[True, True, False])
        .select(BOTTLENECK_COLUMNS)
        .collect()
    )


def _steps(log: EventLog, calendar: WorkingTime | None) -> pl.LazyFrame:
    """Case, activity, waiting and processing seconds of each event, in PM4Py's order."""
    _require_events(log)
    has_start = log.has_start
    frame = (ordered(log, START) if has_start else ordered(log)).lazy()
    same_case = pl.col(CASE) == pl.col(CASE).shift(1)
    if calendar is None:
        previous = pl.when(same_case).then(pl.col(TIMESTAMP).shift(1))
        gap = _seconds(pl.col(BEGINS) - previous)
        work = _seconds(pl.col(TIMESTAMP) - pl.col(START)) if has_start else None
    else:
        # Working time as differences of W(t), computed once per column.
        frame = frame.with_columns(calendar.worked_until(pl.col(TIMESTAMP)).alias("w_done"))
        if has_start:
            frame = frame.with_columns(calendar.worked_until(pl.col(START)).alias("w_start"))
        w_begin = pl.coalesce("w_start", "w_done") if has_start else pl.col("w_done")
        previous = pl.when(same_case).then(pl.col("w_done").shift(1))
        gap = (w_begin - previous).cast(pl.Float64) / _MICROSECONDS
        work = (pl.col("w_done") - pl.col("w_start")).cast(pl.Float64) / _MICROSECONDS
        work = work if has_start else None
    return frame.select(
        CASE,
        ACTIVITY,
        # Overlapping work is no wait: a negative gap counts as 0.
        gap.clip(lower_bound=0).alias("wait"),
        (work if work is not None else pl.lit(None, pl.Float64)).alias("processing"),
    )


def _cycle_seconds(log: EventLog, calendar: WorkingTime | None) -> pl.Series:
    cases = case_durations(log, calendar=calendar)
    return cases.get_column("working_seconds" if calendar is not None else "duration_seconds")


def _total(values: pl.Expr) -> pl.Expr:
    """Sum that stays null when every value is null (no start times), instead of 0."""
    return pl.when(values.count() > 0).then(values.sum())


def _seconds(delta: pl.Expr) -> pl.Expr:
    # Floats before dividing: a year in microseconds times many cases overflows 64 bits.
    return delta.dt.total_microseconds().cast(pl.Float64) / _MICROSECONDS


def _require_events(log: EventLog) -> None:
    if log.event_count == 0:
        raise LogError(_("the log has no events to measure"), where="events")
