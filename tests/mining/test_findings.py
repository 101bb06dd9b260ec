"""Findings: a hand-made log worked out on paper; shared logs checked against the analyses."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from flowbridge.mining.approvals import redundant_approvals
from flowbridge.mining.bpmnmodel import read_bpmn
from flowbridge.mining.conformance import conformance
from flowbridge.mining.findings import MAX_PER_KIND, Finding, findings
from flowbridge.mining.handoffs import handoffs
from flowbridge.mining.log import EventLog, from_frame
from flowbridge.mining.performance import bottlenecks
from flowbridge.mining.rework import return_edges
from flowbridge.mining.workingtime import WorkingTime
from flowbridge.mining.xes import read_xes

T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
SALES, DIRECTOR, FINANCE = "销售部", "总监办", "财务部"
DESIGN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
<process id="expense" isExecutable="true">
<startEvent id="s"/><task id="t1" name="提交"/><task id="t2" name="经理审批"/>
<task id="t3" name="总监审批"/><task id="t4" name="付款"/><endEvent id="e"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="t1"/>
<sequenceFlow id="f1" sourceRef="t1" targetRef="t2"/>
<sequenceFlow id="f2" sourceRef="t2" targetRef="t3"/>
<sequenceFlow id="f3" sourceRef="t3" targetRef="t4"/>
<sequenceFlow id="f4" sourceRef="t4" targetRef="e"/>
</process></definitions>"""


def hand_made() -> EventLog:
    # Cycle times 600, 600, 720, 480 minutes: 2400 in all. c3 is sent back once by the
    # manager. The director (总监审批) never changes the manager's outcome.
    straight = [("提交", SALES, 0), ("经理审批", SALES, 60), ("总监审批", DIRECTOR, 120)]
    cases = {
        "c1": [*straight, ("付款", FINANCE, 600)],
        "c2": [*straight, ("付款", FINANCE, 600)],
        "c3": [
            ("提交", SALES, 0),
            ("经理审批", SALES, 60),
            ("提交", SALES, 120),
            ("经理审批", SALES, 180),
            ("总监审批", DIRECTOR, 240),
            ("付款", FINANCE, 720),
        ],
        "c4": [*straight, ("付款", FINANCE, 480)],
    }
    rows = [
        (case, activity, T0 + timedelta(minutes=minutes), department)
        for case, steps in cases.items()
        for activity, department, minutes in steps
    ]
    frame = pl.DataFrame(rows, schema=["case", "activity", "timestamp", "department"], orient="row")
    return from_frame(frame)


def summary(found: list[Finding]) -> list[tuple[str, str, int, float, float]]:
    return [
        (f.kind, f.subject, f.cases, f.time_lost_seconds / 60, round(f.priority, 9)) for f in found
    ]


def test_findings_of_a_hand_made_log_in_priority_order() -> None:
    # priority = 100 * minutes lost / 2400 + 10 * cases / 4.
    assert summary(findings(hand_made())) == [
        ("bottleneck", "付款", 4, 1800.0, 85.0),  # waits 480 + 480 + 480 + 360
        ("handoff", "总监办 → 财务部", 4, 1800.0, 85.0),  # the same gaps, between departments
        ("bottleneck", "经理审批", 4, 300.0, 22.5),  # 60 + 60 + (60 + 60) + 60
        ("redundant_approval", "经理审批 → 总监审批", 4, 240.0, 20.0),
        ("bottleneck", "总监审批", 4, 240.0, 20.0),
        ("handoff", "销售部 → 总监办", 4, 240.0, 20.0),
        ("rework", "经理审批 → 提交", 1, 180.0, 10.0),  # from 60 to 总监审批 at 240
        ("rework", "提交 → 经理审批", 1, 120.0, 7.5),  # from 120 to 240
        ("bottleneck", "提交", 1, 60.0, 5.0),
    ]


def test_a_finding_says_what_to_do_and_carries_its_evidence() -> None:
    approval = next(f for f in findings(hand_made()) if f.kind == "redundant_approval")
    assert approval.title == "总监审批 after 经理审批 almost never changes the outcome"
    assert approval.advice.startswith("The second approval almost never changes the outcome")
    assert approval.evidence == {
        "cases": 4,
        "disagreements": 0,
        "disagreement_rate": 0.0,
        "added_median_seconds": 3600.0,
        "added_total_seconds": 14400.0,
        "method": "inferred",
        "time_share": 0.1,
        "case_share": 1.0,
    }
    rework = next(f for f in findings(hand_made()) if f.subject == "经理审批 → 提交")
    assert rework.evidence["target_cases_with_rework"] == 1
    assert rework.evidence["target_extra_events"] == 1


def test_a_target_weighs_time_against_the_overrun_only() -> None:
    # Over a 500-minute target: 100 + 100 + 220 + 0 = 420 minutes.
    found = findings(hand_made(), target_cycle_seconds=500 * 60)
    by_subject = {f.subject: f for f in found if f.kind != "bottleneck"}
    assert by_subject["总监办 → 财务部"].priority == pytest.approx(100 + 10)  # capped at 1
    assert by_subject["经理审批 → 总监审批"].priority == pytest.approx(100 * 240 / 420 + 10)
    within = findings(hand_made(), target_cycle_seconds=1000 * 60)
    assert {f.priority for f in within} == {10.0, 2.5}  # only the cases count


