"""The demo processes, and a short demo history run through the engine (seeded, deterministic)."""

from __future__ import annotations

import re
from datetime import datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from flowbridge.cases.models import Case, CaseEvent, WorkItem
from flowbridge.core.calendar_services import company_calendar
from flowbridge.core.clock import ManualClock
from flowbridge.demo import history, loader
from flowbridge.demo.flows import FLOWS, bpmn_of
from flowbridge.demo.processes import PROCESSES
from flowbridge.processes.bpmn import judge
from flowbridge.processes.diagram import render_svg

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Friday morning after the Qingming holiday; two weeks before it are ordinary working weeks.
END = datetime(2026, 4, 24, 10, 0, tzinfo=SHANGHAI)
DAYS = 14
SCALE = 0.3


@pytest.fixture
def company(clock: ManualClock) -> None:
    loader.load()


def run(seed: int = history.SEED) -> history.HistorySummary:
    return history.generate(END, days=DAYS, seed=seed, scale=SCALE)


def test_the_demo_processes_pass_the_judge_and_draw() -> None:
    rules: set[str] = set()
    for flow in FLOWS:
        data = bpmn_of(flow)
        judgement = judge(data, flow.filename)
        assert judgement.ok, (flow.key, judgement)
        svg = render_svg(data)
        names = re.findall(r'<bpmn:userTask id="\w+" name="([^"]+)"', data.decode())
        assert names and all(name in svg for name in names), flow.key
        rules.update(re.findall(r'name="flowbridge.assignee" value="([^"]+)"', data.decode()))
        rules.update(re.findall(r'name="flowbridge.mode" value="([^"]+)"', data.decode()))
    kinds = {rule.split(":")[0] for value in rules for rule in value.split(";")}
    assert {"head", "department", "responsible", "role", "requester", "countersign"} <= kinds
    # Every responsible: rule names a step of the demo's responsibility lists.
    steps = {f"{p.code}/{s[0]}" for p in PROCESSES for s in p.steps}
    responsible = {r.split(":", 1)[1] for v in rules for r in v.split(";") if r.startswith("resp")}
    assert responsible and responsible <= steps


def _signature() -> list[tuple[Any, ...]]:
    """The history without database ids: what happened, when, by whom."""
    rows = []
    for case in Case.objects.select_related("definition", "requester").order_by("started_at", "id"):
        events = [
            (e.activity_id, e.lifecycle, e.operation, e.timestamp, e.person_id and e.person.name)
            for e in case.events.select_related("person").order_by("id")
        ]
        rows.append(
            (case.definition.key, case.requester.employee_no, case.title, case.status, events)
        )
    return rows


@pytest.mark.usefixtures("company")
def test_a_short_history_runs_through_the_engine() -> None:
    summary = run()
    cases = list(Case.objects.select_related("definition"))
    assert summary.cases == len(cases) >= 10
    assert {c.definition.key for c in cases} == {f.key for f in FLOWS}
    assert summary.running > 0 and summary.by_status.get("completed", 0) > 0
    calendar = company_calendar()
    for case in cases:
        events = list(case.events.order_by("id"))
        assert events[0].operation == "start" and events[0].timestamp == case.started_at
        assert sum(e.operation == "start" for e in events) == 1
        stamps = [e.timestamp for e in events]
        assert stamps == sorted(stamps), case.reference  # time never runs backwards in a case
        assert summary.start <= case.started_at < summary.end
        # Requests start in working hours on the company calendar.
        periods = calendar.working_periods_on(case.started_at.astimezone(SHANGHAI).date())
        assert any(a <= case.started_at <= b for a, b in periods), case.started_at
        if case.is_running:
            assert case.ended_at is None
            assert case.work_items.filter(status="open").exists(), case.reference
        else:
            assert case.ended_at == events[-1].timestamp
            assert events[-1].lifecycle in ("complete", "pi_abort", "withdraw")
    # Demo sign-ins find work waiting for them.
    holders = set(
        WorkItem.objects.filter(status="open").values_list("assignee__user__username", flat=True)
    )
    assert {"cs_liaison", "rd_head"} <= holders
    # Work items match events: each decision is logged, each open item was announced.
    for item in WorkItem.objects.filter(status="done"):
        assert CaseEvent.objects.filter(work_item=item, lifecycle="complete").exists(), item.pk
    for item in WorkItem.objects.filter(status="open"):
        assert CaseEvent.objects.filter(
            work_item=item, lifecycle__in=("assign", "reassign")
        ).exists()


@pytest.mark.usefixtures("company")
def test_the_history_is_the_same_for_the_same_seed() -> None:
    run()
    first = _signature()
    history.wipe()
    assert not Case.objects.exists()
    run()
    assert _signature() == first
    history.wipe()
    run(seed=7)
    assert _signature() != first


@pytest.mark.usefixtures("company")
def test_the_command_runs_the_history_once(clock: ManualClock) -> None:
    clock.set(datetime(2026, 4, 24, 10, 0, tzinfo=SHANGHAI))
    out = StringIO()
    call_command("demo", "--history", "--history-days", "2", stdout=out)
    assert "Generated" in out.getvalue()
    count = Case.objects.count()
    again = StringIO()
    call_command("demo", "--history", stdout=again)
    assert "already there" in again.getvalue()
    assert Case.objects.count() == count > 0
