"""Hand-offs: where work passes from one department (or person) to another, and what it costs.

A case's events follow each other in the order :func:`discovery.ordered`
gives (timestamp, ties in source order; start time first when the log has
one), so a hand-off ``A → B`` is a directly-follows pair of the case's
departments, as PM4Py's handover-of-work network (``beta=0``) counts them,
without the pairs that stay in one department. The delay of a hand-off is
measured as :func:`discovery.dfg` measures an edge: from the completion of
the event handing over to the begin of the next (its start time, or its
completion when it has none); overlapping work can make it negative.

Everything is a Polars expression over the whole frame, never a Python loop
over events.
"""

from __future__ import annotations

import polars as pl

from flowbridge.mining.discovery import BEGINS, ordered
from flowbridge.mining.errors import LogError
from flowbridge.mining.i18n import _
from flowbridge.mining.log import ACTIVITY, CASE, DEPARTMENT, START, TIMESTAMP, EventLog

HANDOFF_COLUMNS = (
    "source",
    "target",
    "count",
    "cases",
    "median_seconds",
    "mean_seconds",
    "total_seconds",
    "share_of_cycle_time",
)

_MICROSECONDS = 1_000_000


def handoffs(log: EventLog, *, by: str = DEPARTMENT) -> pl.DataFrame:
    """Hand-offs between distinct values of the column ``by``, with their delays in seconds.

    One row per ordered pair ``source → target`` (``source != target``)
    that occurs between consecutive events of a case. Columns:

    * ``count``: how often the work passed from ``source`` to ``target``;
    * ``cases``: the cases in which it did at least once;
    * ``median_seconds``, ``mean_seconds``, ``total_seconds``: of the delay,
      from the completion of the handing event to the begin of the next;
    * ``share_of_cycle_time``: ``total_seconds`` over the cycle times of all
      cases of the log summed (a case's cycle time runs from its first begin
      to its last completion); null when that sum is zero.

    Events whose ``by`` is null are left out of the chain: the events either
    side of them are consecutive, and the delay spans the skipped ones.
    ``by`` is ``"department"`` by default; ``"resource"`` gives hand-offs
    between people. Sorted by ``total_seconds``, largest first, then by
    count, source and target. Raises :class:`LogError` when the log has no
    such column, or only nulls in it.
    """
    if not log.has(by):
        raise LogError(
            _("the log has no values in column %(column)s to follow hand-offs by") % {"column": by},
            where=by,
        )
    chain = _chain(log, by)
    same_case = pl.col(CASE) == pl.col(CASE).shift(-1)
    delay = (pl.col(BEGINS).shift(-1) - pl.col(TIMESTAMP)).dt.total_microseconds()
    pairs = chain.select(
        CASE,
        pl.col(by).alias("source"),
        pl.col(by).shift(-1).alias("target"),
        (delay / _MICROSECONDS).alias("seconds"),
        same_case.alias("same_case"),
    ).filter(pl.col("same_case") & (pl.col("source") != pl.col("target")))
    cycle = _total_cycle_seconds(log)
    seconds = pl.col("seconds")
    share = pl.col("total_seconds") / cycle if cycle else pl.lit(None, pl.Float64)
    return (
        pairs.group_by("source", "target")
        .agg(
            pl.len().cast(pl.Int64).alias("count"),
            pl.col(CASE).n_unique().cast(pl.Int64).alias("cases"),
            seconds.median().alias("median_seconds"),
            seconds.mean().alias("mean_seconds"),
            seconds.sum().alias("total_seconds"),
        )
        .with_columns(share.alias("share_of_cycle_time"))
        .sort(
            ["total_seconds", "count", "source", "target"],
            descending=[True, True, False, False],
        )
        .select(HANDOFF_COLUMNS)
        .collect()
    )


def _chain(log: EventLog, by: str) -> pl.LazyFrame:
    """Case, ``by``, completion and begin of the events with a ``by``, in the order they follow."""
    events = ordered(log, *([] if by in (CASE, ACTIVITY, TIMESTAMP) else [by])).lazy()
    # Filtering keeps the order, so skipped events simply join their neighbours.
    return events.select(CASE, pl.col(by).cast(pl.String), TIMESTAMP, BEGINS).filter(
        pl.col(by).is_not_null()
    )


def _total_cycle_seconds(log: EventLog) -> float:
    """Last completion minus first begin, per case, summed over every case of the log."""
    events = log.events.lazy()
    begins = pl.coalesce(START, TIMESTAMP) if log.has_start else pl.col(TIMESTAMP)
    total = (
        events.group_by(CASE)
        .agg((pl.col(TIMESTAMP).max() - begins.min()).dt.total_microseconds().alias("cycle"))
        # In floats: a million year-long cases overflow 64-bit microseconds.
        .select(pl.col("cycle").cast(pl.Float64).sum())
        .collect()
        .item()
    )
    return float(total or 0) / _MICROSECONDS
