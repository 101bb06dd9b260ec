"""The generated BPMN: judged runnable, drawn, laid out without overlaps, by the conventions."""

from __future__ import annotations

import itertools

import pytest
from lxml import etree

from flowbridge.processes.bpmn import judge
from flowbridge.processes.designer.bpmn_writer import chain_to_bpmn, process_id
from flowbridge.processes.designer.chain import Chain, parse_chain
from flowbridge.processes.designer.layout import Box
from flowbridge.processes.diagram import render_svg
from tests.processes.conftest import People
from tests.processes.designer import chains

pytestmark = pytest.mark.django_db

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
}
FLOW_NODES = ("startEvent", "endEvent", "userTask", "task", "exclusiveGateway", "parallelGateway")


@pytest.fixture
def full(people: People) -> Chain:
    chains.responsibility_step()
    return parse_chain(chains.full())


def _tree(chain: Chain) -> etree._Element:
    return etree.fromstring(chain_to_bpmn(chain).encode("utf-8"))


def _properties(element: etree._Element) -> dict[str, str]:
    found = element.findall("bpmn:extensionElements/camunda:properties/camunda:property", NS)
    return {p.get("name"): p.get("value") for p in found}


def test_every_node_type_is_judged_runnable_and_drawn(full: Chain) -> None:
    xml = chain_to_bpmn(full)
    judgement = judge(xml.encode("utf-8"), "purchase.bpmn")
    assert judgement.ok, judgement.reason
    assert judgement.process_ids == ["Process_purchase"]
    svg = render_svg(xml, process_id=process_id(full.key))
    assert svg.startswith("<svg") and "财务会签" in svg and "大额" in svg


