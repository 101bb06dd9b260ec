"""Process mining speed and correctness: Flowbridge's mining library against PM4Py.

    python bench/mining.py [--events N] [--seed S] [--no-real] [--no-pm4py] [--ten-million]

Generates a seeded synthetic log of N events (default 1,000,000, about ten
events per case) of a request → approval flow across departments (rework
loops for missing information and for revisions, an optional second
approval, escalation, legal review, rejection), with start and complete
timestamps, resources and departments; writes it as XES and CSV in a
temporary folder (by this script, not by the code under test); then times
each step for Flowbridge and for PM4Py in the same run, checks the results
are equal and prints the ratio:

* import — XES (``read_xes`` / ``pm4py.read_xes``) and CSV (``read_csv`` /
  ``pandas.read_csv`` + ``pm4py.format_dataframe``);
* process map — directly-follows frequencies, start and end activities,
  activity counts (``pm4py.discover_dfg`` + ``get_event_attribute_values``);
* performance map — mean and median seconds per edge
  (``pm4py.discover_performance_dfg``);
* variants — activity sequences and their case counts (``pm4py.get_variants``).

The same steps run on the real logs of ``../shared/data/logs``.
``--ten-million`` also runs Flowbridge alone end to end (import, map,
performance, variants) on 10 M events, in a child process, and reports its
time and peak memory (``resource.getrusage``). Steps of issue 4 not built yet
are listed as such. The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import platform
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT.parent / "shared" / "data" / "logs"
NOT_YET_BUILT = ["hand-off matrix", "conformance"]
CSV_COLUMNS = {
    "case": "case:concept:name",
    "activity": "concept:name",
    "timestamp": "time:timestamp",
    "start_timestamp": "start_timestamp",
    "resource": "org:resource",
    "department": "org:group",
}

# ── the synthetic log ────────────────────────────────────────────────────────

SUBMIT, CHECK, ASK_INFO, GIVE_INFO, HEAD, RETURN, REVISE, FINANCE = range(8)
ESCALATE, LEGAL, REJECT, NOTIFY, ARCHIVE, PROCURE, CLOSE = range(8, 15)
ACTIVITIES = [
    "提交申请",  # submit
    "形式审查",  # completeness check
    "要求补充材料",  # ask for missing information
    "补充材料",  # provide it
    "部门负责人审批",  # head of department approves
    "退回修改",  # sent back for revision
    "修改申请",  # revised
    "财务复核",  # optional second approval
    "升级处理",  # escalation
    "法务审核",  # legal review
    "驳回",  # rejected
    "通知申请人",  # requester notified
    "归档",  # archived
    "采购执行",  # purchase made
    "结案",  # closed
]
# Blocks of a case in order; each appears a drawn number of times (loops repeat a block).
BLOCKS = [
    [SUBMIT, CHECK],
    [ASK_INFO, GIVE_INFO, CHECK],
    [HEAD],
    [RETURN, REVISE, HEAD],
    [FINANCE],
    [ESCALATE],
    [LEGAL],
    [REJECT, NOTIFY, ARCHIVE],
    [PROCURE, NOTIFY, ARCHIVE, CLOSE],
]
REQUESTERS = ["销售部", "研发部", "生产部", "人事部", "市场部", "客服部"]
# Department of each activity; None = the requester's own department.
OFFICE = "行政部"
DEPARTMENT_OF: list[str | None] = [
    None, OFFICE, OFFICE, None, None, None, None, "财务部",
    "总经办", "法务部", OFFICE, OFFICE, OFFICE, "采购部", OFFICE,
]  # fmt: skip
# Median waiting before, and processing of, each activity (seconds).
WAIT = np.array([0, 4, 8, 30, 6, 5, 20, 10, 12, 24, 3, 1, 12, 48, 2]) * 3600.0
WORK = np.array([20, 15, 10, 60, 10, 10, 90, 20, 30, 120, 10, 5, 10, 240, 5]) * 60.0


def generate(events: int, seed: int) -> pl.DataFrame:
    """About ``events`` events (whole cases), vectorized; same seed, same log."""
    rng = np.random.default_rng(seed)
    cases = int(events / 9.0 * 1.15) + 10
    counts = np.stack(
        [
            np.ones(cases, np.int64),
            rng.geometric(0.72, cases) - 1,  # missing-information loops
            np.ones(cases, np.int64),
            rng.geometric(0.70, cases) - 1,  # revision loops
            rng.random(cases) < 0.35,  # second approval
            rng.random(cases) < 0.05,
            rng.random(cases) < 0.15,
            (rejected := rng.random(cases) < 0.12),
            ~rejected,
        ],
        axis=1,
    ).astype(np.int64)
    block_len = np.array([len(b) for b in BLOCKS])
    per_case = counts @ block_len
    cases = max(1, int(np.searchsorted(np.cumsum(per_case), events, side="right")))
    counts = counts[:cases]
    table = np.full((len(BLOCKS), block_len.max()), -1)
    for i, block in enumerate(BLOCKS):
        table[i, : len(block)] = block
    block_seq = np.repeat(np.tile(np.arange(len(BLOCKS)), cases), counts.ravel())
    block_case = np.repeat(np.arange(cases), counts.sum(axis=1))
    lengths = block_len[block_seq]
    owner = np.repeat(np.arange(len(block_seq)), lengths)
    offset = np.arange(owner.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    activity = table[block_seq[owner], offset]
    case = block_case[owner]
    n = activity.size
    # Times: whole seconds, at least one, so that no two events of a case tie.
    work = np.maximum(1, rng.lognormal(np.log(WORK[activity]), 0.8)).astype(np.int64)
    wait = np.maximum(1, rng.lognormal(np.log(WAIT[activity] + 60), 1.0)).astype(np.int64)
    step = work + wait
    total = np.cumsum(step)
    first = np.r_[0, np.flatnonzero(np.diff(case)) + 1]
    base = (total[first] - step[first])[case]
    opened = rng.integers(1_704_067_200, 1_735_689_600, cases)  # during 2024, UTC
    complete = opened[case] + total - base
    requester = rng.integers(0, len(REQUESTERS), cases)[case]
    departments = np.array(REQUESTERS + sorted({d for d in DEPARTMENT_OF if d}))
    fixed = np.array([-1 if d is None else int(np.flatnonzero(departments == d)[0])
                      for d in DEPARTMENT_OF])  # fmt: skip
    department = np.where(fixed[activity] < 0, requester, fixed[activity])
    return (
        pl.DataFrame(
            {
                "case": pl.Series(case).cast(pl.String).str.zfill(7).str.replace("^", "R"),
                "activity": pl.Series(np.array(ACTIVITIES)[activity]),
                "start_timestamp": pl.from_epoch(pl.Series(complete - work), time_unit="s"),
                "timestamp": pl.from_epoch(pl.Series(complete), time_unit="s"),
                "department": pl.Series(departments[department]),
                "worker": pl.Series(rng.integers(1, 25, n)),
            }
        )
        .with_columns(
            pl.format("{}-{}", "department", "worker").alias("resource"),
        )
        .drop("worker")
    )


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    iso = "%Y-%m-%dT%H:%M:%S+00:00"
    frame.select(
        pl.col("case").alias(CSV_COLUMNS["case"]),
        pl.col("activity").alias(CSV_COLUMNS["activity"]),
        pl.col("timestamp").dt.strftime(iso).alias(CSV_COLUMNS["timestamp"]),
        pl.col("start_timestamp").dt.strftime(iso).alias(CSV_COLUMNS["start_timestamp"]),
        pl.col("resource").alias(CSV_COLUMNS["resource"]),
        pl.col("department").alias(CSV_COLUMNS["department"]),
    ).write_csv(path)


def write_xes(frame: pl.DataFrame, path: Path) -> None:
    """XES as OpenXES writes it (namespace, extensions), one element per line."""
    iso = "%Y-%m-%dT%H:%M:%S%.3f+00:00"
    first = pl.col("case") != pl.col("case").shift(1)
    last = pl.col("case") != pl.col("case").shift(-1)
    event = pl.format(
        '<event><string key="concept:name" value="{}"/><string key="org:resource" value="{}"/>'
        '<string key="org:group" value="{}"/><date key="start_timestamp" value="{}"/>'
        '<date key="time:timestamp" value="{}"/>'
        '<string key="lifecycle:transition" value="complete"/></event>',
        "activity",
        "resource",
        "department",
        pl.col("start_timestamp").dt.strftime(iso),
        pl.col("timestamp").dt.strftime(iso),
    )
    opening = pl.format('<trace><string key="concept:name" value="{}"/>\n', "case")
    line = (
        pl.when(first.fill_null(True)).then(opening).otherwise(pl.lit(""))
        + event
        + pl.when(last.fill_null(True)).then(pl.lit("\n</trace>")).otherwise(pl.lit(""))
    )
    head = (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        '<log xes.version="1.0" xes.features="nested-attributes" '
        'xmlns="http://www.xes-standard.org/">\n'
        + "".join(
            f'<extension name="{n}" prefix="{p}" uri="http://www.xes-standard.org/{p}.xesext"/>\n'
            for n, p in [
                ("Concept", "concept"),
                ("Time", "time"),
                ("Organizational", "org"),
                ("Lifecycle", "lifecycle"),
            ]
        )
    )
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        for chunk in frame.iter_slices(500_000):
            lines = chunk.select(line.alias("x"))["x"]
            out.write("\n".join(lines.to_list()))
            out.write("\n")
        out.write("</log>\n")


# ── the two sides of each step ───────────────────────────────────────────────


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
    return out


# ── 10 M events, Flowbridge alone, in a child so that its peak memory is its own ──


def end_to_end(path: Path) -> dict[str, Any]:
    from flowbridge.mining import discovery
    from flowbridge.mining.tables import read_csv
    from flowbridge.mining.xes import read_xes

    started = time.perf_counter()
    figures: dict[str, Any] = {"file": path.name}
    t, log = clock(
        lambda: read_csv(path, **CSV_COLUMNS) if path.suffix == ".csv" else read_xes(path)
    )
    figures["import_s"] = round(t, 2)
    for name, run in [
        ("process_map_s", lambda: (discovery.dfg(log), discovery.start_activities(log),
                                   discovery.end_activities(log), discovery.activities(log))),
        ("performance_map_s", lambda: discovery.dfg(log)),
        ("variants_s", lambda: discovery.variants(log)),
    ]:  # fmt: skip
        figures[name] = round(clock(run)[0], 2)
    figures["total_s"] = round(time.perf_counter() - started, 2)
    figures["events"] = log.event_count
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures


def ten_million(folder: Path, seed: int) -> dict[str, Any]:
    print("\n10 M events, Flowbridge alone (child process, peak RSS of the child)", flush=True)
    frame = generate(10_000_000, seed)
    files = [folder / "ten-million.csv", folder / "ten-million.xes"]
    write_csv(frame, files[0])
    write_xes(frame, files[1])
    del frame
    gc.collect()
    result: dict[str, Any] = {}
    for path in files:
        child = subprocess.run(  # noqa: S603 (this script, a path it wrote)
            [sys.executable, __file__, "--end-to-end", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            result[path.suffix[1:]] = {"error": child.stderr.strip().splitlines()[-1:]}
            continue
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        result[path.suffix[1:]] = figures
        print(f"  {path.name}: {figures['total_s']} s end to end "
              f"(import {figures['import_s']} s), peak RSS {figures['peak_rss_mb']} MB",
              flush=True)  # fmt: skip
    return result


def real_logs(with_pm4py: bool) -> dict[str, Any]:
    if not LOGS.is_dir():
        print(f"\nreal logs: {LOGS} not found, skipped", flush=True)
        return {}
    result = {}
    for xes in sorted([*LOGS.glob("*.xes"), *LOGS.glob("*.xes.gz")]):
        name = xes.name.removesuffix(".gz").removesuffix(".xes")
        csv = LOGS / f"{name}.csv"
        print(f"\n{xes.name}" + (f" (+ {csv.name})" if csv.exists() else ""), flush=True)
        try:
            result[xes.name] = steps(xes, csv if csv.exists() else None, with_pm4py)
        except Exception as error:  # one log failing does not hide the others' figures
            print(f"  failed: {error}", flush=True)
            result[xes.name] = {"error": str(error)}
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=4)
    p.add_argument("--no-real", action="store_true", help="skip the real logs")
    p.add_argument("--no-pm4py", action="store_true", help="time Flowbridge only")
    p.add_argument("--ten-million", action="store_true", help="also 10 M events end to end")
    p.add_argument("--end-to-end", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.end_to_end:
        print(json.dumps(end_to_end(args.end_to_end)))
        return
    with_pm4py = not args.no_pm4py
    figures: dict[str, Any] = {
        "machine": f"{platform.machine()}, {platform.python_version()}, polars {pl.__version__}",
        "events_requested": args.events,
        "seed": args.seed,
        "not_yet_built": NOT_YET_BUILT,
    }
    with tempfile.TemporaryDirectory(prefix="flowbridge-mining-") as tmp:
        folder = Path(tmp)
        t, frame = clock(lambda: generate(args.events, args.seed))
        xes, csv = folder / "synthetic.xes", folder / "synthetic.csv"
        write_xes(frame, xes)
        write_csv(frame, csv)
        figures["synthetic"] = {
            "events": frame.height,
            "cases": frame["case"].n_unique(),
            "generated_s": round(t, 2),
            "xes_mb": round(xes.stat().st_size / 1e6),
            "csv_mb": round(csv.stat().st_size / 1e6),
        }
        del frame
        s = figures["synthetic"]
        print(f"synthetic log: {s['events']:,} events, {s['cases']:,} cases "
              f"(XES {s['xes_mb']} MB, CSV {s['csv_mb']} MB)", flush=True)  # fmt: skip
        figures["synthetic"]["steps"] = steps(xes, csv, with_pm4py)
        figures["synthetic"]["steps"] |= {step: "not yet built" for step in NOT_YET_BUILT}
        xes.unlink()
        csv.unlink()
        if not args.no_real:
            figures["real"] = real_logs(with_pm4py)
        if args.ten_million:
            figures["ten_million"] = ten_million(folder, args.seed)
    for step in NOT_YET_BUILT:
        print(f"{step}: not yet built", flush=True)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
