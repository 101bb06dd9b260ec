"""Several flows leaving a task: unconditional ones all run, conditional ones when true."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from flowbridge.cases import services
from flowbridge.cases.models import CaseStatus
from flowbridge.processes.models import ProcessDefinition
from tests.cases import bpmn
from tests.cases.conftest import Org, fresh, holders, item_for

pytestmark = pytest.mark.usefixtures("engine_mode", "english_site")

XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="bpmn:tFormalExpression"'


def _flow(flow_id: str, source: str, target: str, condition: str = "") -> str:
    body = (
        f"<bpmn:conditionExpression {XSI}>{condition}</bpmn:conditionExpression>"
        if condition
        else ""
    )
    ends = f'sourceRef="{source}" targetRef="{target}"'
    return f'<bpmn:sequenceFlow id="{flow_id}" {ends}>{body}</bpmn:sequenceFlow>\n'


def _process(body: str) -> str:
    return (
        bpmn.HEAD
        + '<bpmn:process id="Split" name="会办" isExecutable="true">\n'
        + body
        + "</bpmn:process></bpmn:definitions>"
    )


def test_unconditional_flows_from_a_task_run_in_parallel(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    body = (
        '<bpmn:startEvent id="start"/>'
        + bpmn.approval("head", "负责人", "head:requester").xml()
        + bpmn.approval("fin", "财务", "person:E003").xml()
        + bpmn.approval("gm", "总经理", "person:E006").xml()
        + '<bpmn:parallelGateway id="join"/><bpmn:endEvent id="end"/>'
        + _flow("f0", "start", "head")
        + _flow("f1", "head", "fin")
        + _flow("f2", "head", "gm")
        + _flow("f3", "fin", "join")
        + _flow("f4", "gm", "join")
        + _flow("f5", "join", "end")
    )
    case = services.start_case(org.requester.user, deployed(_process(body), key="split"), {})
    services.decide(org.sales_head.user, item_for(case, org.sales_head).pk, "approved")
    assert holders(case) == ["E003", "E006"]
    services.decide(org.gm.user, item_for(case, org.gm).pk, "approved")
    services.decide(org.finance_head.user, item_for(case, org.finance_head).pk, "approved")
    assert fresh(case).status == CaseStatus.COMPLETED


def test_conditional_flows_from_a_task_run_when_true(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    body = (
        '<bpmn:startEvent id="start">'
        + bpmn.form("amount:long:r")
        + "</bpmn:startEvent>"
        + bpmn.approval("head", "负责人", "head:requester").xml()
        + bpmn.approval("gm", "总经理", "person:E006").xml()
        + bpmn.task("file", "归档", "person:E003").xml()
        + '<bpmn:endEvent id="end1"/><bpmn:endEvent id="end2"/>'
        + _flow("f0", "start", "head")
        + _flow("big", "head", "gm", "amount &gt; 100")
        + _flow("small", "head", "file", "amount &lt;= 100")
        + _flow("f3", "gm", "end1")
        + _flow("f4", "file", "end2")
    )
    definition = deployed(_process(body), key="split")
    big = services.start_case(org.requester.user, definition, {"amount": "500"})
    small = services.start_case(org.requester.user, definition, {"amount": "50"})
    for case in (big, small):
        services.decide(org.sales_head.user, item_for(case, org.sales_head).pk, "approved")
    assert holders(big) == ["E006"]
    assert holders(small) == ["E003"]


def test_elements_named_like_the_engines_own_steps_run(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    # Spiff calls its internal first and last steps Start and End; files may use those ids too.
    xml = bpmn.chain(bpmn.approval("End2", "负责人", "head:requester"))
    xml = xml.replace('id="start"', 'id="Start"').replace('"end"', '"End"')
    xml = xml.replace('sourceRef="start"', 'sourceRef="Start"')
    case = services.start_case(org.requester.user, deployed(xml, key="reserved"), {})
    services.decide(org.sales_head.user, item_for(case, org.sales_head).pk, "approved")
    case = fresh(case)
    assert case.status == CaseStatus.COMPLETED
    assert case.events.order_by("id").last().activity_id == "End"
