"""Running requests on the engine: routing, modes, rejection, assignment, the event log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from flowbridge.cases import services
from flowbridge.cases.models import CaseEvent, CaseStatus, Step
from flowbridge.core.clock import ManualClock
from flowbridge.core.errors import Conflict, InvalidInput, NotAllowed
from flowbridge.org.delegation import add_delegation
from flowbridge.processes.models import ProcessDefinition
from tests.cases import bpmn
from tests.cases.conftest import Org, activities, fresh, holders, item_for

pytestmark = pytest.mark.usefixtures("engine_mode", "english_site")


def test_a_chain_runs_from_request_to_end(
    org: Org, deployed: Callable[..., ProcessDefinition], clock: ManualClock
) -> None:
    definition = deployed(
        bpmn.chain(
            bpmn.approval("head", "部门负责人审批", "head:requester"),
            bpmn.approval("finance", "财务审核", "department:finance"),
            bpmn.task("pay", "付款", "person:E003"),
        )
    )
    case = services.start_case(org.requester.user, definition, {})
    assert holders(case) == ["E002"]
    clock.advance(timedelta(hours=2))
    services.decide(org.sales_head.user, item_for(case, org.sales_head).pk, "approved")
    # Finance receives through its two liaisons: whoever decides first decides (or-sign).
    assert holders(case) == ["E004", "E005"]
    services.decide(org.liaison2.user, item_for(case, org.liaison2).pk, "approved")
    assert holders(case) == ["E003"]
    services.decide(org.finance_head.user, item_for(case, org.finance_head).pk, "done")
    case = fresh(case)
    assert case.status == CaseStatus.COMPLETED
    assert case.ended_at is not None
    assert activities(case) == [
        ("提交申请", "start"),
        ("部门负责人审批", "approve"),
        ("财务审核", "approve"),
        ("付款", "done"),
        ("完成", "end"),
    ]
    cancelled = case.events.filter(lifecycle="ate_abort").count()
    assert cancelled == 0  # the liaison who did not act had the item closed, not aborted by anyone
    assert not case.steps.filter(status="open").exists()


def test_amount_routes_through_the_director(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(bpmn.threshold(50000), key="purchase")
    small = services.start_case(org.requester.user, definition, {"amount": "20000", "risk": "low"})
    big = services.start_case(org.requester.user, definition, {"amount": "80,000", "risk": "low"})
    risky = services.start_case(org.requester.user, definition, {"amount": "100", "risk": "high"})
    for case in (small, big, risky):
        services.decide(org.sales_head.user, item_for(case, org.sales_head).pk, "approved")
    assert fresh(small).status == CaseStatus.COMPLETED
    assert holders(big) == ["E006"] and holders(risky) == ["E006"]
    assert fresh(big).form_data["amount"] == "80000.00"


def test_countersign_needs_everyone_and_a_rejection_decides(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(
        bpmn.chain(
            bpmn.approval(
                "joint", "会签", "person:E002;person:E003;person:E006", mode="countersign"
            )
        )
    )
    case = services.start_case(org.requester.user, definition, {})
    assert holders(case) == ["E002", "E003", "E006"]
    services.decide(org.sales_head.user, item_for(case, org.sales_head).pk, "approved")
    services.decide(org.gm.user, item_for(case, org.gm).pk, "approved")
    assert fresh(case).is_running and holders(case) == ["E003"]
    services.decide(org.finance_head.user, item_for(case, org.finance_head).pk, "approved")
    assert fresh(case).status == CaseStatus.COMPLETED

    second = services.start_case(org.requester.user, definition, {})
    services.decide(org.gm.user, item_for(second, org.gm).pk, "rejected", comment="预算不足")
    second = fresh(second)
    assert second.status == CaseStatus.REJECTED
    assert holders(second) == []
    assert activities(second)[-1] == (str(CaseStatus.REJECTED.label), "reject")


def test_countersign_by_majority_waits_for_every_vote(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(
        bpmn.chain(
            bpmn.approval(
                "vote",
                "评审",
                "person:E002;person:E003;person:E006",
                mode="countersign",
                countersign_rule="majority",
            )
        )
    )
    case = services.start_case(org.requester.user, definition, {})
    services.decide(org.gm.user, item_for(case, org.gm).pk, "rejected", comment="不同意")
    assert fresh(case).is_running
    services.decide(org.sales_head.user, item_for(case, org.sales_head).pk, "approved")
    services.decide(org.finance_head.user, item_for(case, org.finance_head).pk, "approved")
    assert fresh(case).status == CaseStatus.COMPLETED


def test_sequential_approvers_act_one_after_another(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(
        bpmn.chain(bpmn.approval("seq", "依次审批", "person:E003;person:E006", mode="sequential"))
    )
    case = services.start_case(org.requester.user, definition, {})
    assert holders(case) == ["E003"]
    services.decide(org.finance_head.user, item_for(case, org.finance_head).pk, "approved")
    assert holders(case) == ["E006"]
    services.decide(org.gm.user, item_for(case, org.gm).pk, "approved")
    assert fresh(case).status == CaseStatus.COMPLETED


def test_rejection_routes_when_the_node_says_so(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    xml = bpmn.chain(
        bpmn.approval("check", "审核", "person:E003", on_reject="route"),
        bpmn.task("notify", "处理结果", "requester"),
    )
    case = services.start_case(org.requester.user, deployed(xml), {})
    services.decide(
        org.finance_head.user, item_for(case, org.finance_head).pk, "rejected", comment="缺材料"
    )
    assert fresh(case).is_running
    assert holders(case) == ["E001"]
    assert case.steps.get(node_id="check").outcome == "rejected"


def test_parallel_branches_join(org: Org, deployed: Callable[..., ProcessDefinition]) -> None:
    xml = bpmn.parallel(
        bpmn.approval("a", "财务会办", "person:E003"),
        bpmn.approval("b", "总经理会办", "person:E006"),
    )
    case = services.start_case(org.requester.user, deployed(xml), {})
    assert holders(case) == ["E003", "E006"]
    services.decide(org.gm.user, item_for(case, org.gm).pk, "approved")
    assert fresh(case).is_running
    services.decide(org.finance_head.user, item_for(case, org.finance_head).pk, "approved")
    assert fresh(case).status == CaseStatus.COMPLETED


def test_nobody_resolves_so_the_process_office_gets_it_marked_unassigned(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    xml = bpmn.chain(bpmn.approval("x", "无人", "department:nowhere"))
    case = services.start_case(org.requester.user, deployed(xml), {})
    item = item_for(case, org.pmo)
    assert item.unassigned and item.origin == "unassigned"
    note = case.events.get(operation="unresolved")
    assert note.attributes["unresolved"] == ["department:nowhere"]


def test_an_away_approver_is_replaced_by_the_deputy(
    org: Org, deployed: Callable[..., ProcessDefinition], clock: ManualClock
) -> None:
    today = date(2026, 3, 2)
    add_delegation(None, org.sales_head, org.finance_head, today, today + timedelta(days=3))
    case = services.start_case(
        org.requester.user, deployed(bpmn.chain(bpmn.approval("h", "负责人", "head:requester"))), {}
    )
    item = item_for(case, org.finance_head)
    assert item.on_behalf_of == org.sales_head
    assignment = case.events.get(lifecycle="assign")
    assert assignment.attributes == {"on_behalf_of": "E002"}


def test_only_the_holder_decides_and_a_second_decision_is_a_conflict(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    case = services.start_case(
        org.requester.user, deployed(bpmn.chain(bpmn.approval("h", "负责人", "head:requester"))), {}
    )
    item = item_for(case, org.sales_head)
    with pytest.raises(NotAllowed):
        services.decide(org.outsider.user, item.pk, "approved")
    with pytest.raises(InvalidInput, match="reason"):
        services.decide(org.sales_head.user, item.pk, "rejected")
    with pytest.raises(InvalidInput):
        services.decide(org.sales_head.user, item.pk, "done")
    services.decide(org.sales_head.user, item.pk, "approved")
    with pytest.raises(Conflict, match="李四"):
        services.decide(org.sales_head.user, item.pk, "approved")
    assert fresh(case).status == CaseStatus.COMPLETED


def test_a_stale_revision_is_refused_and_changes_nothing(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    case = services.start_case(
        org.requester.user, deployed(bpmn.chain(bpmn.approval("h", "负责人", "head:requester"))), {}
    )
    before = CaseEvent.objects.filter(case=case).count()
    item = item_for(case, org.sales_head)
    with pytest.raises(Conflict):
        services.decide(
            org.sales_head.user, item.pk, "approved", expected_revision=case.revision - 1
        )
    assert CaseEvent.objects.filter(case=case).count() == before
    assert fresh(case).is_running and Step.objects.filter(case=case, status="open").count() == 1


def test_bad_form_input_starts_nothing(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(bpmn.threshold(), key="purchase")
    with pytest.raises(InvalidInput) as error:
        services.start_case(org.requester.user, definition, {"amount": "lots", "colour": "red"})
    wheres = {p.where for p in error.value.problems}
    assert {"amount", "colour"} <= wheres
    assert not definition.cases.exists()


def test_the_case_diagram_marks_what_was_passed_and_where_it_waits(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    from flowbridge.cases.queries import case_overlay

    definition = deployed(bpmn.threshold(50000), key="purchase")
    case = services.start_case(org.requester.user, definition, {"amount": "80000", "risk": "low"})
    services.decide(org.sales_head.user, item_for(case, org.sales_head).pk, "approved")
    states = {node: s.state for node, s in case_overlay(fresh(case)).nodes.items()}
    assert states["start"] == "done" and states["manager"] == "done" and states["big"] == "done"
    assert states["director"] == "current" and "end" not in states
    services.decide(org.gm.user, item_for(case, org.gm).pk, "approved")
    states = {node: s.state for node, s in case_overlay(fresh(case)).nodes.items()}
    assert states["end"] == "done" and states["director"] == "done"


def test_conditions_see_fields_filled_in_at_a_task_and_manual_tasks_complete(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    review = bpmn.approval("review", "评估", "person:E003")
    review_form = (
        "<bpmn:extensionElements><camunda:formData>"
        '<camunda:formField id="cost" label="cost" type="long"/>'
        "</camunda:formData><camunda:properties>"
        '<camunda:property name="flowbridge.kind" value="approval"/>'
        '<camunda:property name="flowbridge.assignee" value="person:E003"/>'
        "</camunda:properties></bpmn:extensionElements>"
    )
    xml = bpmn.chain(
        review, bpmn.Node("ship", "发货", {"assignee": "person:E006"}, tag="manualTask")
    )
    start = xml.index('<bpmn:userTask id="review"')
    end = xml.index("</bpmn:userTask>", start)
    xml = xml[:start] + '<bpmn:userTask id="review" name="评估">' + review_form + xml[end:]
    # A condition on the task's field: big costs go to the manual shipping task, small ones end.
    xml = xml.replace(
        '<bpmn:sequenceFlow id="f1" sourceRef="review" targetRef="ship"/>',
        '<bpmn:exclusiveGateway id="g" default="small"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="review" targetRef="g"/>'
        '<bpmn:sequenceFlow id="big" sourceRef="g" targetRef="ship"><bpmn:conditionExpression'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="bpmn:tFormalExpression">'
        "cost &gt; 100</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="small" sourceRef="g" targetRef="end"/>',
    )
    definition = deployed(xml, key="costed")
    case = services.start_case(org.requester.user, definition, {})
    item = item_for(case, org.finance_head)
    services.decide(org.finance_head.user, item.pk, "approved", values={"cost": "500"})
    assert holders(case) == ["E006"]
    services.decide(org.gm.user, item_for(case, org.gm).pk, "done")
    assert fresh(case).status == CaseStatus.COMPLETED
    assert fresh(case).form_data["cost"] == 500
