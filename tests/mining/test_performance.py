"""Cycle times, throughput, waits, processing and bottlenecks: hand-made logs and PM4Py."""

from __future__ import annotations

import importlib
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from flowbridge.mining import performance
from flowbridge.mining.discovery import ordered
from flowbridge.mining.errors import LogError
from flowbridge.mining.log import EventLog, from_frame
from flowbridge.mining.workingtime import WorkingTime
from tests.mining.pm4py_support import both, over_shared_logs, quiet

# Monday 4 March 2024, 09:00 UTC.
T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
MIN = 60.0
# PM4Py's default business hours: Monday to Friday, 07:00-17:00, read as UTC.
PM4PY_HOURS = WorkingTime(timezone="UTC", periods=((420, 1020),))

Row = tuple[str, str, float, float | None]


def at(minutes: float | None) -> datetime | None:
    return None if minutes is None else T0 + timedelta(minutes=minutes)


def log_of(rows: list[Row]) -> EventLog:
    """Rows of (case, activity, completed at minute, started at minute or None)."""
    frame = pl.DataFrame(
        [(case, activity, at(done), at(start)) for case, activity, done, start in rows],
        schema={
            "case": pl.String,
            "activity": pl.String,
            "timestamp": pl.Datetime("us", "UTC"),
            "start_timestamp": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )
    return from_frame(frame)


def completions_only() -> EventLog:
    # c1: A 0, B 10, C 40 -> B waits 10, C waits 30; cycle 40.
    # c2: A 0, C 25, B 50, B 60 -> C waits 25, B waits 25 and 10; cycle 60.
    return log_of(
        [
            ("c1", "A", 0, None),
            ("c1", "B", 10, None),
            ("c1", "C", 40, None),
            ("c2", "A", 0, None),
            ("c2", "C", 25, None),
            ("c2", "B", 50, None),
            ("c2", "B", 60, None),
        ]
    )


def with_starts() -> EventLog:
    # c3: A [0, 10], B [5, 20] begins before A completes (no wait), C [30, 35] waits 10.
    # c4: A completes at 0 with no start, C [20, 50] waits 20.
    # c5: X [10, 20] and Y [0, 30]: by begin Y then X; X began before Y completed (no wait).
    return log_of(
        [
            ("c3", "A", 10, 0),
            ("c3", "B", 20, 5),
            ("c3", "C", 35, 30),
            ("c4", "A", 0, None),
            ("c4", "C", 50, 20),
            ("c5", "X", 20, 10),
            ("c5", "Y", 30, 0),
        ]
    )


def test_case_durations_run_from_first_begin_to_last_completion() -> None:
    cases = performance.case_durations(with_starts())
    assert cases.columns == list(performance.CASE_COLUMNS)
    assert cases.rows() == [
        ("c3", at(0), at(35), 3, 35 * MIN),
        ("c4", at(0), at(50), 2, 50 * MIN),
        ("c5", at(0), at(30), 2, 30 * MIN),
    ]


def test_cycle_time_stats() -> None:
    stats = performance.cycle_time_stats(completions_only())
    assert stats == {
        "cases": 2,
        "mean": 50 * MIN,
        "median": 50 * MIN,
        "p90": 58 * MIN,
        "min": 40 * MIN,
        "max": 60 * MIN,
    }


def test_bottlenecks_rank_by_total_wait() -> None:
    ranked = performance.bottlenecks(completions_only())
    assert ranked.columns == list(performance.BOTTLENECK_COLUMNS)
    # C waits 30 + 25 = 55, B waits 10 + 25 + 10 = 45; all cycle time is 100.
    assert ranked.rows() == [
        ("C", 2, 2, 55 * MIN, 27.5 * MIN, 0.55),
        ("B", 2, 3, 45 * MIN, 10 * MIN, 0.45),
    ]


def test_overlapping_work_is_no_wait_and_processing_is_start_to_completion() -> None:
    times = performance.activity_times(with_starts())
    assert times.columns == list(performance.ACTIVITY_TIME_COLUMNS)
    by_activity = {row["activity"]: row for row in times.iter_rows(named=True)}
    # A never waits (first in its cases); processing 10 in c3, unknown in c4.
    assert by_activity["A"]["events"] == 2 and by_activity["A"]["total_wait_seconds"] is None
    assert by_activity["A"]["total_processing_seconds"] == 10 * MIN
    assert by_activity["B"]["total_wait_seconds"] == 0  # began 5 minutes before A completed
    assert by_activity["C"]["mean_wait_seconds"] == 15 * MIN  # 10 and 20
    assert by_activity["C"]["total_processing_seconds"] == 35 * MIN  # 5 and 30
    assert by_activity["X"]["total_wait_seconds"] == 0  # began 20 minutes before Y completed
    assert by_activity["Y"]["total_wait_seconds"] is None  # first by begin


def test_without_start_times_processing_is_null() -> None:
    times = performance.activity_times(completions_only())
    assert times["events"].to_list() == [3, 2, 2]  # B, A, C
    assert times.select("median_processing_seconds", "total_processing_seconds").null_count().row(
        0
    ) == (3, 3)
    assert times.filter(pl.col("activity") == "B")["total_wait_seconds"].item() == 45 * MIN


def test_working_time_on_a_calendar() -> None:
    # Friday 8 March 17:00 Shanghai (09:00 UTC) to Monday 11 March 10:00 (02:00 UTC):
    # one working hour on Friday, one on Monday; B worked from 09:30.
    friday, monday = 4 * 24 * 60, 6 * 24 * 60 + 17 * 60
    log = log_of([("c", "A", friday, None), ("c", "B", monday, monday - 30)])
    calendar = WorkingTime()
    cases = performance.case_durations(log, calendar=calendar)
    assert cases["duration_seconds"].item() == (monday - friday) * MIN
    assert cases["working_seconds"].item() == 2 * 3600
    ranked = performance.bottlenecks(log, calendar=calendar)
    assert ranked.row(0) == ("B", 1, 1, 1.5 * 3600, 1.5 * 3600, 1.5 / 2)
    times = performance.activity_times(log, calendar=calendar)
    assert times.filter(pl.col("activity") == "B")["total_processing_seconds"].item() == 30 * MIN
    assert performance.cycle_time_stats(log, calendar=calendar)["max"] == 2 * 3600


def test_histogram_bins_cover_shortest_to_longest() -> None:
    log = log_of(
        [(f"c{d}", a, m, None) for d in (0, 10, 20, 30, 100) for a, m in (("A", 0), ("B", d))]
    )
    histogram = performance.cycle_time_histogram(log, bins=4)
    assert histogram.columns == list(performance.HISTOGRAM_COLUMNS)
    assert histogram.rows() == [
        (0.0, 25 * MIN, 3),
        (25 * MIN, 50 * MIN, 1),
        (50 * MIN, 75 * MIN, 0),
        (75 * MIN, 100 * MIN, 1),
    ]
    same = log_of(
        [(c, a, m + d, None) for c, d in (("c1", 0), ("c2", 9)) for a, m in (("A", 0), ("B", 5))]
    )
    assert performance.cycle_time_histogram(same, bins=3).rows() == [(5 * MIN, 5 * MIN, 2)]


def test_throughput_per_period() -> None:
    day = 24 * 60
    # c1 Monday to Monday (10 min); c2 Monday to Wednesday; c3 Wednesday to Wednesday.
    log = log_of(
        [
            ("c1", "A", 0, None),
            ("c1", "B", 10, None),
            ("c2", "A", 5, None),
            ("c2", "B", 2 * day, None),
            ("c3", "A", 2 * day + 1, None),
            ("c3", "B", 2 * day + 3, None),
        ]
    )
    daily = performance.throughput(log, every="1d")
    assert daily.columns == list(performance.THROUGHPUT_COLUMNS)
    assert daily.schema["period"] == pl.Datetime("us", "UTC")
    monday = datetime(2024, 3, 4, tzinfo=UTC)
    assert daily.rows() == [
        (monday, 2, 1, 10 * MIN),
        (monday + timedelta(days=1), 0, 0, None),
        (monday + timedelta(days=2), 1, 2, (2 * day - 5 + 2) / 2 * MIN),
    ]
    weekly = performance.throughput(log, every="1w", timezone="Asia/Shanghai")
    # The Shanghai week began on Monday 00:00 +08:00, Sunday 16:00 UTC.
    assert weekly.rows() == [(datetime(2024, 3, 3, 16, tzinfo=UTC), 3, 3, 10 * MIN)]


def test_bad_input_says_what_and_where() -> None:
    empty = log_of([])
    for analysis in (
        performance.case_durations,
        performance.cycle_time_stats,
        performance.cycle_time_histogram,
        performance.throughput,
        performance.activity_times,
        performance.bottlenecks,
    ):
        with pytest.raises(LogError) as raised:
            analysis(empty)
        assert raised.value.where == "events" and "no events" in str(raised.value)
    with pytest.raises(ValueError, match=r"^bins: .*0"):
        performance.cycle_time_histogram(completions_only(), bins=0)
    with pytest.raises(ValueError, match=r"^every: .*fortnight"):
        performance.throughput(completions_only(), every="fortnight")
    with pytest.raises(ValueError, match=r"^timezone: .*Mars/Olympus"):
        performance.throughput(completions_only(), timezone="Mars/Olympus")


# ------------------------------------------------------------------ PM4Py


def close(ours: list[float], theirs: list[float]) -> bool:
    return len(ours) == len(theirs) and all(
        math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6) for a, b in zip(ours, theirs, strict=True)
    )


