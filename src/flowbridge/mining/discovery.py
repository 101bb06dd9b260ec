"""What a log says about its process: activities, start and end, variants, directly-follows edges.

Everything is a Polars expression over the whole frame (a shift within the
case, a group-by), never a Python loop over events. Results equal PM4Py's
simplified interface on the same log:

* events of a case follow each other in the log's order — by timestamp,
  ties in source order; when the log has start timestamps, by start time
  first (an event without one starts when it completes), then completion
  time, as PM4Py sorts its frames;
* the duration of an edge ``a → b`` is from the completion of ``a`` to the
  start of ``b`` (its completion when there is no start time), so it can be
  negative when work overlaps — PM4Py's performance DFG.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from flowbridge.mining.log import ACTIVITY, CASE, POSITION, START, TIMESTAMP, EventLog

BEGINS = "__begins__"
DFG_COLUMNS = (
    "source",
    "target",
    "frequency",
    "mean_seconds",
    "median_seconds",
    "p90_seconds",
    "min_seconds",
    "max_seconds",
    "total_seconds",
)


def ordered(log: EventLog, *extra: str) -> pl.DataFrame:
    """Case, activity, timestamp, begin time (and the ``extra`` columns) of each event, in the
    order they follow: by time, ties in file order; with start times, by start then completion."""
    events = log.events
    columns = [CASE, ACTIVITY, *extra, TIMESTAMP]
    if not log.has_start:
        return events.select(*columns, pl.col(TIMESTAMP).alias(BEGINS))
    frame = events.select(*columns, POSITION, pl.coalesce(START, TIMESTAMP).alias(BEGINS))
    # The log is sorted by case, completion and position; when begin times never go back
    # within a case, that is already the order by case, begin, completion and position.
    begins = pl.col(BEGINS)
    in_order = frame.select((_first_of_case() | (begins >= begins.shift(1))).all()).item()
    if not in_order:
        frame = frame.sort([CASE, BEGINS, TIMESTAMP, POSITION])
    return frame.drop(POSITION)


def activities(log: EventLog) -> dict[str, int]:
    """Events per activity."""
    return _counts(log.events.get_column(ACTIVITY))


def start_activities(log: EventLog) -> dict[str, int]:
    """Cases per first activity."""
    frame = ordered(log)
    return _counts(frame.filter(_first_of_case()).get_column(ACTIVITY))


def end_activities(log: EventLog) -> dict[str, int]:
    """Cases per last activity."""
    frame = ordered(log)
    return _counts(frame.filter(_first_of_case().shift(-1, fill_value=True)).get_column(ACTIVITY))


def variants(log: EventLog) -> pl.DataFrame:
    """Distinct activity sequences: ``variant`` (list of activities), ``cases`` and ``share``.

    Sorted by cases, most first, then by the sequence itself.
    """
    frame = ordered(log)
    # Each case's sequence as two 64-bit sums of hashes of (activity, position) —
    # cases are runs of rows, so running sums give them without grouping — then one
    # sequence read per distinct sum. Two different sequences with equal sums in one
    # hash but not the other would show as more groups by both than by either: then
    # the exact way. (Sums wrap around 2**64, which keeps differences exact.)
    seeds = (11, 23)
    last = _first_of_case().shift(-1, fill_value=True)
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    # Hashing the activity's hash with its position again: a mere weight per position
    # would let sequences like abba and baab add up alike.
    position = (pl.col("row") - pl.when("first").then("row").forward_fill()).cast(pl.UInt64)
    ends = (
        frame.lazy()
        .select(_first_of_case().alias("first"), last.alias("last"), ACTIVITY, row.alias("row"))
        .select(
            *(
                (pl.col(ACTIVITY).hash(s) ^ position)
                .hash(s)
                .cum_sum()
                .filter("last")
                .alias(f"h{s}")
                for s in seeds
            ),
            pl.col("row").filter("last").alias("end"),
        )
        .collect()
    )
    start = pl.col("end").shift(1, fill_value=-1) + 1
    cases = ends.select(
        *((pl.col(f"h{s}") - pl.col(f"h{s}").shift(1, fill_value=0)).alias(f"h{s}") for s in seeds),
        (pl.col("end") - start + 1).alias("length"),
        start.alias("start"),
    )
    counted = cases.group_by("h11", "h23", "length").agg(
        pl.len().cast(pl.Int64).alias("cases"), pl.col("start").first()
    )
    distinct = cases.select(
        pl.struct("h11", "length").n_unique().alias("a"),
        pl.struct("h23", "length").n_unique().alias("b"),
    ).row(0)
    if distinct != (counted.height, counted.height):
        return _variants_exact(frame)
    rows = counted.select(
        pl.int_range(pl.len()).alias("group"),
        pl.int_ranges("start", pl.col("start") + pl.col("length")).alias("row"),
    ).explode("row")
    sequences = (
        rows.with_columns(frame.get_column(ACTIVITY).gather(rows.get_column("row")).alias("a"))
        .group_by("group", maintain_order=True)
        .agg(pl.col("a").alias("variant"))
    )
    return _shaped(sequences.get_column("variant"), counted.get_column("cases"))


def _variants_exact(frame: pl.DataFrame) -> pl.DataFrame:
    """Variants by grouping every case's sequence itself (activities as small integers)."""
    names = frame.get_column(ACTIVITY).unique().drop_nulls()
    codes = frame.get_column(ACTIVITY).cast(pl.Enum(names.to_list())).to_physical()
    counted = (
        frame.select(_first_of_case().cum_sum().alias("run"))
        .with_columns(codes.alias("code"))
        .group_by("run")
        .agg(pl.col("code").alias("variant"))
        .group_by("variant")
        .agg(pl.len().cast(pl.Int64).alias("cases"))
    )
    lookup = dict(enumerate(names.to_list()))
    variant = counted.select(
        pl.col("variant").list.eval(pl.element().replace_strict(lookup, return_dtype=pl.String))
    ).to_series()
    return _shaped(variant, counted.get_column("cases"))


