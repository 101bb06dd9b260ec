"""Redundant approvals on hand-made logs worked out on paper, and on the engine's export shape."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from flowbridge.cases.export import CSV_COLUMNS
from flowbridge.mining.approvals import approval_activities, redundant_approvals
from flowbridge.mining.errors import LogError
from flowbridge.mining.log import EventLog, from_frame
from flowbridge.mining.tables import read_csv

T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
COLUMNS = [
    "first",
    "second",
    "cases",
    "disagreements",
    "disagreement_rate",
    "added_median_seconds",
    "added_total_seconds",
    "method",
]


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def log_of(rows: list[tuple[Any, ...]], *extra: str) -> EventLog:
    frame = pl.DataFrame(
        [(case, activity, at(minutes), *rest) for case, activity, minutes, *rest in rows],
        schema=["case", "activity", "timestamp", *extra],
        orient="row",
    )
    return from_frame(frame)


def chinese_log() -> EventLog:
    # 经理审批 → 总监审批 in four cases; the director always agrees with the manager,
    # even in c4 where both reject. c5 has the manager only.
    rows: list[tuple[Any, ...]] = []
    for number, (director_minutes, decision) in enumerate(
        [(60, "同意"), (120, "同意"), (30, "同意"), (90, "驳回")], start=1
    ):
        case = f"c{number}"
        rows += [
            (case, "提交申请", 0, None),
            (case, "经理审批", 10, decision),
            (case, "总监审批", 10 + director_minutes, decision),
            (case, "归档", 300, None),
        ]
    rows += [("c5", "提交申请", 0, None), ("c5", "经理审批", 10, "通过"), ("c5", "归档", 20, None)]
    return log_of(rows, "审批结果")


def test_approvals_are_recognised_by_name_in_chinese_and_english() -> None:
    log = log_of(
        [
            ("c1", "提交申请", 0),
            ("c1", "部门经理审批", 1),
            ("c1", "财务复核", 2),
            ("c1", "Manager Approval", 3),
            ("c1", "Legal review", 4),
            ("c1", "Quality CHECK", 5),
            ("c1", "Sign-off by CFO", 6),
            ("c1", "Pay invoice", 7),
        ]
    )
    assert approval_activities(log) == [
        "Legal review",
        "Manager Approval",
        "Quality CHECK",
        "Sign-off by CFO",
        "财务复核",
        "部门经理审批",
    ]


def test_a_second_approval_that_never_disagrees_is_reported_with_its_time() -> None:
    table = redundant_approvals(chinese_log())
    assert table.columns == COLUMNS
    # Added time per case: 60, 120, 30, 90 minutes; median 75, total 300.
    assert table.rows() == [
        ("经理审批", "总监审批", 4, 0, 0.0, 75 * 60.0, 300 * 60.0, "outcome:审批结果"),
    ]


def test_a_second_approval_that_often_disagrees_is_not_reported() -> None:
    rows: list[tuple[Any, ...]] = []
    for number, second in enumerate(["approved", "rejected", "Rejected", "approved"], start=1):
        case = f"c{number}"
        rows += [
            (case, "Submit", 0, None),
            (case, "Manager approval", 10, "approve"),
            (case, "Director approval", 40, second),
        ]
    log = log_of(rows, "decision")
    assert redundant_approvals(log).height == 0
    everything = redundant_approvals(log, max_disagreement=1.0)
    assert everything.rows() == [
        (
            "Manager approval",
            "Director approval",
            4,
            2,
            0.5,
            30 * 60.0,
            120 * 60.0,
            "outcome:decision",
        ),
    ]
    assert redundant_approvals(log, max_disagreement=0.5).height == 1
    assert redundant_approvals(log, max_disagreement=0.49).height == 0


def test_without_an_outcome_disagreement_is_inferred_from_what_follows() -> None:
    # Usual end: Archive (3 of 5 cases). The review disagrees in c2 (back to Submit)
    # and in c4 (the case ends right after it with Rejected); c1, c3, c5 agree.
    log = log_of(
        [
            ("c1", "Submit", 0),
            ("c1", "Manager approval", 10),
            ("c1", "Director review", 20),
            ("c1", "Archive", 30),
            ("c2", "Submit", 0),
            ("c2", "Manager approval", 10),
            ("c2", "Director review", 40),
            ("c2", "Submit", 50),
            ("c2", "Archive", 60),
            ("c3", "Submit", 0),
            ("c3", "Manager approval", 10),
            ("c3", "Director review", 25),
            ("c3", "Pay", 26),
            ("c3", "Archive", 30),
            ("c4", "Submit", 0),
            ("c4", "Manager approval", 10),
            ("c4", "Director review", 70),
            ("c4", "Rejected", 71),
            ("c5", "Submit", 0),
            ("c5", "Manager approval", 5),
            ("c5", "Director review", 10),
            ("c5", "Pay", 12),
            ("c5", "Ship", 14),
        ]
    )
    table = redundant_approvals(log, max_disagreement=1.0)
    # Added minutes: 10, 30, 15, 60, 5 → median 15, total 120. c5 ends on Ship, off the
    # usual end but two events after the review: the review is not blamed for that.
    assert table.rows() == [
        ("Manager approval", "Director review", 5, 2, 0.4, 15 * 60.0, 120 * 60.0, "inferred"),
    ]
    assert redundant_approvals(log, max_disagreement=0.3).height == 0


def test_a_case_ending_with_the_second_approval_off_the_usual_end_counts_as_disagreement() -> None:
    log = log_of(
        [
            ("c1", "经理审批", 0),
            ("c1", "总监审批", 10),
            ("c1", "归档", 20),
            ("c2", "经理审批", 0),
            ("c2", "总监审批", 10),
            ("c2", "归档", 20),
            ("c3", "经理审批", 0),
            ("c3", "总监审批", 10),
        ]
    )
    table = redundant_approvals(log, max_disagreement=1.0)
    assert table.select("cases", "disagreements").rows() == [(3, 1)]


def test_named_approvals_and_outcome_column_are_used_as_given() -> None:
    log = log_of(
        [
            ("c1", "Boss signs", 0, "yes"),
            ("c1", "Owner signs", 30, "yes"),
            ("c2", "Boss signs", 0, "yes"),
            ("c2", "Owner signs", 90, "no"),
        ],
        "verdict",
    )
    assert redundant_approvals(log).height == 0  # no names look like approvals
    table = redundant_approvals(
        log, approvals=["Boss signs", "Owner signs"], outcome="verdict", max_disagreement=0.5
    )
    assert table.rows() == [
        ("Boss signs", "Owner signs", 2, 1, 0.5, 3600.0, 7200.0, "outcome:verdict")
    ]


def test_assignments_and_notes_between_two_approvals_do_not_break_the_pair() -> None:
    # A countersign (经理审批 by two people) is one step, not a pair with itself.
    log = log_of(
        [
            ("c1", "经理审批", 0, "complete"),
            ("c1", "经理审批", 5, "complete"),
            ("c1", "总监审批", 6, "assign"),
            ("c1", "催办", 7, "note"),
            ("c1", "总监审批", 20, "complete"),
        ],
        "lifecycle",
    )
    table = redundant_approvals(log)
    assert table.select("first", "second", "cases", "added_total_seconds").rows() == [
        ("经理审批", "总监审批", 1, 15 * 60.0)
    ]


def test_a_pair_repeated_in_one_case_counts_the_case_once_and_adds_its_times() -> None:
    log = log_of(
        [
            ("c1", "A approval", 0, "approved"),
            ("c1", "B approval", 10, "approved"),
            ("c1", "Fix", 20, None),
            ("c1", "A approval", 30, "approved"),
            ("c1", "B approval", 50, "rejected"),
        ],
        "outcome",
    )
    table = redundant_approvals(log, max_disagreement=1.0)
    assert table.rows() == [
        ("A approval", "B approval", 1, 1, 1.0, 1800.0, 1800.0, "outcome:outcome")
    ]


def test_bad_arguments_are_named() -> None:
    log = chinese_log()
    with pytest.raises(LogError, match="approvals: approval activities not in the log: 老板审批"):
        redundant_approvals(log, approvals=["经理审批", "老板审批"])
    with pytest.raises(LogError, match="outcome: no outcome column decision"):
        redundant_approvals(log, outcome="decision")
    with pytest.raises(
        LogError, match="outcome: no approve or reject value in column 审批结果"
    ) as bad:
        redundant_approvals(
            EventLog(log.events.with_columns(审批结果=pl.lit("Y"))), outcome="审批结果"
        )
    assert bad.value.examples == ["Y"]
    with pytest.raises(ValueError, match=r"max_disagreement must be in \[0, 1\], got 1.5"):
        redundant_approvals(log, max_disagreement=1.5)


def engine_rows(case: str, director: str, day: int) -> list[list[str]]:
    """One case as Flowbridge's engine exports it (cases/export.py CSV columns)."""

    def row(minutes: int, activity: str, lifecycle: str, operation: str, **attrs: str) -> list[str]:
        moment = (T0 + timedelta(days=day, minutes=minutes)).astimezone()
        return [
            case,
            activity,
            f"node_{len(activity)}",
            lifecycle,
            moment.isoformat(timespec="milliseconds"),
            "E001",
            "张三",
            "FIN",
            "expense",
            "1",
            operation,
            json.dumps(attrs, ensure_ascii=False, sort_keys=True),
        ]

    decision = {"approve": "approved", "reject": "rejected"}[director]
    rows = [
        row(0, "提交申请", "complete", "submit"),
        row(1, "部门经理审批", "assign", "assign"),
        row(30, "部门经理审批", "complete", "approve", decision="approved"),
        row(31, "分管领导审批", "assign", "assign"),
        row(40, "分管领导审批", "note", "urge", urged="E002"),
        row(90, "分管领导审批", "complete", director, decision=decision),
    ]
    if director == "approve":
        rows.append(row(95, "已完成", "complete", "case_closed", status="completed"))
    else:
        rows.append(row(95, "已驳回", "complete", "reject", status="rejected"))
    return rows


