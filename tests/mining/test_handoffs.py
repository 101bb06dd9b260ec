"""Hand-offs on hand-made logs worked out on paper; PM4Py's handover counts on BPIC 2013."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from flowbridge.mining.errors import LogError
from flowbridge.mining.handoffs import HANDOFF_COLUMNS, handoffs
from flowbridge.mining.log import EventLog, from_frame
from tests.mining.pm4py_support import our_log, pm4py, pm4py_frame, quiet

T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
MIN = 60.0


def at(minutes: float | None) -> datetime | None:
    return None if minutes is None else T0 + timedelta(minutes=minutes)


def log_of(rows: list[tuple[str, str | None, float, float | None]]) -> EventLog:
    """Rows of (case, department, completed at minute, started at minute or None)."""
    frame = pl.DataFrame(
        [(case, "work", at(done), at(start), dept) for case, dept, done, start in rows],
        schema={
            "case": pl.String,
            "activity": pl.String,
            "timestamp": pl.Datetime("us", "UTC"),
            "start_timestamp": pl.Datetime("us", "UTC"),
            "department": pl.String,
        },
        orient="row",
    )
    return from_frame(frame)


def hand_made() -> EventLog:
    # Intake (I), Review (R), Finance (F); minutes after T0.
    # c1 goes back and forth: I 0 → R 10 → I 30 → R 60 → F 100. Cycle 100.
    # c2 has null departments: I 0, I 8, (null 12), F 20, (null 50). The chain is
    #    I 0 → I 8 → F 20: one hand-off I → F of 12 minutes, spanning the null at 12.
    #    Its cycle still runs to the null event at 50: 50.
    # c3 has start times: R [0, 15], I [12, 20], F [10, 40]. By begin it is R, F, I:
    #    R → F from 15 to F's start at 10 (-5), F → I from 40 to I's start at 12 (-28).
    #    Cycle from 0 to 40: 40.
    return log_of(
        [
            ("c1", "I", 0, None),
            ("c1", "R", 10, None),
            ("c1", "I", 30, None),
            ("c1", "R", 60, None),
            ("c1", "F", 100, None),
            ("c2", "I", 0, None),
            ("c2", "I", 8, None),
            ("c2", None, 12, None),
            ("c2", "F", 20, None),
            ("c2", None, 50, None),
            ("c3", "R", 15, 0),
            ("c3", "I", 20, 12),
            ("c3", "F", 40, 10),
        ]
    )


def test_hand_offs_of_a_back_and_forth_case_with_nulls_and_start_times() -> None:
    table = handoffs(hand_made())
    assert tuple(table.columns) == HANDOFF_COLUMNS
    cycle = (100 + 50 + 40) * MIN
    # (source, target, count, cases, median, mean, total) in seconds, by total, largest first.
    expected = [
        ("I", "R", 2, 1, 20 * MIN, 20 * MIN, 40 * MIN),  # c1: 10 and 30
        ("R", "F", 2, 2, 17.5 * MIN, 17.5 * MIN, 35 * MIN),  # c1: 40, c3: -5
        ("R", "I", 1, 1, 20 * MIN, 20 * MIN, 20 * MIN),  # c1: 20
        ("I", "F", 1, 1, 12 * MIN, 12 * MIN, 12 * MIN),  # c2: 12 across the null
        ("F", "I", 1, 1, -28 * MIN, -28 * MIN, -28 * MIN),  # c3: overlapping work
    ]
    assert table.drop("share_of_cycle_time").rows() == expected
    shares = table.get_column("share_of_cycle_time").to_list()
    assert shares == pytest.approx([row[6] / cycle for row in expected])


def test_staying_in_one_department_is_no_hand_off() -> None:
    log = log_of([("c1", "I", 0, None), ("c1", "I", 5, None), ("c1", "I", 9, None)])
    assert handoffs(log).height == 0


def test_cases_counts_each_case_once_however_often_it_passes() -> None:
    rows: list[tuple[str, str | None, float, float | None]] = []
    for case, passes in (("c1", 3), ("c2", 1)):
        for i in range(passes):
            rows += [(case, "I", 20 * i, None), (case, "R", 20 * i + 10, None)]
    table = handoffs(log_of(rows)).select("source", "target", "count", "cases")
    assert table.rows() == [("I", "R", 4, 2), ("R", "I", 2, 1)]


def test_median_of_an_odd_number_of_delays() -> None:
    log = log_of(
        [
            ("c1", "I", 0, None),
            ("c1", "R", 1, None),
            ("c2", "I", 0, None),
            ("c2", "R", 4, None),
            ("c3", "I", 0, None),
            ("c3", "R", 10, None),
        ]
    )
    row = handoffs(log).row(0, named=True)
    assert (row["median_seconds"], row["mean_seconds"]) == (4 * MIN, 5 * MIN)
    assert row["share_of_cycle_time"] == pytest.approx(1.0)


def test_hand_offs_between_people() -> None:
    frame = pl.DataFrame(
        {
            "case": ["c1", "c1", "c1"],
            "activity": ["ask", "answer", "close"],
            "timestamp": [at(0), at(30), at(45)],
            "resource": ["ann", "bob", "ann"],
        }
    )
    table = handoffs(from_frame(frame), by="resource")
    assert table.select("source", "target", "count", "total_seconds").rows() == [
        ("ann", "bob", 1, 30 * MIN),
        ("bob", "ann", 1, 15 * MIN),
    ]


def test_a_log_of_zero_length_cases_has_no_share() -> None:
    log = log_of([("c1", "I", 0, None), ("c1", "R", 0, None)])
    assert handoffs(log).select("total_seconds", "share_of_cycle_time").rows() == [(0.0, None)]


def test_a_missing_column_is_named() -> None:
    with pytest.raises(LogError) as raised:
        handoffs(hand_made(), by="resource")
    assert raised.value.where == "resource"
    assert "resource" in str(raised.value)


def test_a_column_of_nulls_is_named() -> None:
    log = log_of([("c1", None, 0, None), ("c1", None, 5, None)])
    with pytest.raises(LogError) as raised:
        handoffs(log)
    assert raised.value.where == "department"


@pytest.mark.shared_data
def test_counts_equal_pm4py_handover_of_work_on_bpic2013_incidents(shared_data: Path) -> None:
    """PM4Py's handover network with ``beta=0`` counts, per case, each directly-follows pair
    of ``org:group`` values (a group followed by itself too), weighted by the cases of the
    variant, and divides every count by the total over all pairs. That total is the number
    of successions in the log, events minus cases (no event lacks ``org:group`` here), so
    its share times that total is the count; pairs of one group with itself are left out,
    being no hand-off.
    """
    path = shared_data / "logs" / "07_bpic2013_incidents.xes.gz"
    log = our_log(path)
    assert log.events.get_column("department").null_count() == 0
    with quiet():
        network = pm4py().discover_handover_of_work_network(
            pm4py_frame(path).copy(), resource_key="org:group", beta=0
        )
    successions = log.event_count - log.case_count
    theirs = {
        pair: round(share * successions)
        for pair, share in network.connections.items()
        if pair[0] != pair[1]
    }
    table = handoffs(log)
    ours = {(s, t): n for s, t, n in table.select("source", "target", "count").iter_rows()}
    assert len(ours) > 2000
    assert ours == theirs
    assert table.get_column("cases").le(table.get_column("count")).all()
    assert table.get_column("total_seconds").is_sorted(descending=True)
