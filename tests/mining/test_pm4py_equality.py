"""Flowbridge's discovery equals PM4Py's on every real log in ../shared/data/logs/.

Equality is exact for counts (activities, start/end activities, edges,
variants); durations agree to a millionth of a second, relative.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from flowbridge.mining import discovery
from tests.mining.pm4py_support import (
    NAMES,
    both,
    dfg_counts,
    over_shared_logs,
    quiet,
    variant_counts,
)

# Still imported from here by test_performance.py (another helper's); it should import
# pm4py_support instead, then these two lines go.
from tests.mining.pm4py_support import our_log as our_log
from tests.mining.pm4py_support import pm4py_frame as pm4py_frame

pytestmark = [pytest.mark.shared_data, over_shared_logs]


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
    with quiet():
        theirs = pm4py.get_variants(frame)
    assert variant_counts(log) == theirs
    assert discovery.variant_count(log) == len(theirs)
    assert discovery.variants(log)["cases"].sum() == log.case_count


def test_edge_frequencies(shared_data: Path, name: str) -> None:
    log, frame, pm4py = both(shared_data, name)
    with quiet():
        theirs, starts, ends = pm4py.discover_dfg(frame)
    assert dfg_counts(log) == theirs
    assert (discovery.start_activities(log), discovery.end_activities(log)) == (starts, ends)


def test_edge_durations(shared_data: Path, name: str) -> None:
    log, frame, pm4py = both(shared_data, name)
    with quiet():
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
