"""The steps ``bench/mining.py`` times, each for Flowbridge and PM4Py on the same log.

Each step returns both times, their ratio and whether the results are equal:
import (XES, CSV), process map, performance map, variants and the hand-off
matrix. What "equal" means per step is in ``bench/README.md``.
"""

from __future__ import annotations

import gc
import math
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from mining_synthetic import CSV_COLUMNS


def clock(run: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def fb_counts(table: Any) -> dict[Any, int]:
    """A Flowbridge count table (dict or frame: keys first, count next) as a dict."""
    if isinstance(table, dict):
        return {k: int(v) for k, v in table.items()}
    frame: pl.DataFrame = table
    key = frame.columns[0]
    value = next(c for c, t in frame.schema.items() if t.is_integer() and c != key)
    keys = frame[key].to_list()
    if isinstance(frame.schema[key], pl.List):
        keys = [tuple(k) for k in keys]
    return dict(zip(keys, frame[value].to_list(), strict=True))


def fb_edges(table: Any) -> dict[tuple[str, str], dict[str, float]]:
    rows = table if isinstance(table, list) else table.to_dicts()
    return {(r["source"], r["target"]): r for r in rows}


def same_numbers(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-3)


def import_equal(log: Any, df: Any) -> bool:
    from flowbridge.mining.discovery import activities

    ours = fb_counts(activities(log))
    theirs = df["concept:name"].value_counts().to_dict()
    return (
        log.event_count == len(df)
        and log.case_count == df["case:concept:name"].nunique()
        and ours == {str(k): int(v) for k, v in theirs.items()}
    )


def steps(xes: Path, csv: Path | None, with_pm4py: bool) -> dict[str, dict[str, Any]]:
    """Every step on one log: Flowbridge's and PM4Py's time, ratio, equal or not."""
    import pandas as pd
    import pm4py

    from flowbridge.mining import discovery
    from flowbridge.mining.handoffs import handoffs
    from flowbridge.mining.tables import read_csv
    from flowbridge.mining.xes import read_xes

    warnings.filterwarnings("ignore", message="Install the optional requirement")

    out: dict[str, dict[str, Any]] = {}

    def record(name: str, ours: float, theirs: float | None, equal: bool | None) -> None:
        row: dict[str, Any] = {"flowbridge_s": round(ours, 4)}
        if theirs is not None:
            ratio = theirs / max(ours, 1e-9)
            row |= {"pm4py_s": round(theirs, 4), "ratio": round(ratio, 1), "ten_times": ratio >= 10}
        row["equal"] = equal
        out[name] = row
        said = "" if equal is None else f"  equal: {'yes' if equal else 'no'}"
        versus = "" if theirs is None else f"  PM4Py {theirs:8.3f} s  x{row['ratio']}"
        print(f"  {name:<16} Flowbridge {ours:8.3f} s{versus}{said}", flush=True)

    t_fb, log = clock(lambda: read_xes(xes))
    df: Any = None
    if with_pm4py:
        t_pm, df = clock(lambda: pm4py.read_xes(str(xes), show_progress_bar=False))
        record("import xes", t_fb, t_pm, import_equal(log, df))
    else:
        record("import xes", t_fb, None, None)
    if csv is not None:
        header = pl.read_csv(csv, n_rows=0).columns
        named = {role: column for role, column in CSV_COLUMNS.items() if column in header}
        t_fb, csv_log = clock(lambda: read_csv(csv, **named))
        if with_pm4py:

            def pm_csv() -> Any:
                frame = pd.read_csv(csv)
                if "start_timestamp" in frame:
                    frame["start_timestamp"] = pd.to_datetime(frame["start_timestamp"], utc=True)
                return pm4py.format_dataframe(frame)

            t_pm, csv_df = clock(pm_csv)
            record("import csv", t_fb, t_pm, import_equal(csv_log, csv_df))
        else:
            record("import csv", t_fb, None, None)
        del csv_log

    def fb_map() -> tuple[Any, ...]:
        return (
            discovery.dfg(log),
            discovery.start_activities(log),
            discovery.end_activities(log),
            discovery.activities(log),
        )

    t_fb, (edges, starts, ends, counts) = clock(fb_map)
    if with_pm4py:

        def pm_map() -> tuple[Any, ...]:
            graph, s, e = pm4py.discover_dfg(df)
            return graph, s, e, pm4py.get_event_attribute_values(df, "concept:name")

        t_pm, (graph, s, e, a) = clock(pm_map)
        equal = (
            {k: v["frequency"] for k, v in fb_edges(edges).items()} == dict(graph)
            and fb_counts(starts) == dict(s)
            and fb_counts(ends) == dict(e)
            and fb_counts(counts) == dict(a)
        )
        record("process map", t_fb, t_pm, equal)
    else:
        record("process map", t_fb, None, None)

    t_fb, edges = clock(lambda: discovery.dfg(log))
    if with_pm4py:
        t_pm, (perf, _s, _e) = clock(lambda: pm4py.discover_performance_dfg(df))
        ours = fb_edges(edges)
        equal = set(ours) == set(perf) and all(
            same_numbers(ours[k]["mean_seconds"], perf[k]["mean"])
            and same_numbers(ours[k]["median_seconds"], perf[k]["median"])
            for k in perf
        )
        record("performance map", t_fb, t_pm, equal)
    else:
        record("performance map", t_fb, None, None)

    t_fb, found = clock(lambda: discovery.variants(log))
    if with_pm4py:
        t_pm, theirs = clock(lambda: pm4py.get_variants(df))
        record("variants", t_fb, t_pm, fb_counts(found) == {k: int(v) for k, v in theirs.items()})
    else:
        record("variants", t_fb, None, None)

    if not log.has("department") or log.events["department"].null_count():
        print("  hand-off matrix  skipped: not every event has a department (org:group)")
        out["hand-off matrix"] = {"skipped": "not every event has org:group"}
        return out
    t_fb, table = clock(lambda: handoffs(log))
    if with_pm4py:
        t_pm, network = clock(
            lambda: pm4py.discover_handover_of_work_network(df, resource_key="org:group", beta=0)
        )
        record("hand-off matrix", t_fb, t_pm, handoffs_equal(log, table, network))
    else:
        record("hand-off matrix", t_fb, None, None)
    return out


def handoffs_equal(log: Any, table: pl.DataFrame, network: Any) -> bool:
    """PM4Py's handover shares (beta=0) times the successions are our counts.

    With beta=0 PM4Py counts each directly-follows pair of groups per case and divides by
    the total over all pairs, events minus cases when every event has a group; pairs of a
    group with itself are no hand-off (as tests/mining/test_handoffs.py compares them).
    """
    successions = log.event_count - log.case_count
    theirs = {
        pair: round(share * successions)
        for pair, share in network.connections.items()
        if pair[0] != pair[1]
    }
    ours = {(s, t): n for s, t, n in table.select("source", "target", "count").iter_rows()}
    return ours == theirs
