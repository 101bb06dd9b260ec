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
* variants — activity sequences and their case counts (``pm4py.get_variants``);
* hand-off matrix — hand-offs between departments
  (``pm4py.discover_handover_of_work_network`` with ``beta=0``);
* conformance — every case against the process's BPMN design
  (``bench/mining_conformance.py``, PM4Py's alignments in a child process).

The same steps run on the real logs of ``../shared/data/logs``.
``--ten-million`` also runs Flowbridge alone end to end (import, map,
performance, variants, hand-offs) on 10 M events, in a child process, and
reports its time and peak memory (``resource.getrusage``). The last line is
one JSON object with every figure. The log and its files come from
``mining_synthetic.py``, the timed steps from ``mining_steps.py``.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl
from mining_steps import clock, steps
from mining_synthetic import ACTIVITIES as ACTIVITIES  # bench/mining_conformance.py uses these
from mining_synthetic import CSV_COLUMNS, generate, write_csv, write_xes

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT.parent / "shared" / "data" / "logs"
CONFORMANCE_TIMEOUT = 600.0


# ── 10 M events, Flowbridge alone, in a child so that its peak memory is its own ──


def end_to_end(path: Path) -> dict[str, Any]:
    from flowbridge.mining import discovery
    from flowbridge.mining.handoffs import handoffs
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
        ("handoffs_s", lambda: handoffs(log)),
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


def conformance_step(xes: Path, events: int, with_pm4py: bool, timeout: float) -> Any:
    """bench/mining_conformance.py's figures on the synthetic log, or why there are none."""
    try:
        from mining_conformance import run
    except ImportError as error:
        print(f"  conformance      not yet built ({error})", flush=True)
        return "not yet built"
    return run(xes, events, pm4py_timeout=timeout, with_pm4py=with_pm4py)


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
    p.add_argument("--no-conformance", action="store_true", help="skip the conformance step")
    p.add_argument(
        "--conformance-timeout",
        type=float,
        default=CONFORMANCE_TIMEOUT,
        help="seconds PM4Py's alignments may take before its token replay is timed instead",
    )
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
        if not args.no_conformance:
            figures["synthetic"]["steps"]["conformance"] = conformance_step(
                xes, args.events, with_pm4py, args.conformance_timeout
            )
        xes.unlink()
        csv.unlink()
        if not args.no_real:
            figures["real"] = real_logs(with_pm4py)
        if args.ten_million:
            figures["ten_million"] = ten_million(folder, args.seed)
    print(json.dumps(figures, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
