"""Rework on hand-made logs worked out on paper, and PM4Py's case counts on every shared log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from flowbridge.mining.log import EventLog, from_frame
from flowbridge.mining.rework import return_edges, rework_per_activity, rework_summary
from tests.mining.pm4py_support import our_log, over_shared_logs, pm4py, pm4py_frame, quiet

T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def log_of(rows: list[tuple[str, str, float]]) -> EventLog:
    frame = pl.DataFrame(
        [(case, activity, at(minutes)) for case, activity, minutes in rows],
        schema=["case", "activity", "timestamp"],
        orient="row",
    )
    return from_frame(frame)


def hand_made() -> EventLog:
    # c1: a → b → a → b → c, one rework episode of two nested returns.
    # c2: no rework at all.
    # c3: a tie at minute 20 listed b before a; file order makes it a → b → a (a return
    #     b → a at the end), not a → a → b. Its first a is listed last, out of time order.
    return log_of(
        [
            ("c1", "a", 0),
            ("c1", "b", 10),
            ("c1", "a", 30),
            ("c1", "b", 60),
            ("c1", "c", 100),
            ("c2", "a", 0),
            ("c2", "c", 5),
            ("c3", "b", 20),
            ("c3", "a", 20),
            ("c3", "a", 0),
        ]
    )


def test_rework_per_activity_counts_cases_and_extra_events() -> None:
    table = rework_per_activity(hand_made())
    assert table.columns == ["activity", "cases", "extra_events", "share_of_cases"]
    assert table.rows() == [("a", 2, 2, 2 / 3), ("b", 1, 1, 1 / 3)]


def test_extra_events_add_every_occurrence_beyond_the_first() -> None:
    log = log_of([("c1", "a", 0), ("c1", "a", 1), ("c1", "a", 2), ("c1", "b", 3)])
    assert rework_per_activity(log).rows() == [("a", 1, 2, 1.0)]


def test_return_edges_time_each_return_until_the_next_new_activity_or_the_end() -> None:
    table = return_edges(hand_made())
    assert table.columns == ["source", "target", "frequency", "cases", "rework_seconds"]
    # b → a: c1 from b at 10 to c at 100 (90 min) + c3 from b at 20 to the end at 20 (0).
    # a → b: c1 from a at 30 to c at 100 (70 min).
    assert table.rows() == [("b", "a", 2, 2, 90 * 60.0), ("a", "b", 1, 1, 70 * 60.0)]


def test_a_case_without_rework_has_no_return_edges() -> None:
    log = log_of([("c2", "a", 0), ("c2", "b", 5), ("c2", "c", 9)])
    assert return_edges(log).height == 0
    assert rework_per_activity(log).height == 0
    assert rework_summary(log) == {
        "cases": 1,
        "cases_with_rework": 0,
        "share_of_cases": 0.0,
        "rework_seconds": 0.0,
    }


def test_a_self_loop_is_a_return() -> None:
    log = log_of([("c1", "a", 0), ("c1", "a", 4), ("c1", "b", 10)])
    assert return_edges(log).rows() == [("a", "a", 1, 1, 10 * 60.0)]


def test_summary_counts_each_episode_once() -> None:
    summary = rework_summary(hand_made())
    # c1's nested returns share one episode (10 → 100); c3's episode lasts 0 s.
    assert summary == {
        "cases": 3,
        "cases_with_rework": 2,
        "share_of_cases": 2 / 3,
        "rework_seconds": 90 * 60.0,
    }


def test_summary_adds_separate_episodes_of_one_case() -> None:
    # a b [a] c [b] d: two episodes, from b at 10 to c at 30, and from c at 30 to d at 45.
    log = log_of(
        [
            ("c1", "a", 0),
            ("c1", "b", 10),
            ("c1", "a", 20),
            ("c1", "c", 30),
            ("c1", "b", 40),
            ("c1", "d", 45),
        ]
    )
    assert rework_summary(log)["rework_seconds"] == 35 * 60.0
    assert return_edges(log).rows() == [("b", "a", 1, 1, 20 * 60.0), ("c", "b", 1, 1, 15 * 60.0)]


def test_start_times_set_the_order_and_the_end_of_rework() -> None:
    # Ordered by start: a, b, a, c. The return b → a runs from b's completion (20)
    # to c's start (50), not c's completion (70).
    frame = pl.DataFrame(
        [
            ("c1", "c", at(70), at(50)),
            ("c1", "a", at(40), at(25)),
            ("c1", "b", at(20), at(10)),
            ("c1", "a", at(10), at(0)),
        ],
        schema=["case", "activity", "timestamp", "start_timestamp"],
        orient="row",
    )
    log = from_frame(frame)
    assert return_edges(log).rows() == [("b", "a", 1, 1, 30 * 60.0)]
    assert rework_summary(log)["rework_seconds"] == 30 * 60.0


def test_an_empty_log_has_no_rework() -> None:
    frame = pl.DataFrame(
        schema={"case": pl.String, "activity": pl.String, "timestamp": pl.Datetime("us", "UTC")}
    )
    log = from_frame(frame)
    assert rework_per_activity(log).height == 0
    assert return_edges(log).height == 0
    assert rework_summary(log) == {
        "cases": 0,
        "cases_with_rework": 0,
        "share_of_cases": 0.0,
        "rework_seconds": 0.0,
    }


def test_something_else_than_a_log_is_refused_by_name() -> None:
    frame = pl.DataFrame({"case": ["c1"], "activity": ["a"]})
    with pytest.raises(TypeError, match=r"rework needs an EventLog.*not DataFrame"):
        rework_per_activity(frame)  # type: ignore[arg-type]


@pytest.mark.shared_data
@over_shared_logs
def test_case_counts_equal_pm4py(shared_data: Path, name: str) -> None:
    path = shared_data / "logs" / name
    log = our_log(path)
    frame = pm4py_frame(path).copy()
    with quiet():
        expected = pm4py().get_rework_cases_per_activity(frame)
    sizes = frame.groupby(["case:concept:name", "concept:name"]).size()
    cases_with_rework = sizes[sizes > 1].index.get_level_values(0).nunique()
    table = rework_per_activity(log)
    assert dict(table.select("activity", "cases").iter_rows()) == expected
    # Every repeated event is the target of exactly one return edge.
    assert return_edges(log)["frequency"].sum() == table["extra_events"].sum()
    assert rework_summary(log)["cases_with_rework"] == cases_with_rework


def test_events_of_one_activity_instance_are_one_occurrence() -> None:
    """A countersign step (会签) approved by three people is one step done once, not rework;
    the same step opened again later (a second instance) is."""
    frame = pl.DataFrame(
        [
            ("c1", "submit", at(0), "s1"),
            ("c1", "countersign", at(10), "s2"),
            ("c1", "countersign", at(20), "s2"),
            ("c1", "countersign", at(30), "s2"),
            ("c1", "close", at(40), "s3"),
            ("c2", "submit", at(0), "s4"),
            ("c2", "countersign", at(10), "s5"),
            ("c2", "submit", at(20), "s6"),
            ("c2", "countersign", at(30), "s7"),
            ("c2", "countersign", at(35), "s7"),
            ("c2", "close", at(50), None),
        ],
        schema=["case", "activity", "timestamp", "concept:instance"],
        orient="row",
    )
    log = from_frame(frame)
    assert rework_per_activity(log).rows() == [
        ("countersign", 1, 1, 0.5),
        ("submit", 1, 1, 0.5),
    ]
    # c2: submit again (a return from countersign), then countersign's second instance (a
    # return from submit; its two approvals are one occurrence), then close.
    assert return_edges(log).select("source", "target", "frequency", "cases").rows() == [
        ("countersign", "submit", 1, 1),
        ("submit", "countersign", 1, 1),
    ]
    summary = rework_summary(log)
    assert (summary["cases_with_rework"], summary["share_of_cases"]) == (1, 0.5)
    # c2's episode runs from countersign's completion (minute 10) to close (minute 50).
    assert summary["rework_seconds"] == 40 * 60
    # Without instances every approval counts: c1's countersign is rework then, as in PM4Py.
    plain = from_frame(frame.drop("concept:instance"))
    assert rework_summary(plain)["cases_with_rework"] == 2
