"""Flowbridge's discovery equals PM4Py's on every real log in ../shared/data/logs/.

Equality is exact for counts (activities, start/end activities, edges,
variants); durations agree to a millionth of a second, relative.
"""

from __future__ import annotations

import math
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from flowbridge.mining import discovery
from flowbridge.mining.log import EventLog
from flowbridge.mining.xes import read_xes
from tests.conftest import SHARED_DATA

LOGS = SHARED_DATA / "logs"
# Listed at collection; without the folder a placeholder runs and the fixture skips (CI: fails).
NAMES = sorted(p.name for p in LOGS.glob("*.xes*")) if LOGS.is_dir() else ["no shared logs"]

pytestmark = [pytest.mark.shared_data, pytest.mark.parametrize("name", NAMES)]


@cache
def pm4py_frame(path: Path) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py

        return pm4py.read_xes(str(path), show_progress_bar=False)


@cache
def our_log(path: Path) -> EventLog:
    return read_xes(path)


def both(shared_data: Path, name: str) -> tuple[EventLog, Any, Any]:
    path = shared_data / "logs" / name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py
    # PM4Py adds a column to the frame it is given; hand it a copy each time.
    return our_log(path), pm4py_frame(path).copy(), pm4py


def test_logs_are_there(shared_data: Path, name: str) -> None:
    assert len(NAMES) >= 7
    assert (shared_data / "logs" / name).is_file()


def test_activities(shared_data: Path, name: str) -> None:
    log, frame, pm4py = both(shared_data, name)
    assert discovery.activities(log) == pm4py.get_event_attribute_values(frame, "concept:name")


def test_start_and_end_activities(shared_data: Path, name: str) -> None:
    log, frame, pm4py = both(shared_data, name)
    assert discovery.start_activities(log) == pm4py.get_start_activities(frame)
    assert discovery.end_activities(log) == pm4py.get_end_activities(frame)


def test_variants(shared_data: Path, name: str) -> None:
    log, frame, pm4py = both(shared_data, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pm4py.get_variants(frame)
    ours = discovery.variants(log)
    assert {tuple(v): c for v, c in ours.select("variant", "cases").iter_rows()} == theirs
    assert discovery.variant_count(log) == len(theirs)
    assert ours["cases"].sum() == log.case_count


def test_edge_frequencies(shared_data: Path, name: str) -> None:
    log, frame, pm4py = both(shared_data, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs, starts, ends = pm4py.discover_dfg(frame)
    edges = discovery.dfg(log).select("source", "target", "frequency")
    assert {(s, t): f for s, t, f in edges.iter_rows()} == theirs
    assert (discovery.start_activities(log), discovery.end_activities(log)) == (starts, ends)


def test_edge_durations(shared_data: Path, name: str) -> None:
    log, frame, pm4py = both(shared_data, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs, _, _ = pm4py.discover_performance_dfg(frame)
    edges = discovery.dfg(log)
    assert {(s, t) for s, t in edges.select("source", "target").iter_rows()} == set(theirs)
    differ = []
    columns = ["source", "target", "mean_seconds", "median_seconds", "min_seconds", "max_seconds"]
    for source, target, mean, median, low, high in edges.select(columns).iter_rows():
        figures = theirs[(source, target)]
        pairs = [(mean, figures["mean"]), (median, figures["median"])]
        pairs += [(low, figures["min"]), (high, figures["max"])]
        if not all(math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6) for a, b in pairs):
            differ.append((source, target, pairs))
    assert differ == []
