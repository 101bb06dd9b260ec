"""A designed chain as a standard BPMN 2.0 file with its diagram (BPMN DI).

The file uses exactly the conventions of docs/process-conventions.md, so it
runs on the same engine as a drawn file and opens in Camunda Modeler. The
chain itself rides along as the process property ``flowbridge.designer``
(JSON), which is how the designer reopens any version it made. The output is
deterministic: the same chain gives the same bytes, so deploying an
unchanged chain stores no new version.
"""

from __future__ import annotations

import json

from lxml import etree  # type: ignore[import-untyped]

from flowbridge.processes.bpmn_rules import BPMN_NS, CAMUNDA_NS
from flowbridge.processes.designer.chain import (
    PERSON_KINDS,
    Branch,
    Chain,
    FormFieldSpec,
    Node,
    chain_to_dict,
)
from flowbridge.processes.designer.layout import Box, Fork, Item, Layout, Shape, layout

BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {
    "bpmn": BPMN_NS,
    "bpmndi": BPMNDI_NS,
    "dc": DC_NS,
    "di": DI_NS,
    "camunda": CAMUNDA_NS,
    "xsi": XSI_NS,
}
DESIGNER_PROPERTY = "flowbridge.designer"
START_ID, END_ID = "Start", "End"
# Fixed names, not translated: the bytes must not depend on the page's language.
START_NAME, END_NAME = "提交", "结束"
TEXT_TYPES = ("string", "text", "textarea")


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _sub(parent: etree._Element, ns: str, tag: str, **attrs: str) -> etree._Element:
    """A child element; empty attributes are left out."""
    return etree.SubElement(parent, _q(ns, tag), {k: v for k, v in attrs.items() if v != ""})


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def process_id(key: str) -> str:
    """The BPMN process id of a chain: ``purchase-approval`` → ``Process_purchase_approval``."""
    return "Process_" + ("".join(c if c.isalnum() else "_" for c in key) or "designed")


def _bilingual(zh: str, en: str) -> str:
    return f"{zh} | {en}" if en else zh


def _properties(parent: etree._Element, pairs: list[tuple[str, str]]) -> None:
    if not pairs:
        return
    extensions = parent.find(_q(BPMN_NS, "extensionElements"))
    if extensions is None:
        extensions = _sub(parent, BPMN_NS, "extensionElements")
    holder = _sub(extensions, CAMUNDA_NS, "properties")
    for name, value in pairs:
        _sub(holder, CAMUNDA_NS, "property", name=name, value=value)


def _form_field(form: etree._Element, spec: FormFieldSpec) -> None:
    element = _sub(
        form,
        CAMUNDA_NS,
        "formField",
        id=spec.id,
        label=_bilingual(spec.label, spec.label_en),
        type=spec.type,
    )
    extras = [("currency", spec.currency), ("help", spec.help)]
    if any(value for _name, value in extras):
        holder = _sub(element, CAMUNDA_NS, "properties")
        for name, value in extras:
            if value:
                _sub(holder, CAMUNDA_NS, "property", id=name, value=value)
    text = spec.type in TEXT_TYPES
    constraints = [
        ("required", "" if spec.required else None),
        ("minlength" if text else "min", spec.minimum or None),
        ("maxlength" if text else "max", spec.maximum or None),
    ]
    if any(config is not None for _name, config in constraints):
        validation = _sub(element, CAMUNDA_NS, "validation")
        for name, config in constraints:
            if config is not None:
                _sub(validation, CAMUNDA_NS, "constraint", name=name, config=config)
    for option in spec.options:
        _sub(
            element,
            CAMUNDA_NS,
            "value",
            id=option.id,
            name=_bilingual(option.label, option.label_en),
        )


def _node_properties(node: Node) -> list[tuple[str, str]]:
    rules = ";".join(a.rule() for a in node.approvers)
    if node.kind == "cc":
        return [("flowbridge.kind", "cc"), ("flowbridge.cc", rules)]
    if node.kind == "auto":
        return [("flowbridge.kind", "auto")] + [(f"flowbridge.set.{f}", e) for f, e in node.sets]
    pairs = [("flowbridge.kind", node.kind), ("flowbridge.assignee", rules)]
    pairs.append(("flowbridge.mode", node.mode))
    if node.mode == "countersign":
        pairs.append(("flowbridge.countersign_rule", node.countersign_rule))
    if node.kind == "approval":
        pairs.append(("flowbridge.on_reject", node.on_reject))
    if node.due:
        pairs.append(("flowbridge.due", node.due))
    return pairs