def _shaped(variant: pl.Series, cases: pl.Series) -> pl.DataFrame:
    total = int(cases.sum())
    return (
        pl.DataFrame({"variant": variant, "cases": cases})
        .with_columns((pl.col("cases") / total).alias("share"))
        .sort(["cases", "variant"], descending=[True, False])
    )


def variant_count(log: EventLog) -> int:
    """Number of distinct activity sequences."""
    return variants(log).height


def dfg(log: EventLog) -> pl.DataFrame:
    """Directly-follows edges with their frequency and durations in seconds.

    Columns: ``source, target, frequency, mean_seconds, median_seconds,
    p90_seconds, min_seconds, max_seconds, total_seconds``; the most
    frequent edge first. Percentiles interpolate linearly (NumPy's default).
    """
    frame = ordered(log)
    same_case = pl.col(CASE) == pl.col(CASE).shift(-1)
    seconds = (pl.col(BEGINS).shift(-1) - pl.col(TIMESTAMP)).dt.total_microseconds() / 1_000_000
    pairs = frame.lazy().select(
        pl.col(ACTIVITY).alias("source"),
        pl.col(ACTIVITY).shift(-1).alias("target"),
        seconds.alias("seconds"),
        same_case.alias("same_case"),
    )
    duration = pl.col("seconds")
    return (
        pairs.filter("same_case")
        .group_by("source", "target")
        .agg(
            pl.len().cast(pl.Int64).alias("frequency"),
            duration.mean().alias("mean_seconds"),
            duration.median().alias("median_seconds"),
            duration.quantile(0.9, interpolation="linear").alias("p90_seconds"),
            duration.min().alias("min_seconds"),
            duration.max().alias("max_seconds"),
            duration.sum().alias("total_seconds"),
        )
        .sort(["frequency", "source", "target"], descending=[True, False, False])
        .select(DFG_COLUMNS)
        .collect()
    )


def summary(log: EventLog) -> dict[str, Any]:
    """The figures ``flowbridge mine --json`` writes, as plain JSON-ready values."""
    edges = dfg(log).select("source", "target", "frequency", "mean_seconds", "median_seconds")
    return {
        "events": log.event_count,
        "cases": log.case_count,
        "variants": variant_count(log),
        "activities": activities(log),
        "start_activities": start_activities(log),
        "end_activities": end_activities(log),
        "dfg": edges.to_dicts(),
    }


def _first_of_case() -> pl.Expr:
    """True on the first event of each case (rows are sorted by case)."""
    return pl.col(CASE).ne_missing(pl.col(CASE).shift(1))


def _counts(values: pl.Series) -> dict[str, int]:
    counts = (
        values.to_frame("value")
        .group_by("value")
        .len()
        .sort(["len", "value"], descending=[True, False])
    )
    return {str(name): int(count) for name, count in counts.iter_rows()}
