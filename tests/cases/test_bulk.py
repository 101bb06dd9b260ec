"""批量审批 and 批量发起: many decisions and many requests in one call, through the real engine.

Each scenario runs with the workflow cache and again restored from the
database (``engine_mode``); the concurrency test needs PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from flowbridge.cases import bulk, operations, services
from flowbridge.cases.models import Case, CaseEvent, CaseStatus, WorkItem
from flowbridge.cases.runtime import ProcessCannotContinue, case_url
from flowbridge.core import audit
from flowbridge.core.errors import InvalidInput
from flowbridge.core.models import AuditEntry
from flowbridge.notify.models import Notification
from flowbridge.processes.models import ProcessDefinition
from tests.cases import bpmn
from tests.cases.conftest import Org, activities, fresh, holders, item_for, open_items

pytestmark = pytest.mark.usefixtures("engine_mode", "english_site")

TWO_STEPS = bpmn.chain(
    bpmn.approval("check", "财务审核", "person:E003"),
    bpmn.approval("sign", "总经理审批", "person:E006"),
)

# Both branches go to the finance head: one person holds two items of one case.
SAME_PERSON_PARALLEL = bpmn.parallel(
    bpmn.approval("a", "会办甲", "person:E003"),
    bpmn.approval("b", "会办乙", "person:E003"),
)


def ids(items: list[WorkItem]) -> list[int]:
    return [item.pk for item in items]


def history(case: Case) -> list[tuple[str, str, str, str | None]]:
    """The event log as people read it (activity, lifecycle, operation, who)."""
    return [
        (e.activity, e.lifecycle, e.operation, e.person.employee_no if e.person else None)
        for e in case.events.select_related("person").order_by("id")
    ]


def work(case: Case) -> list[tuple[str, str | None, str, str, str]]:
    return [
        (
            i.step.node_id,
            i.assignee.employee_no if i.assignee else None,
            i.status,
            i.decision,
            i.comment,
        )
        for i in WorkItem.objects.filter(case=case)
        .select_related("step", "assignee")
        .order_by("id")
    ]


def notices(case: Case) -> list[tuple[str, str]]:
    rows = Notification.objects.filter(url=case_url(case)).select_related("recipient")
    return sorted((n.recipient.employee_no, n.kind) for n in rows)


def snapshot(case: Case) -> tuple[Any, ...]:
    case = fresh(case)
    return (case.status, case.revision, case.form_data, history(case), work(case), notices(case))


def parallel_then_threshold(limit: int = 100, *, aside: bool = False) -> str:
    """start (amount) → the finance head on two branches → join → amount > limit? → the GM.

    With ``aside``, a third branch (the finance head again) ends on its own, outside the join.
    """
    side = ""
    if aside:
        side = (
            bpmn.approval("c", "会办丙", "person:E003").xml()
            + '<bpmn:endEvent id="side_end" name="旁路完成"/>\n'
            '<bpmn:sequenceFlow id="sc" sourceRef="split" targetRef="c"/>\n'
            '<bpmn:sequenceFlow id="ce" sourceRef="c" targetRef="side_end"/>\n'
        )
    body = (
        '<bpmn:startEvent id="start" name="提交申请">'
        + bpmn.form("amount:long")
        + "</bpmn:startEvent>\n"
        + '<bpmn:parallelGateway id="split"/><bpmn:parallelGateway id="join"/>\n'
        + bpmn.approval("a", "会办甲", "person:E003").xml()
        + bpmn.approval("b", "会办乙", "person:E003").xml()
        + '<bpmn:exclusiveGateway id="big" name="金额大?" default="small"/>\n'
        + bpmn.approval("director", "总经理审批", "person:E006").xml()
        + '<bpmn:endEvent id="end" name="完成"/>\n'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>\n'
        '<bpmn:sequenceFlow id="sa" sourceRef="split" targetRef="a"/>\n'
        '<bpmn:sequenceFlow id="sb" sourceRef="split" targetRef="b"/>\n'
        '<bpmn:sequenceFlow id="ja" sourceRef="a" targetRef="join"/>\n'
        '<bpmn:sequenceFlow id="jb" sourceRef="b" targetRef="join"/>\n'
        '<bpmn:sequenceFlow id="fj" sourceRef="join" targetRef="big"/>\n'
        '<bpmn:sequenceFlow id="large" sourceRef="big" targetRef="director">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"amount &gt; {limit}"
        "</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
        '<bpmn:sequenceFlow id="small" sourceRef="big" targetRef="end"/>\n'
        '<bpmn:sequenceFlow id="fd" sourceRef="director" targetRef="end"/>\n' + side
    )
    return bpmn._process("Joint", "会办后判断", body, None)


def gate_at_start(limit: int = 100) -> str:
    """start (an optional amount) → amount > limit? → the GM, else the finance head."""
    body = (
        '<bpmn:startEvent id="start" name="提交申请">'
        + bpmn.form("amount:long")
        + "</bpmn:startEvent>\n"
        + '<bpmn:exclusiveGateway id="big" name="金额大?" default="small"/>\n'
        + bpmn.approval("director", "总经理审批", "person:E006").xml()
        + bpmn.approval("check", "财务审核", "person:E003").xml()
        + '<bpmn:endEvent id="end" name="完成"/>\n'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="big"/>\n'
        '<bpmn:sequenceFlow id="large" sourceRef="big" targetRef="director">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"amount &gt; {limit}"
        "</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
        '<bpmn:sequenceFlow id="small" sourceRef="big" targetRef="check"/>\n'
        '<bpmn:sequenceFlow id="fd" sourceRef="director" targetRef="end"/>\n'
        '<bpmn:sequenceFlow id="fc" sourceRef="check" targetRef="end"/>\n'
    )
    return bpmn._process("Gated", "金额分流", body, None)


# --- deciding many -----------------------------------------------------------------------------


def test_bulk_decisions_move_each_case_on_as_one_by_one_decisions_do(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(TWO_STEPS)
    in_bulk = [services.start_case(org.requester.user, definition, {}) for _ in range(3)]
    singly = [services.start_case(org.requester.user, definition, {}) for _ in range(3)]

    chosen = [item_for(case, org.finance_head) for case in in_bulk]
    outcomes = bulk.decide_many(org.finance_head.user, ids(chosen), "approved", comment="同意")
    for case in singly:
        services.decide(
            org.finance_head.user, item_for(case, org.finance_head).pk, "approved", comment="同意"
        )

    assert [(o.item_id, o.ok, o.error) for o in outcomes] == [(i, True, "") for i in ids(chosen)]
    assert [o.case.pk if o.case else None for o in outcomes] == [c.pk for c in in_bulk]
    for bulk_case, single_case in zip(in_bulk, singly, strict=True):
        assert holders(bulk_case) == ["E006"]
        assert snapshot(bulk_case) == snapshot(single_case)

    # The next step, decided in bulk too, ends every case exactly as one by one.
    outcomes = bulk.decide_many(org.gm.user, [item_for(c, org.gm).pk for c in in_bulk], "approved")
    assert all(o.ok for o in outcomes)
    for case in singly:
        services.decide(org.gm.user, item_for(case, org.gm).pk, "approved")
    for bulk_case, single_case in zip(in_bulk, singly, strict=True):
        assert fresh(bulk_case).status == CaseStatus.COMPLETED
        assert snapshot(bulk_case) == snapshot(single_case)
        assert activities(bulk_case)[-1] == ("完成", "end")


def test_cases_of_different_processes_are_decided_in_one_call(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    two_steps = deployed(TWO_STEPS)
    single = deployed(bpmn.chain(bpmn.task("pay", "付款", "person:E003")), key="pay")
    parallel = deployed(SAME_PERSON_PARALLEL, key="parallel")
    cases = [
        services.start_case(org.requester.user, definition, {})
        for definition in (two_steps, single, parallel, two_steps)
    ]
    approvals = [item.pk for case in (cases[0], cases[2], cases[3]) for item in open_items(case)]
    outcomes = bulk.decide_many(org.finance_head.user, approvals, "approved")
    assert all(o.ok for o in outcomes)
    (done,) = bulk.decide_many(
        org.finance_head.user, [item_for(cases[1], org.finance_head).pk], "done"
    )
    assert done.ok
    assert [holders(case) for case in cases] == [["E006"], [], [], ["E006"]]
    assert [fresh(case).status for case in cases] == [
        CaseStatus.RUNNING,
        CaseStatus.COMPLETED,
        CaseStatus.COMPLETED,
        CaseStatus.RUNNING,
    ]


def test_items_that_cannot_be_decided_are_reported_and_the_others_decided(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(TWO_STEPS)
    cases = [services.start_case(org.requester.user, definition, {}) for _ in range(5)]
    mine = item_for(cases[0], org.finance_head)
    also_mine = item_for(cases[1], org.finance_head)
    done = item_for(cases[2], org.finance_head)
    services.decide(org.finance_head.user, done.pk, "approved")
    not_mine = item_for(cases[2], org.gm)  # the next step, held by the GM
    withdrawn = item_for(cases[3], org.finance_head)
    operations.withdraw(org.requester.user, cases[3].pk, reason="不需要了")
    missing = max(WorkItem.objects.values_list("pk", flat=True)) + 1000
    untouched = item_for(cases[4], org.finance_head)
    before = fresh(cases[4]).revision

    chosen = [withdrawn.pk, mine.pk, missing, done.pk, not_mine.pk, mine.pk, also_mine.pk]
    outcomes = bulk.decide_many(org.finance_head.user, chosen, "approved")

    # One outcome per distinct item, in the order given.
    assert [o.item_id for o in outcomes] == [
        withdrawn.pk,
        mine.pk,
        missing,
        done.pk,
        not_mine.pk,
        also_mine.pk,
    ]
    by_item = {o.item_id: o for o in outcomes}
    assert by_item[mine.pk].ok and by_item[also_mine.pk].ok
    assert by_item[missing].error == f"No task {missing}."
    assert by_item[done.pk].error == (
        f"This task was already handled by {org.finance_head.display_name}; nothing was changed."
    )
    assert by_item[not_mine.pk].error == "This task is not yours."
    assert by_item[withdrawn.pk].error == f"{cases[3].reference} has ended; nothing was changed."
    assert not any(by_item[i].ok for i in (missing, done.pk, not_mine.pk, withdrawn.pk))
    assert all(by_item[i].case is None for i in (missing, done.pk, not_mine.pk, withdrawn.pk))

    # The duplicate was decided once; the failed items changed nothing.
    assert CaseEvent.objects.filter(work_item_id=mine.pk, operation="approve").count() == 1
    assert holders(cases[0]) == ["E006"] and holders(cases[1]) == ["E006"]
    assert holders(cases[2]) == ["E006"] and fresh(cases[3]).status == CaseStatus.WITHDRAWN
    assert fresh(cases[4]).revision == before and holders(cases[4]) == ["E003"]
    assert WorkItem.objects.get(pk=untouched.pk).status == "open"


def test_a_rejection_needs_a_reason_and_with_one_rejects_every_case(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(TWO_STEPS)
    cases = [services.start_case(org.requester.user, definition, {}) for _ in range(2)]
    chosen = [item_for(case, org.finance_head).pk for case in cases]
    revisions = [fresh(case).revision for case in cases]
    with pytest.raises(InvalidInput) as raised:
        bulk.decide_many(org.finance_head.user, chosen, "rejected", comment="  ")
    assert raised.value.message == "Say why you reject it."
    assert [p.where for p in raised.value.problems] == ["comment"]
    assert [fresh(case).revision for case in cases] == revisions

    outcomes = bulk.decide_many(org.finance_head.user, chosen, "rejected", comment="预算不足")
    assert all(o.ok for o in outcomes)
    for case in cases:
        case = fresh(case)
        assert case.status == CaseStatus.REJECTED and case.ended_at is not None
        assert holders(case) == []
        assert activities(case)[-1] == (str(CaseStatus.REJECTED.label), "reject")
        assert work(case)[0][2:] == ("done", "rejected", "预算不足")


@pytest.mark.parametrize("decision", ["done", "maybe"])
def test_a_decision_that_does_not_fit_is_refused(
    org: Org, deployed: Callable[..., ProcessDefinition], decision: str
) -> None:
    definition = deployed(TWO_STEPS)
    case = services.start_case(org.requester.user, definition, {})
    item = item_for(case, org.finance_head)
    if decision == "maybe":
        with pytest.raises(InvalidInput, match="Unknown decision maybe"):
            bulk.decide_many(org.finance_head.user, [item.pk], decision)
        return
    (outcome,) = bulk.decide_many(org.finance_head.user, [item.pk], decision)
    assert not outcome.ok
    assert outcome.error == "A task is marked done; an approval is approved or rejected."
    assert holders(case) == ["E003"]


def test_no_tasks_or_too_many_are_refused(org: Org) -> None:
    with pytest.raises(InvalidInput) as raised:
        bulk.decide_many(org.finance_head.user, [], "approved")
    assert raised.value.message == "Choose at least one task."
    assert [p.where for p in raised.value.problems] == ["items"]
    too_many = list(range(1, bulk.MAX_ITEMS + 2))
    with pytest.raises(InvalidInput) as raised:
        bulk.decide_many(org.finance_head.user, too_many, "approved")
    assert raised.value.message == f"At most {bulk.MAX_ITEMS} tasks at once."
    # Duplicates do not count twice against the limit.
    at_limit = list(range(1, bulk.MAX_ITEMS + 1)) * 2
    outcomes = bulk.decide_many(org.finance_head.user, at_limit, "approved")
    assert len(outcomes) == bulk.MAX_ITEMS and not any(o.ok for o in outcomes)


def test_two_items_of_one_case_are_both_decided_in_one_call(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(SAME_PERSON_PARALLEL, key="parallel")
    cases = [services.start_case(org.requester.user, definition, {}) for _ in range(2)]
    chosen = [item.pk for case in cases for item in open_items(case, org.finance_head)]
    assert len(chosen) == 4
    outcomes = bulk.decide_many(org.finance_head.user, chosen, "approved")
    assert [(o.item_id, o.ok) for o in outcomes] == [(i, True) for i in chosen]
    for case in cases:
        case = fresh(case)
        assert case.status == CaseStatus.COMPLETED
        assert sorted(activities(case)) == sorted(
            [("提交申请", "start"), ("会办甲", "approve"), ("会办乙", "approve"), ("完成", "end")]
        )
        assert not case.steps.filter(status="open").exists()


def test_countersign_steps_close_only_when_every_signer_decided_in_bulk(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    xml = bpmn.chain(
        bpmn.approval("joint", "会签", "person:E003;person:E006", mode="countersign"),
        bpmn.approval("after", "复核", "person:E003"),
    )
    definition = deployed(xml)
    cases = [services.start_case(org.requester.user, definition, {}) for _ in range(2)]
    mine = [item_for(case, org.finance_head).pk for case in cases]
    assert all(o.ok for o in bulk.decide_many(org.finance_head.user, mine, "approved"))
    # The GM's shares are still open: the finance head's approvals alone close nothing.
    assert [holders(case) for case in cases] == [["E006"], ["E006"]]
    theirs = [item_for(case, org.gm).pk for case in cases]
    assert all(o.ok for o in bulk.decide_many(org.gm.user, theirs, "approved"))
    assert [holders(case) for case in cases] == [["E003"], ["E003"]]
    for case in cases:
        assert activities(case) == [("提交申请", "start"), ("会签", "approve"), ("会签", "approve")]


@pytest.mark.parametrize("b_first", [False, True])
def test_a_failing_item_leaves_its_case_whole_and_the_others_go_through(
    org: Org, deployed: Callable[..., ProcessDefinition], b_first: bool
) -> None:
    definition = deployed(parallel_then_threshold(100), key="joint")
    # No amount: the gateway after the join cannot compare it, so the second branch fails.
    broken = services.start_case(org.requester.user, definition, {})
    big = services.start_case(org.requester.user, definition, {"amount": "500"})
    first, second = open_items(broken, org.finance_head)
    if b_first:  # whichever branch is decided second completes the join and fails
        first, second = second, first
    big_a, big_b = open_items(big, org.finance_head)
    revision = fresh(broken).revision
    events = CaseEvent.objects.filter(case=broken).count()
    audits = AuditEntry.objects.count()

    chosen = [first.pk, big_a.pk, second.pk, big_b.pk]
    outcomes = bulk.decide_many(org.finance_head.user, chosen, "approved")
    assert [o.item_id for o in outcomes] == chosen

    by_item = {o.item_id: o for o in outcomes}
    assert by_item[first.pk].ok and by_item[big_a.pk].ok and by_item[big_b.pk].ok
    assert not by_item[second.pk].ok and "amount" in by_item[second.pk].error
    # The failed item's case: only the first branch's decision is written, once.
    broken = fresh(broken)
    assert broken.is_running and broken.revision == revision + 1
    assert WorkItem.objects.get(pk=first.pk).status == "done"
    assert WorkItem.objects.get(pk=second.pk).status == "open"
    assert holders(broken) == ["E003"]
    assert CaseEvent.objects.filter(case=broken).count() == events + 1
    assert CaseEvent.objects.filter(case=broken, operation="approve").get().work_item_id == first.pk
    # The other case went past the join to the GM.
    assert holders(big) == ["E006"]
    assert AuditEntry.objects.count() == audits + 3
    assert audit.verify().ok

    # One by one, the second branch fails the same way, says why and changes nothing.
    with pytest.raises(ProcessCannotContinue, match="amount") as raised:
        services.decide(org.finance_head.user, second.pk, "approved")
    assert raised.value.message.startswith("The process cannot go on from here")
    assert fresh(broken).revision == revision + 1
    assert WorkItem.objects.get(pk=second.pk).status == "open"


def test_a_failing_item_decided_first_leaves_nothing_of_itself(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(parallel_then_threshold(100, aside=True), key="joint")
    case = services.start_case(org.requester.user, definition, {})
    a, b, c = open_items(case, org.finance_head)
    services.decide(org.finance_head.user, a.pk, "approved")
    revision = fresh(case).revision
    # b completes the join and fails there after marking itself done in memory; c then goes on.
    outcomes = bulk.decide_many(org.finance_head.user, [b.pk, c.pk], "approved")
    assert [(o.item_id, o.ok) for o in outcomes] == [(b.pk, False), (c.pk, True)]
    assert "amount" in outcomes[0].error
    case = fresh(case)
    assert case.is_running and case.revision == revision + 1
    assert WorkItem.objects.get(pk=b.pk).status == "open"
    assert WorkItem.objects.get(pk=b.pk).completed_by is None
    assert WorkItem.objects.get(pk=c.pk).status == "done"
    approvals = case.events.filter(operation="approve").order_by("id")
    assert [e.work_item_id for e in approvals] == [a.pk, c.pk]
    assert holders(case) == ["E003"]
    assert case.steps.filter(status="open").get().node_id == "b"
    assert audit.verify().ok


def test_a_failure_in_the_only_selected_item_writes_nothing(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(parallel_then_threshold(100), key="joint")
    case = services.start_case(org.requester.user, definition, {})
    first, second = open_items(case, org.finance_head)
    services.decide(org.finance_head.user, first.pk, "approved")
    revision, events = fresh(case).revision, CaseEvent.objects.filter(case=case).count()
    (outcome,) = bulk.decide_many(org.finance_head.user, [second.pk], "approved")
    assert not outcome.ok and outcome.case is None
    assert fresh(case).revision == revision
    assert CaseEvent.objects.filter(case=case).count() == events
    assert WorkItem.objects.get(pk=second.pk).status == "open"


def test_the_audit_chain_holds_one_entry_per_decided_item(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(TWO_STEPS)
    cases = bulk.start_many(org.requester.user, definition, [{}, {}, {}, {}])
    chosen = [item_for(case, org.finance_head).pk for case in cases]
    before = AuditEntry.objects.count()
    outcomes = bulk.decide_many(org.finance_head.user, [*chosen, chosen[0] + 10_000], "approved")
    assert [o.ok for o in outcomes] == [True, True, True, True, False]
    entries = AuditEntry.objects.filter(seq__gt=before).order_by("seq")
    assert [(e.action, e.object_id) for e in entries] == [
        ("cases.task.approve", str(pk)) for pk in chosen
    ]
    user = org.finance_head.user
    assert user is not None and all(e.actor_id == user.pk for e in entries)
    result = audit.verify()
    assert result.ok and result.checked == before + len(chosen)


# --- query budgets -----------------------------------------------------------------------------


def _queries_to_decide(org: Org, definition: ProcessDefinition, count: int) -> int:
    cases = bulk.start_many(org.requester.user, definition, [{}] * count)
    chosen = [item_for(case, org.finance_head).pk for case in cases]
    with CaptureQueriesContext(connection) as queries:
        outcomes = bulk.decide_many(org.finance_head.user, chosen, "approved")
    assert all(o.ok for o in outcomes)
    return len(queries)


def test_deciding_twenty_costs_the_queries_of_deciding_ten(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(TWO_STEPS)
    _queries_to_decide(org, definition, 2)  # settle what is read once per process (caches)
    assert _queries_to_decide(org, definition, 10) == _queries_to_decide(org, definition, 20)


def test_starting_twenty_costs_the_queries_of_starting_ten(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(TWO_STEPS)
    bulk.start_many(org.requester.user, definition, [{}])
    counts = []
    for count in (10, 20):
        with CaptureQueriesContext(connection) as queries:
            bulk.start_many(org.requester.user, definition, [{}] * count)
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- starting many -----------------------------------------------------------------------------


START_FORM = (
    '<camunda:formField id="amount" label="金额" type="long">'
    '<camunda:validation><camunda:constraint name="required"/>'
    '<camunda:constraint name="min" config="1"/></camunda:validation></camunda:formField>'
    '<camunda:formField id="kind" label="类别" type="enum">'
    '<camunda:value id="travel" name="差旅 | Travel"/>'
    '<camunda:value id="office" name="办公 | Office"/></camunda:formField>'
)


def purchase(org: Org, deployed: Callable[..., ProcessDefinition]) -> ProcessDefinition:
    xml = bpmn.chain(
        bpmn.approval("check", "财务审核", "person:E003"),
        fields=("placeholder:string",),
        process_props={"title": "{kind} {amount}"},
    )
    xml = xml.replace(
        '<camunda:formField id="placeholder" label="placeholder" type="string">'
        "</camunda:formField>",
        START_FORM,
    )
    return deployed(xml, key="purchase")


def test_start_many_starts_each_row_with_its_values_title_and_first_step(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = purchase(org, deployed)
    rows: list[dict[str, Any]] = [
        {"amount": "120", "kind": "travel"},
        {"amount": 7, "kind": "office"},
        {"amount": "3000"},
    ]
    before = AuditEntry.objects.count()
    cases = bulk.start_many(org.requester.user, definition, rows)
    assert len(cases) == 3 and len({c.pk for c in cases}) == 3
    stored = [fresh(case) for case in cases]
    assert [c.form_data for c in stored] == [
        {"amount": 120, "kind": "travel"},
        {"amount": 7, "kind": "office"},
        {"amount": 3000, "kind": None},
    ]
    assert [c.title for c in stored][:2] == ["Travel 120", "Office 7"]
    for case in stored:
        assert case.status == CaseStatus.RUNNING and case.requester_id == org.requester.pk
        assert case.requester_department_id == org.sales.pk
        assert holders(case) == ["E003"]
        assert activities(case) == [("提交申请", "start")]
        assert case.revision == 2  # created, then saved with its first step, like start_case
    assert [(e.action, e.object_id) for e in AuditEntry.objects.filter(seq__gt=before)] == [
        ("cases.case.start", str(c.pk)) for c in cases
    ]
    assert audit.verify().ok
    single = services.start_case(org.requester.user, definition, rows[0])
    assert snapshot(single)[3:5] == snapshot(cases[0])[3:5]
    assert fresh(single).title == stored[0].title


def test_start_many_names_every_bad_row_and_starts_nothing(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = purchase(org, deployed)
    rows: list[dict[str, Any]] = [
        {"amount": "10", "kind": "travel"},
        {"amount": "11", "kind": "office"},
        {"amount": "not a number", "kind": "holiday"},
        {"amount": "0", "kind": "travel"},
    ]
    before = Case.objects.count()
    with pytest.raises(InvalidInput) as raised:
        bulk.start_many(org.requester.user, definition, rows)
    assert raised.value.message == "Nothing was started: 2 of 4 rows have problems."
    assert [p.where for p in raised.value.problems] == [
        "rows[2].amount",
        "rows[2].kind",
        "rows[3].amount",
    ]
    assert all(p.message for p in raised.value.problems)
    assert Case.objects.count() == before
    assert not WorkItem.objects.exists()


def test_start_many_names_a_row_that_is_not_an_object(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = purchase(org, deployed)
    rows: list[Any] = [{"amount": "10"}, None, {"amount": "5", "colour": "red"}]
    with pytest.raises(InvalidInput) as raised:
        bulk.start_many(org.requester.user, definition, rows)
    assert raised.value.message == "Nothing was started: 2 of 3 rows have problems."
    assert [p.where for p in raised.value.problems] == ["rows[1]", "rows[2].colour"]
    assert not Case.objects.exists()


def test_start_many_names_the_row_whose_values_the_process_cannot_route(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    """Values that pass the form but fail a condition on the way to the first step."""
    definition = deployed(bpmn.threshold(100), key="purchase")
    rows: list[dict[str, Any]] = [
        {"amount": "500", "risk": "low"},
        {"amount": "50", "risk": "low"},
        {"amount": "80", "risk": "high"},
    ]
    cases = bulk.start_many(org.requester.user, definition, rows)
    assert [holders(case) for case in cases] == [["E002"]] * 3
    gated = deployed(gate_at_start(), key="gated")
    rows = [{"amount": "500"}, {}, {"amount": "5"}, {}]
    before = Case.objects.count()
    with pytest.raises(InvalidInput) as raised:
        bulk.start_many(org.requester.user, gated, rows)
    assert raised.value.message == "Nothing was started: 2 of 4 rows have problems."
    assert [p.where for p in raised.value.problems] == ["rows[1]", "rows[3]"]
    assert all("amount" in p.message for p in raised.value.problems)
    assert Case.objects.count() == before


def test_start_case_names_values_the_process_cannot_route_and_stores_nothing(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    gated = deployed(gate_at_start(), key="gated")
    before = (Case.objects.count(), CaseEvent.objects.count(), AuditEntry.objects.count())
    with pytest.raises(InvalidInput, match="amount") as raised:
        services.start_case(org.requester.user, gated, {})
    assert raised.value.message.startswith("The request cannot start with these values")
    after = (Case.objects.count(), CaseEvent.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_start_many_refuses_no_rows_and_too_many(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = purchase(org, deployed)
    with pytest.raises(InvalidInput) as raised:
        bulk.start_many(org.requester.user, definition, [])
    assert raised.value.message == "Give at least one request to start."
    assert [p.where for p in raised.value.problems] == ["rows"]
    with pytest.raises(InvalidInput) as raised:
        bulk.start_many(org.requester.user, definition, [{"amount": 1}] * (bulk.MAX_ITEMS + 1))
    assert raised.value.message == f"At most {bulk.MAX_ITEMS} requests at once."
    assert not Case.objects.exists()


def test_start_many_in_chinese(org: Org, deployed: Callable[..., ProcessDefinition]) -> None:
    definition = purchase(org, deployed)
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as raised:
        bulk.start_many(org.requester.user, definition, [])
    assert raised.value.message == "请至少提供一条要发起的申请。"


# --- two bulk decisions at once (PostgreSQL) ---------------------------------------------------


def at_once(
    org: Org, lists: list[list[int]]
) -> tuple[list[list[bulk.ItemOutcome]], list[BaseException]]:
    """The finance head approves each list in a thread of its own, released together."""
    start = threading.Barrier(len(lists))
    results: list[list[bulk.ItemOutcome]] = []
    errors: list[BaseException] = []

    def run(chosen: list[int]) -> None:
        start.wait()
        try:
            with translation.override("en"):  # the active language is per thread
                results.append(bulk.decide_many(org.finance_head.user, chosen, "approved"))
        except BaseException as error:  # a deadlock or any error fails the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(chosen,)) for chosen in lists]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_overlapping_bulk_decisions_at_once_decide_each_item_once(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(SAME_PERSON_PARALLEL, key="parallel")
    for _round in range(3):
        cases = bulk.start_many(org.requester.user, definition, [{}] * 6)
        items = [item.pk for case in cases for item in open_items(case, org.finance_head)]
        # Cases 0-3 and 2-5, the second list backwards: both lists meet on cases 2 and 3.
        lists = [items[:8], list(reversed(items[4:]))]
        results, errors = at_once(org, lists)
        assert errors == [] and len(results) == 2
        decided = [o.item_id for outcomes in results for o in outcomes if o.ok]
        assert sorted(decided) == sorted(items)  # every item once, none twice
        refused = [o for outcomes in results for o in outcomes if not o.ok]
        assert len(refused) == 4 and all("already handled" in o.error for o in refused)
        for case in cases:
            case = fresh(case)
            assert case.status == CaseStatus.COMPLETED
            assert case.events.filter(operation="approve").count() == 2
            assert case.events.filter(operation="end").count() == 1
        assert audit.verify().ok