class _Writer:
    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self.root = etree.Element(
            _q(BPMN_NS, "definitions"),
            nsmap=NSMAP,
            id="Definitions_1",
            targetNamespace="https://flowbridge.dev/designer",
            exporter="Flowbridge designer",
            exporterVersion="1",
        )
        self.process = _sub(
            self.root,
            BPMN_NS,
            "process",
            id=process_id(chain.key),
            name=chain.name or chain.key,
            isExecutable="true",
        )
        self.elements: dict[str, etree._Element] = {}
        # Split gateway id → (its element, the names of its branches, conditions or None).
        self.forks: dict[str, list[tuple[str, str | None]]] = {}

    def element(self, tag: str, element_id: str, name: str = "") -> etree._Element:
        element = _sub(self.process, BPMN_NS, tag, id=element_id, name=name)
        self.elements[element_id] = element
        return element

    def settings(self) -> None:
        payload = json.dumps(chain_to_dict(self.chain), ensure_ascii=False, separators=(",", ":"))
        pairs = [(DESIGNER_PROPERTY, payload), ("flowbridge.withdraw", self.chain.withdraw)]
        if self.chain.title:
            pairs.append(("flowbridge.title", self.chain.title))
        _properties(self.process, pairs)

    def start(self) -> Shape:
        start = self.element("startEvent", START_ID, START_NAME)
        if self.chain.fields:
            extensions = _sub(start, BPMN_NS, "extensionElements")
            form = _sub(extensions, CAMUNDA_NS, "formData")
            for spec in self.chain.fields:
                _form_field(form, spec)
        return Shape(START_ID, "event")

    def sequence(self, nodes: tuple[Node, ...], prefix: str) -> tuple[Item, ...]:
        return tuple(self.node(n, f"{prefix}_{i + 1}") for i, n in enumerate(nodes))

    def node(self, node: Node, node_id: str) -> Item:
        if node.kind in ("condition", "parallel"):
            return self.fork(node, node_id)
        tag = "userTask" if node.kind in PERSON_KINDS and node.kind != "cc" else "task"
        _properties(self.element(tag, node_id, node.name), _node_properties(node))
        return Shape(node_id, "task")

    def fork(self, node: Node, node_id: str) -> Fork:
        tag = "exclusiveGateway" if node.kind == "condition" else "parallelGateway"
        self.element(tag, node_id, node.name)
        branches: list[Branch] = list(node.branches)
        if node.kind == "condition":
            branches.append(node.default or Branch())
        self.forks[node_id] = [
            (b.name, b.condition.text() if b.condition is not None else None) for b in branches
        ]
        items = tuple(self.sequence(b.nodes, f"{node_id}_{i + 1}") for i, b in enumerate(branches))
        join = f"{node_id}_join"
        self.element(tag, join)
        return Fork(node_id, join, items)

    def flows(self, placed: Layout) -> list[tuple[str, str, Box | None]]:
        """Sequence flows for the layout's edges; returns (flow id, name, label box) for DI."""
        out = []
        for number, edge in enumerate(placed.edges, start=1):
            flow_id = f"Flow_{number}"
            name, condition = "", None
            branches = self.forks.get(edge.source)
            if branches is not None and edge.branch is not None:
                name, condition = branches[edge.branch]
                if condition is None and self.elements[edge.source].tag == _q(
                    BPMN_NS, "exclusiveGateway"
                ):
                    self.elements[edge.source].set("default", flow_id)
                elif condition is not None and not name:
                    name = condition
            flow = _sub(
                self.process,
                BPMN_NS,
                "sequenceFlow",
                id=flow_id,
                name=name,
                sourceRef=edge.source,
                targetRef=edge.target,
            )
            if condition is not None:
                expression = _sub(flow, BPMN_NS, "conditionExpression")
                expression.set(_q(XSI_NS, "type"), "bpmn:tFormalExpression")
                expression.text = condition
            out.append((flow_id, name, edge.label if name else None))
        return out

    def diagram(self, placed: Layout, flows: list[tuple[str, str, Box | None]]) -> None:
        diagram = _sub(self.root, BPMNDI_NS, "BPMNDiagram", id="Diagram_1")
        plane = _sub(
            diagram, BPMNDI_NS, "BPMNPlane", id="Plane_1", bpmnElement=self.process.get("id")
        )
        for element_id, box in placed.shapes.items():
            shape = _sub(
                plane, BPMNDI_NS, "BPMNShape", id=f"{element_id}_di", bpmnElement=element_id
            )
            if self.elements[element_id].tag == _q(BPMN_NS, "exclusiveGateway"):
                shape.set("isMarkerVisible", "true")
            _bounds(shape, box)
            label = placed.labels.get(element_id)
            if label is not None and self.elements[element_id].get("name"):
                _bounds(_sub(shape, BPMNDI_NS, "BPMNLabel"), label)
        for (flow_id, _name, label), edge in zip(flows, placed.edges, strict=True):
            di = _sub(plane, BPMNDI_NS, "BPMNEdge", id=f"{flow_id}_di", bpmnElement=flow_id)
            for x, y in edge.points:
                _sub(di, DI_NS, "waypoint", x=_num(x), y=_num(y))
            if label is not None:
                _bounds(_sub(di, BPMNDI_NS, "BPMNLabel"), label)


def _bounds(parent: etree._Element, box: Box) -> None:
    _sub(
        parent,
        DC_NS,
        "Bounds",
        x=_num(box.x),
        y=_num(box.y),
        width=_num(box.width),
        height=_num(box.height),
    )


def chain_to_bpmn(chain: Chain) -> str:
    """The BPMN 2.0 file (UTF-8 text with declaration) of ``chain``, diagram included."""
    writer = _Writer(chain)
    writer.settings()
    items = (writer.start(), *writer.sequence(chain.nodes, "Node"))
    writer.element("endEvent", END_ID, END_NAME)
    placed = layout((*items, Shape(END_ID, "event")))
    writer.diagram(placed, writer.flows(placed))
    body: str = etree.tostring(writer.root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body