def test_cost_per_hour_prices_the_time_lost_where_it_is_spent() -> None:
    rates = {FINANCE: 60.0, DIRECTOR: 300.0}
    found = {(f.kind, f.subject): f for f in findings(hand_made(), cost_per_hour=rates)}
    assert found[("handoff", "总监办 → 财务部")].evidence["cost_lost"] == pytest.approx(30 * 60)
    assert found[("redundant_approval", "经理审批 → 总监审批")].evidence[
        "cost_lost"
    ] == pytest.approx(4 * 300)
    assert "cost_lost" not in found[("rework", "经理审批 → 提交")].evidence  # 销售部 unpriced


def test_a_calendar_adds_the_working_wait_of_bottlenecks() -> None:
    calendar = WorkingTime(timezone="UTC", periods=((540, 1020),))
    found = findings(hand_made(), calendar=calendar)
    payment = next(f for f in found if f.kind == "bottleneck" and f.subject == "付款")
    # Waits before 付款, 09:00-17:00 worked: 11:00-19:00, twice; 13:00-21:00; 11:00-17:00.
    assert payment.evidence["working_wait_seconds"] == (6 + 6 + 4 + 6) * 3600.0
    assert payment.time_lost_seconds == 1800 * 60.0


def test_with_a_model_the_deviations_become_findings() -> None:
    log = hand_made()
    model = read_bpmn(DESIGN.encode())
    found = [f for f in findings(log, model=model) if f.kind == "conformance"]
    result = conformance(log, model)
    assert [(f.subject, f.cases, f.evidence["deviation"]) for f in found] == [
        (row["activity"], row["cases"], row["kind"])
        for row in result.deviations.sort("cases", "activity").iter_rows(named=True)
    ]
    assert found[0].title == "Step 提交 is done although the design does not have it there"
    assert found[0].evidence["fitness"] == result.fitness
    assert found[0].priority == pytest.approx(2.5)


def test_a_log_without_departments_has_no_hand_off_findings() -> None:
    log = EventLog(hand_made().events.drop("department"))
    kinds = {f.kind for f in findings(log)}
    assert kinds == {"bottleneck", "redundant_approval", "rework"}


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("name", "slowest"),
    [
        ("receipt.xes", "Group 2 → Group 1"),
        ("07_bpic2013_incidents.xes.gz", "V32 2nd → V37 2nd"),
    ],
)
def test_findings_of_real_logs_repeat_the_analyses_figures(
    shared_data: Path, name: str, slowest: str
) -> None:
    log = read_xes(shared_data / "logs" / name)
    found = findings(log)
    assert [f.priority for f in found] == sorted((f.priority for f in found), reverse=True)
    kinds = [f.kind for f in found]
    assert all(kinds.count(kind) <= MAX_PER_KIND for kind in set(kinds))
    # The slowest hand-off between departments is found, with the hand-off figures.
    handoff_rows = {
        f"{r['source']} → {r['target']}": r for r in handoffs(log).iter_rows(named=True)
    }
    assert next(iter(handoff_rows)) == slowest
    bottleneck_rows = {r["activity"]: r for r in bottlenecks(log).iter_rows(named=True)}
    return_rows = {
        f"{r['source']} → {r['target']}": r for r in return_edges(log).iter_rows(named=True)
    }
    approval_rows = {
        f"{r['first']} → {r['second']}": r for r in redundant_approvals(log).iter_rows(named=True)
    }
    assert slowest in {f.subject for f in found if f.kind == "handoff"}
    for finding in found:
        table, lost = {
            "handoff": (handoff_rows, "total_seconds"),
            "bottleneck": (bottleneck_rows, "total_wait_seconds"),
            "rework": (return_rows, "rework_seconds"),
            "redundant_approval": (approval_rows, "added_total_seconds"),
        }[finding.kind]
        row = table[finding.subject]
        assert finding.cases == row["cases"]
        # Polars sums floats in parallel: the last bit may differ between two computations.
        assert finding.time_lost_seconds == pytest.approx(max(0.0, row[lost]), rel=1e-12)
        for key, value in row.items():
            if key in finding.evidence:
                expected = pytest.approx(value, rel=1e-12) if isinstance(value, float) else value
                assert finding.evidence[key] == expected
        assert finding.priority == pytest.approx(
            100 * finding.evidence["time_share"] + 10 * finding.cases / log.case_count
        )
    # The largest bottleneck of each log is among the findings.
    assert next(iter(bottleneck_rows)) in {f.subject for f in found if f.kind == "bottleneck"}


def test_titles_advice_and_the_score_formula_are_in_chinese_under_a_chinese_locale(
    tmp_path: Path,
) -> None:
    log = tmp_path / "报销.parquet"
    hand_made().events.write_parquet(log)
    script = (
        "import sys\n"
        "from flowbridge.mining.tables import read_parquet\n"
        "from flowbridge.mining.findings import findings\n"
        "from flowbridge.mining.score import score\n"
        "log = read_parquet(sys.argv[1])\n"
        "found = [f for f in findings(log) if f.kind == 'redundant_approval'][0]\n"
        "print(found.title); print(found.advice)\n"
        "print(score(log, target_cycle_seconds=3600).formula.splitlines()[0])\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "LANGUAGE")}
    env["LANG"] = "zh_CN.UTF-8"
    done = subprocess.run(
        [sys.executable, "-c", script, str(log)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert done.stdout.splitlines() == [
        "「经理审批」之后的「总监审批」几乎从不改变结果",
        "第二道审批几乎从不改变结果：考虑取消或改为知会。",  # noqa: RUF001
        "得分 = 100 × (0.50 × 周期时间 + 0.25 × 返工 + 0.25 × 差错)",  # noqa: RUF001
    ]