def test_the_engine_export_shape_reads_decisions_from_its_attributes(tmp_path: Path) -> None:
    header = list(CSV_COLUMNS)  # the engine's own export, so the test follows it when it changes
    path = tmp_path / "engine.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for number in range(20):
            director = "reject" if number == 7 else "approve"
            writer.writerows(engine_rows(f"EXP-{number:03}", director, number))
    log = read_csv(path)
    table = redundant_approvals(log)
    # 1 disagreement in 20 cases: 5 %, at the default limit; 60 minutes added in each.
    assert table.rows() == [
        (
            "部门经理审批",
            "分管领导审批",
            20,
            1,
            0.05,
            3600.0,
            20 * 3600.0,
            "outcome:attributes.decision",
        ),
    ]
    # Without the attributes, the operation column says approve / reject.
    plain = EventLog(log.events.drop("attributes"))
    assert redundant_approvals(plain)["method"].to_list() == ["outcome:operation"]
    # Without either, the rejected case ends off the usual end: the same figures, inferred.
    bare = EventLog(log.events.drop("attributes", "operation"))
    assert redundant_approvals(bare).drop("method").rows() == table.drop("method").rows()
    assert redundant_approvals(bare)["method"].to_list() == ["inferred"]


def test_a_rejection_right_after_the_second_approval_is_its_disagreement() -> None:
    # c3 ends on the usual end (Archive) and never goes back, but is rejected right after
    # the director's approval.
    log = log_of(
        [
            ("c1", "Manager approval", 0),
            ("c1", "Director approval", 10),
            ("c1", "Pay", 20),
            ("c1", "Archive", 30),
            ("c2", "Manager approval", 0),
            ("c2", "Director approval", 20),
            ("c2", "Pay", 30),
            ("c2", "Archive", 40),
            ("c3", "Manager approval", 0),
            ("c3", "Director approval", 30),
            ("c3", "Request rejected", 31),
            ("c3", "Notify", 32),
            ("c3", "Archive", 33),
        ]
    )
    table = redundant_approvals(log, max_disagreement=1.0)
    assert table.select("cases", "disagreements", "added_total_seconds").rows() == [
        (3, 1, 60 * 60.0)
    ]


def test_the_diagnosis_engine_log_shape_reads_its_outcome_column() -> None:
    # diagnosis/engine_log.py: assignments and notes left out, what each event decided in
    # ``outcome`` (approved, rejected, done, returned), the step's in ``step_outcome``.
    rows: list[tuple[Any, ...]] = []
    for number in range(1, 5):
        director = "returned" if number == 4 else "approved"
        rows += [
            (number, "填写申请", 0, "complete", "done", "done", "done"),
            (number, "部门经理审批", 30, "complete", "approve", "approved", "approved"),
            (number, "财务总监审批", 30 + 15 * number, "complete", "approve", director, director),
        ]
    log = log_of(rows, "lifecycle", "operation", "outcome", "step_outcome")
    table = redundant_approvals(log, max_disagreement=0.25)
    assert table.rows() == [
        ("部门经理审批", "财务总监审批", 4, 1, 0.25, 37.5 * 60, 150 * 60.0, "outcome:outcome")
    ]