@pytest.mark.shared_data
@over_shared_logs
def test_case_durations_equal_pm4py(shared_data: Path, name: str) -> None:
    log, frame, pm4py = both(shared_data, name)
    with quiet():
        clock = pm4py.get_all_case_durations(frame)
        working = pm4py.get_all_case_durations(frame, business_hours=True)
    cases = performance.case_durations(log, calendar=PM4PY_HOURS)
    if not log.has_start:
        assert close(sorted(cases["duration_seconds"].to_list()), clock)
        assert close(sorted(cases["working_seconds"].to_list()), working)
        return
    # PM4Py ignores start times but orders events by them: its duration runs from the
    # completion of the event begun first to that of the event begun last. Ours runs from
    # the first begin to the last completion, never shorter.
    spans = (
        ordered(log)
        .group_by("case", maintain_order=True)
        .agg(pl.col("timestamp").first().alias("a"), pl.col("timestamp").last().alias("b"))
        .with_columns(
            ((pl.col("b") - pl.col("a")).dt.total_microseconds() / 1e6).alias("clock"),
            PM4PY_HOURS.seconds_between(pl.col("a"), pl.col("b")).alias("working"),
        )
    )
    assert close(sorted(spans["clock"].to_list()), clock)
    assert close(sorted(spans["working"].to_list()), working)
    longer = cases.join(spans, on="case").filter(pl.col("duration_seconds") < pl.col("clock"))
    assert longer.height == 0


