"""BPMN builders for runtime tests, written as docs/process-conventions.md says."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from itertools import pairwise

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'
    ' id="Definitions_1" targetNamespace="http://flowbridge.test/bpmn">\n'
)


@dataclass
class Node:
    """A task node: ``tag`` userTask/manualTask/task with flowbridge.* properties."""

    id: str
    name: str
    props: dict[str, str] = field(default_factory=dict)
    tag: str = "userTask"

    def xml(self) -> str:
        props = "".join(
            f'<camunda:property name="flowbridge.{k}" value="{escape(v)}"/>'
            for k, v in self.props.items()
        )
        ext = (
            f"<bpmn:extensionElements><camunda:properties>{props}</camunda:properties>"
            "</bpmn:extensionElements>"
            if props
            else ""
        )
        return (
            f'<bpmn:{self.tag} id="{self.id}" name="{escape(self.name)}">{ext}</bpmn:{self.tag}>\n'
        )


def approval(node_id: str, name: str, assignee: str, **props: str) -> Node:
    return Node(node_id, name, {"kind": "approval", "assignee": assignee, **props})


def task(node_id: str, name: str, assignee: str, **props: str) -> Node:
    return Node(node_id, name, {"kind": "task", "assignee": assignee, **props})


def form(*fields: str) -> str:
    """camunda:formData from ``id:type`` or ``id:type:required`` strings."""
    parts = []
    for spec in fields:
        fid, ftype, *rest = spec.split(":")
        constraint = (
            '<camunda:validation><camunda:constraint name="required"/></camunda:validation>'
            if rest
            else ""
        )
        parts.append(
            f'<camunda:formField id="{fid}" label="{fid}" type="{ftype}">'
            f"{constraint}</camunda:formField>"
        )
    return (
        "<bpmn:extensionElements><camunda:formData>"
        + "".join(parts)
        + "</camunda:formData></bpmn:extensionElements>"
    )


def chain(
    *nodes: Node,
    process_id: str = "Chain",
    name: str = "测试流程",
    fields: tuple[str, ...] = (),
    process_props: dict[str, str] | None = None,
) -> str:
    """start → nodes in order → end."""
    start_form = form(*fields) if fields else ""
    body = f'<bpmn:startEvent id="start" name="提交申请">{start_form}</bpmn:startEvent>\n'
    ids = ["start"] + [n.id for n in nodes] + ["end"]
    body += "".join(n.xml() for n in nodes)
    body += '<bpmn:endEvent id="end" name="完成"/>\n'
    body += "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>\n'
        for i, (a, b) in enumerate(pairwise(ids))
    )
    return _process(process_id, name, body, process_props)


def _process(process_id: str, name: str, body: str, props: dict[str, str] | None) -> str:
    ext = ""
    if props:
        inner = "".join(
            f'<camunda:property name="flowbridge.{k}" value="{escape(v)}"/>'
            for k, v in props.items()
        )
        ext = (
            f"<bpmn:extensionElements><camunda:properties>{inner}</camunda:properties>"
            "</bpmn:extensionElements>"
        )
    return (
        HEAD
        + f'<bpmn:process id="{process_id}" name="{escape(name)}" isExecutable="true">{ext}\n'
        + body
        + "</bpmn:process>\n</bpmn:definitions>\n"
    )


def threshold(limit: int = 50000) -> str:
    """start → manager approval → amount > limit? → director approval → end (else to end)."""
    body = (
        '<bpmn:startEvent id="start" name="提交申请">'
        + form("amount:money:r", "risk:string")
        + "</bpmn:startEvent>\n"
        + approval("manager", "部门负责人审批", "head:requester").xml()
        + '<bpmn:exclusiveGateway id="big" name="金额大?" default="small_flow"/>\n'
        + approval("director", "总经理审批", "role:management").xml()
        + '<bpmn:endEvent id="end" name="完成"/>\n'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="manager"/>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="manager" targetRef="big"/>\n'
        '<bpmn:sequenceFlow id="big_flow" sourceRef="big" targetRef="director">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'amount &gt; {limit} or risk == "high"'
        "</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
        '<bpmn:sequenceFlow id="small_flow" sourceRef="big" targetRef="end"/>\n'
        '<bpmn:sequenceFlow id="f3" sourceRef="director" targetRef="end"/>\n'
    )
    return _process("Purchase", "采购审批", body, None)


def parallel(*branches: Node, before: Node | None = None) -> str:
    """start → [before] → parallel split → one node per branch → join → end."""
    body = '<bpmn:startEvent id="start" name="提交申请"/>\n'
    first = "start"
    if before is not None:
        body += (
            before.xml()
            + '<bpmn:sequenceFlow id="fb" sourceRef="start" targetRef="'
            + before.id
            + '"/>\n'
        )
        first = before.id
    body += '<bpmn:parallelGateway id="split"/><bpmn:parallelGateway id="join"/>\n'
    body += f'<bpmn:sequenceFlow id="f0" sourceRef="{first}" targetRef="split"/>\n'
    for i, node in enumerate(branches):
        body += node.xml()
        body += f'<bpmn:sequenceFlow id="s{i}" sourceRef="split" targetRef="{node.id}"/>\n'
        body += f'<bpmn:sequenceFlow id="j{i}" sourceRef="{node.id}" targetRef="join"/>\n'
    body += '<bpmn:endEvent id="end" name="完成"/>'
    body += '<bpmn:sequenceFlow id="fe" sourceRef="join" targetRef="end"/>\n'
    return _process("Parallel", "并行会办", body, None)
