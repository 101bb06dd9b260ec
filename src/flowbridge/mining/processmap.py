"""The process map: activities and directly-follows edges, filtered for reading.

A :class:`ProcessMap` is what a person looks at — the report, the map page
and the layout all take one. It is built from a log by :func:`process_map`,
which can keep only the most frequent variants (``coverage``) and hide rare
activities and edges (``min_frequency``); the filtered-out counts stay
known, so a page can say what it hides.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from flowbridge.mining.discovery import (
    activities,
    dfg,
    end_activities,
    ordered,
    start_activities,
    variants,
)
from flowbridge.mining.log import ACTIVITY, CASE, EventLog


@dataclass(frozen=True)
class ProcessMap:
    """Nodes and edges of a (possibly filtered) log.

    ``nodes``: ``activity, frequency`` (events), most frequent first.
    ``edges``: the columns of :func:`flowbridge.mining.dfg`.
    ``starts`` / ``ends``: cases per first / last activity.
    ``cases``: cases the map covers; ``total_cases``: cases of the whole log.
    """

    nodes: pl.DataFrame
    edges: pl.DataFrame
    starts: dict[str, int]
    ends: dict[str, int]
    cases: int
    total_cases: int

    @property
    def hidden_cases(self) -> int:
        return self.total_cases - self.cases


def keep_variants(log: EventLog, coverage: float) -> EventLog:
    """The cases of the most frequent variants that together cover ``coverage`` of all cases.

    ``coverage`` is in (0, 1]; the variant that crosses it is kept, so at
    least one variant always is.
    """
    if not 0 < coverage <= 1:
        raise ValueError(f"coverage must be in (0, 1], got {coverage}")
    if coverage == 1:
        return log
    table = variants(log).with_columns(pl.col("share").cum_sum().alias("covered"))
    kept = table.filter(pl.col("covered").shift(1, fill_value=0.0) < coverage)
    traces = _traces(log).join(kept.select("variant"), on="variant", how="semi")
    events = log.events.join(traces.select(CASE), on=CASE, how="semi")
    return EventLog(events, log.source, log.report)


def process_map(log: EventLog, *, min_frequency: int = 1, coverage: float = 1.0) -> ProcessMap:
    """Activities and edges of the cases within ``coverage``, without those rarer than
    ``min_frequency`` (an edge is dropped with either end)."""
    total = log.case_count
    kept = keep_variants(log, coverage)
    counts = activities(kept)
    nodes = pl.DataFrame(
        {"activity": list(counts), "frequency": list(counts.values())},
        schema={"activity": pl.String, "frequency": pl.Int64},
    ).filter(pl.col("frequency") >= min_frequency)
    names = nodes.get_column("activity")
    edges = dfg(kept).filter(
        (pl.col("frequency") >= min_frequency)
        & pl.col("source").is_in(names.implode())
        & pl.col("target").is_in(names.implode())
    )
    shown = set(names.to_list())
    return ProcessMap(
        nodes=nodes,
        edges=edges,
        starts={a: n for a, n in start_activities(kept).items() if a in shown},
        ends={a: n for a, n in end_activities(kept).items() if a in shown},
        cases=kept.case_count,
        total_cases=total,
    )


def _traces(log: EventLog) -> pl.DataFrame:
    return ordered(log).group_by(CASE, maintain_order=True).agg(pl.col(ACTIVITY).alias("variant"))