@pytest.mark.shared_data
@over_shared_logs
def test_waits_equal_pm4py_performance_dfg_summed_per_target(shared_data: Path, name: str) -> None:
    log, frame, pm4py = both(shared_data, name)
    with quiet():
        counts, _, _ = pm4py.discover_dfg(frame)
        timing, _, _ = pm4py.discover_performance_dfg(frame)
    into: dict[str, list[tuple[int, dict[str, float]]]] = {}
    for (_source, target), count in counts.items():
        into.setdefault(target, []).append((count, timing[(_source, target)]))
    ranked = performance.bottlenecks(log)
    assert set(ranked["activity"]) == set(into)
    differ = []
    for activity, _cases, waits, total, _median, _share in ranked.iter_rows():
        edges = into[activity]
        theirs = sum(count * figures["mean"] for count, figures in edges)
        assert waits == sum(count for count, _ in edges)
        if all(figures["min"] >= 0 for _, figures in edges):
            if not math.isclose(total, theirs, rel_tol=1e-9, abs_tol=1e-3):
                differ.append((activity, total, theirs))
        else:  # some work overlapped: those gaps count 0 here, negative there
            assert total > theirs
    assert differ == []


@pytest.mark.shared_data
def test_processing_time_equals_pm4py_service_time(shared_data: Path) -> None:
    log, frame, pm4py = both(shared_data, "interval_event_log.xes")
    service_time = importlib.import_module("pm4py.statistics.service_time.pandas.get")

    times = performance.activity_times(log)
    working = performance.activity_times(log, calendar=PM4PY_HOURS)
    columns = {"mean": "mean_processing_seconds", "median": "median_processing_seconds"}
    columns["sum"] = "total_processing_seconds"
    for measure, column in columns.items():
        with quiet():
            theirs = pm4py.get_service_time(
                frame.copy(), start_timestamp_key="start_timestamp", aggregation_measure=measure
            )
        ours = dict(zip(times["activity"], times[column], strict=True))
        assert set(ours) == set(theirs)
        assert all(math.isclose(ours[a], theirs[a], rel_tol=1e-9) for a in theirs)
    parameters = {
        service_time.Parameters.START_TIMESTAMP_KEY: "start_timestamp",
        service_time.Parameters.BUSINESS_HOURS: True,
    }
    theirs = service_time.apply(frame.copy(), parameters=parameters)
    ours = dict(zip(working["activity"], working["mean_processing_seconds"], strict=True))
    assert all(math.isclose(ours[a], theirs[a], rel_tol=1e-9) for a in theirs)