def test_di_covers_every_flow_node_and_flow_without_overlaps(full: Chain) -> None:
    root = _tree(full)
    process = root.find("bpmn:process", NS)
    nodes = [e for tag in FLOW_NODES for e in process.findall(f"bpmn:{tag}", NS)]
    flows = process.findall("bpmn:sequenceFlow", NS)
    shapes = {s.get("bpmnElement"): s for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement"): e for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    assert {n.get("id") for n in nodes} == set(shapes)
    assert {f.get("id") for f in flows} == set(edges)
    assert len(nodes) == 12  # start, end, 6 tasks, 2 pairs of gateways (split + join)
    boxes = {}
    for element_id, shape in shapes.items():
        b = shape.find("dc:Bounds", NS)
        boxes[element_id] = Box(*(float(b.get(k)) for k in ("x", "y", "width", "height")))
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        assert not box_a.overlaps(box_b), (a, b)
    sizes = {
        "userTask": (100, 80),
        "task": (100, 80),
        "exclusiveGateway": (50, 50),
        "parallelGateway": (50, 50),
        "startEvent": (36, 36),
        "endEvent": (36, 36),
    }
    for node in nodes:
        tag = etree.QName(node).localname
        box = boxes[node.get("id")]
        assert (box.width, box.height) == sizes[tag]
    for flow in flows:
        points = [
            (float(p.get("x")), float(p.get("y")))
            for p in edges[flow.get("id")].findall("di:waypoint", NS)
        ]
        assert len(points) >= 2
        for (x1, y1), (x2, y2) in itertools.pairwise(points):
            assert x1 == x2 or y1 == y2, f"{flow.get('id')} is not orthogonal"
        source, target = boxes[flow.get("sourceRef")], boxes[flow.get("targetRef")]
        assert _on_edge(points[0], source) and _on_edge(points[-1], target), flow.get("id")


def _on_edge(point: tuple[float, float], box: Box) -> bool:
    x, y = point
    inside = box.x <= x <= box.x + box.width and box.y <= y <= box.bottom
    border = x in (box.x, box.x + box.width) or y in (box.y, box.bottom)
    return inside and border


def test_conventions_properties_form_and_gateways(full: Chain) -> None:
    root = _tree(full)
    process = root.find("bpmn:process", NS)
    props = _properties(process)
    assert props["flowbridge.withdraw"] == "any_time"
    assert props["flowbridge.title"] == "采购 {item} {amount}元"
    assert "flowbridge.designer" in props
    by_name = {e.get("name"): e for e in process if e.get("name")}
    head = _properties(by_name["部门负责人审批"])
    assert head == {
        "flowbridge.kind": "approval",
        "flowbridge.assignee": "head:requester",
        "flowbridge.mode": "or-sign",
        "flowbridge.on_reject": "end",
        "flowbridge.due": "2d",
    }
    finance = by_name["财务会签"]
    assert etree.QName(finance).localname == "userTask"
    assert _properties(finance) == {
        "flowbridge.kind": "approval",
        "flowbridge.assignee": "department:sales;head:requester+2;person:PMO",
        "flowbridge.mode": "countersign",
        "flowbridge.countersign_rule": "majority",
        "flowbridge.on_reject": "route",
    }
    shipping = _properties(by_name["发货"])
    assert shipping["flowbridge.kind"] == "task"
    assert shipping["flowbridge.assignee"] == "field:buyer;responsible:complaint/intake"
    assert "flowbridge.on_reject" not in shipping
    cc = by_name["抄送"]
    assert etree.QName(cc).localname == "task"
    assert _properties(cc) == {
        "flowbridge.kind": "cc",
        "flowbridge.cc": "liaison:gm;role:management",
    }
    auto = by_name["标记高风险"]
    assert _properties(auto) == {"flowbridge.kind": "auto", "flowbridge.set.risk": '"high"'}

    split = by_name["金额判断"]
    flows = [
        f for f in process.findall("bpmn:sequenceFlow", NS) if f.get("sourceRef") == split.get("id")
    ]
    conditions = [f.findtext("bpmn:conditionExpression", namespaces=NS) for f in flows]
    assert conditions == ["amount > 50000", 'risk == "high"', None]
    assert split.get("default") == flows[2].get("id")
    assert etree.QName(by_name["并行处理"]).localname == "parallelGateway"

    fields = root.findall(
        ".//bpmn:startEvent/bpmn:extensionElements/camunda:formData/camunda:formField", NS
    )
    assert [f.get("id") for f in fields] == ["item", "amount", "risk", "buyer", "note"]
    amount = fields[1]
    assert amount.get("label") == "金额 | Amount" and amount.get("type") == "money"
    assert {p.get("id"): p.get("value") for p in amount.iterfind(".//camunda:property", NS)} == {
        "currency": "CNY",
        "help": "含税 | Tax included",
    }
    constraints = {
        c.get("name"): c.get("config") for c in amount.iterfind(".//camunda:constraint", NS)
    }
    assert constraints == {"required": None, "min": "0", "max": "10000000"}
    assert [(v.get("id"), v.get("name")) for v in fields[2].iterfind("camunda:value", NS)] == [
        ("low", "低 | Low"),
        ("high", "高 | High"),
    ]
    note = {c.get("name"): c.get("config") for c in fields[4].iterfind(".//camunda:constraint", NS)}
    assert note == {"maxlength": "500"}


def test_same_chain_same_bytes(full: Chain) -> None:
    assert chain_to_bpmn(full) == chain_to_bpmn(parse_chain(chains.full()))
    changed = chains.full()
    changed["nodes"][0]["due"] = "3d"
    assert chain_to_bpmn(parse_chain(changed)) != chain_to_bpmn(full)


def test_small_chain_with_empty_default_branch(people: People) -> None:
    chain = parse_chain(chains.small())
    xml = chain_to_bpmn(chain)
    judgement = judge(xml.encode("utf-8"), "leave.bpmn")
    assert judgement.ok, judgement.reason
    assert "管理层会签" in render_svg(xml, process_id="Process_leave")
