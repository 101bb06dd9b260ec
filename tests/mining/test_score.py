"""The process score and ranking, with every figure of a hand-made log worked out on paper."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from flowbridge.mining.errors import LogError
from flowbridge.mining.log import EventLog, from_frame
from flowbridge.mining.rework import rework_summary
from flowbridge.mining.score import ProcessScore, error_cases, rank, score
from flowbridge.mining.workingtime import WorkingTime
from flowbridge.mining.xes import read_xes

T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)  # a Tuesday
RATES = {"A": 60.0, "B": 120.0}  # one and two per minute


def log_of(rows: list[tuple[Any, ...]], *extra: str) -> EventLog:
    frame = pl.DataFrame(
        [(c, a, T0 + timedelta(minutes=m), *rest) for c, a, m, *rest in rows],
        schema=["case", "activity", "timestamp", *extra],
        orient="row",
    )
    return from_frame(frame)


def hand_made() -> EventLog:
    # Cycle times 120, 240, 60, 30 minutes: median 90. c2 has rework (提交 and 经理审批
    # again); c3 ends rejected (已驳回), c4 cancelled (Cancel request).
    return log_of(
        [
            ("c1", "提交", 0, "A"),
            ("c1", "经理审批", 60, "B"),
            ("c1", "归档", 120, "A"),
            ("c2", "提交", 0, "A"),
            ("c2", "经理审批", 30, "B"),
            ("c2", "提交", 90, "A"),
            ("c2", "经理审批", 150, "B"),
            ("c2", "归档", 240, "A"),
            ("c3", "提交", 0, "A"),
            ("c3", "经理审批", 60, "B"),
            ("c3", "已驳回", 60, "B"),
            ("c4", "Submit", 0, "A"),
            ("c4", "Cancel request", 30, "A"),
        ],
        "department",
    )


def test_all_four_components_and_their_weights() -> None:
    result = score(hand_made(), target_cycle_seconds=3600, cost_per_hour=RATES)
    parts = result.components
    assert list(parts) == ["cycle_time", "rework", "errors", "cost"]
    assert parts["cycle_time"]["raw"] == 90 * 60
    assert parts["cycle_time"]["sub_score"] == pytest.approx(2 / 3)
    assert parts["rework"] == {"raw": 0.25, "sub_score": 0.75, "cases": 1, "weight": 0.2}
    assert parts["errors"] == {"raw": 0.5, "sub_score": 0.5, "cases": 2, "weight": 0.2}
    # Charged minutes: A 60 (c1) + 60 + 90 (c2) + 30 (c4) = 240 at 1/min; B 60 + 30 + 60
    # + 60 = 210 at 2/min = 420; total 660. Waste: c2's repeated 提交 (60) and 经理审批
    # (120), c3's 经理审批 (120) and 已驳回 (0), c4's Cancel request (30) = 330.
    cost = parts["cost"]
    assert cost["total_cost"] == pytest.approx(660)
    assert cost["waste_cost"] == pytest.approx(330)
    assert cost["raw"] == pytest.approx(0.5)
    assert cost["cost_per_case"] == pytest.approx(165)
    assert cost["department_shares"] == pytest.approx({"B": 420 / 660, "A": 240 / 660})
    assert cost["unpriced_departments"] == []
    assert [p["weight"] for p in parts.values()] == [0.4, 0.2, 0.2, 0.2]
    assert result.score == pytest.approx(100 * (0.4 * 2 / 3 + 0.2 * 0.75 + 0.2 * 0.5 + 0.2 * 0.5))
    assert result.cases == 4


def test_components_that_do_not_apply_give_their_weight_to_the_others() -> None:
    plain = score(hand_made())
    assert list(plain.components) == ["rework", "errors"]
    assert plain.score == pytest.approx(100 * (0.5 * 0.75 + 0.5 * 0.5))
    with_target = score(hand_made(), target_cycle_seconds=3600)
    assert [p["weight"] for p in with_target.components.values()] == [0.5, 0.25, 0.25]
    assert with_target.score == pytest.approx(100 * (0.5 * 2 / 3 + 0.25 * 0.75 + 0.25 * 0.5))


def test_the_formula_is_spelled_out_with_the_weights_applied() -> None:
    assert score(hand_made(), target_cycle_seconds=3600).formula.splitlines() == [
        "score = 100 * (0.50 * cycle time + 0.25 * rework + 0.25 * errors)",
        "cycle time = min(1, target / median cycle time)",
        "rework = 1 - share of cases with rework",
        "errors = 1 - share of cases ending in a rejection, cancellation or abort",
    ]


def test_a_process_within_its_target_gets_full_marks_for_cycle_time() -> None:
    result = score(hand_made(), target_cycle_seconds=2 * 3600)
    assert result.components["cycle_time"]["sub_score"] == 1.0


def test_working_time_measures_cycle_time_on_the_calendar() -> None:
    # From Tuesday 16:00 to Wednesday 10:00: 18 clock hours, 2 working hours (09:00-17:00).
    log = log_of([("c1", "a", 7 * 60), ("c1", "b", 25 * 60)])
    calendar = WorkingTime(timezone="UTC", periods=((540, 1020),))
    clock = score(log, target_cycle_seconds=3 * 3600)
    working = score(log, target_cycle_seconds=3 * 3600, calendar=calendar)
    assert clock.components["cycle_time"]["sub_score"] == pytest.approx(3 / 18)
    assert working.components["cycle_time"]["raw"] == 2 * 3600
    assert working.components["cycle_time"]["sub_score"] == 1.0
    assert working.components["cycle_time"]["working_time"] is True


def test_working_time_charges_cost_on_the_calendar() -> None:
    log = log_of([("c1", "a", 7 * 60, "A"), ("c1", "b", 25 * 60, "B")], "department")
    calendar = WorkingTime(timezone="UTC", periods=((540, 1020),))
    cost = score(log, cost_per_hour=RATES, calendar=calendar).components["cost"]
    assert cost["total_cost"] == pytest.approx(2 * 120)  # b's 2 working hours at B's rate


def test_a_case_ends_in_an_error_unless_it_resumes_after_the_error() -> None:
    log = log_of(
        [
            ("c1", "Submit", 0, "complete"),
            ("c1", "Withdraw", 5, "complete"),
            ("c2", "Submit", 0, "complete"),
            ("c2", "Close", 5, "pi_abort"),
            ("c3", "提交", 0, "complete"),
            ("c3", "驳回", 5, "complete"),
            ("c3", "提交", 9, "complete"),
            ("c4", "Submit", 0, "complete"),
            ("c4", "REJECTED", 5, "complete"),
            ("c5", "Submit", 0, "complete"),
            ("c5", "Done", 5, None),
            ("c6", "Submit", 0, "complete"),
            ("c6", "Reject", 5, "complete"),
            ("c6", "Notify requester", 6, "complete"),
            ("c6", "Archive", 7, "complete"),
        ],
        "lifecycle",
    )
    # c3 was resubmitted after the rejection; c6 only wrapped up after it.
    assert sorted(error_cases(log).get_column("case").to_list()) == ["c1", "c2", "c4", "c6"]


def test_rank_puts_the_most_urgent_first_and_breaks_ties_by_cases_then_name() -> None:
    scores = {
        "报销": ProcessScore(80.0, cases=100),
        "采购": ProcessScore(50.0, cases=10),
        "请假": ProcessScore(50.0, cases=20),
        "出差": ProcessScore(50.0, cases=10),
    }
    assert [name for name, _ in rank(scores)] == ["请假", "出差", "采购", "报销"]
    assert rank({}) == []


def test_bad_input_is_named() -> None:
    empty = from_frame(
        pl.DataFrame(
            schema={"case": pl.String, "activity": pl.String, "timestamp": pl.Datetime("us")}
        )
    )
    with pytest.raises(LogError, match="log: the log has no cases to score"):
        score(empty)
    no_departments = log_of([("c1", "a", 0), ("c1", "b", 5)])
    with pytest.raises(LogError, match="cost: cost per hour needs departments"):
        score(no_departments, cost_per_hour=RATES)
    with pytest.raises(ValueError, match="target_cycle_seconds must be positive, got 0"):
        score(no_departments, target_cycle_seconds=0)
    with pytest.raises(ValueError, match="not for B"):
        score(hand_made(), cost_per_hour={"A": 1.0, "B": -2.0})


def test_rates_for_some_departments_only_leave_the_others_unpriced() -> None:
    cost = score(hand_made(), cost_per_hour={"B": 60.0}).components["cost"]
    assert cost["total_cost"] == pytest.approx(210)
    assert cost["department_shares"] == {"B": 1.0}
    assert cost["unpriced_departments"] == ["A"]


@pytest.mark.shared_data
def test_receipt_scores_its_rework_as_the_rework_analysis_counts_it(shared_data: Path) -> None:
    log = read_xes(shared_data / "logs" / "receipt.xes")
    result = score(log, target_cycle_seconds=86400.0)
    summary = rework_summary(log)
    assert result.components["rework"]["raw"] == summary["share_of_cases"]
    assert result.components["rework"]["cases"] == summary["cases_with_rework"]
    assert 0 <= result.score <= 100
    assert result.cases == log.case_count == 1434


def test_separate_start_and_complete_events_are_one_occurrence_of_an_activity() -> None:
    rows = [
        ("c1", "Submit", 0, "start", "A"),
        ("c1", "Submit", 10, "complete", "A"),
        ("c1", "Reject", 20, "start", "A"),
        ("c1", "Reject", 30, "complete", "A"),
        ("c1", "Notify", 40, "start", "A"),
        ("c1", "Notify", 50, "complete", "A"),
        ("c2", "Submit", 0, "start", "A"),
        ("c2", "Submit", 10, "complete", "A"),
        ("c2", "Reject", 20, "complete", "A"),
        ("c2", "Submit", 30, "start", "A"),
        ("c2", "Submit", 40, "complete", "A"),
    ]
    log = log_of(rows, "lifecycle", "department")
    # c1 wraps up after the rejection (Notify's completion is no repeat of its start);
    # c2 is submitted again.
    assert error_cases(log).get_column("case").to_list() == ["c1"]
    cost = score(log, cost_per_hour={"A": 60.0}).components["cost"]
    # Waste: all of c1 (50 minutes) and c2's second Submit (10 + 10), not every completion.
    assert cost["total_cost"] == pytest.approx(50 + 40)
    assert cost["waste_cost"] == pytest.approx(50 + 20)


def test_without_lifecycles_a_case_resumed_after_a_rejection_is_no_error() -> None:
    log = log_of(
        [
            ("c1", "提交", 0),
            ("c1", "驳回", 5),
            ("c1", "提交", 9),
            ("c2", "提交", 0),
            ("c2", "驳回", 5),
            ("c2", "通知申请人", 9),
        ]
    )
    assert error_cases(log).get_column("case").to_list() == ["c2"]
