"""Implicit splits made explicit, so the engine runs what modelers are allowed to draw.

BPMN lets an activity have several outgoing sequence flows: unconditional
ones all fire (a parallel split), conditional ones fire when true (an
inclusive split). SpiffWorkflow only accepts splits at gateways, so the
engine's copy of the file gets a gateway right after such an activity. The
stored file and its diagram are untouched; the added gateway has no shape
and no one ever acts on it.
"""

from __future__ import annotations

from lxml import etree  # type: ignore[import-untyped]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPLIT_SUFFIX = "__split"

# Elements that may carry implicit splits: activities and events that pass a token on.
ACTIVITIES = {
    "task",
    "userTask",
    "manualTask",
    "subProcess",
    "callActivity",
    "startEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
}


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _containers(process: etree._Element) -> list[etree._Element]:
    """The process and every sub-process in it: each holds its own flows."""
    return [process, *process.iter(f"{{{BPMN_NS}}}subProcess")]


def make_splits_explicit(process: etree._Element) -> list[str]:
    """Insert a gateway after every element with several outgoing flows; return their ids."""
    changed: list[str] = []
    for container in _containers(process):
        flows = container.findall(f"{{{BPMN_NS}}}sequenceFlow")
        outgoing: dict[str, list[etree._Element]] = {}
        for flow in flows:
            outgoing.setdefault(flow.get("sourceRef") or "", []).append(flow)
        for element in list(container):
            node_id = element.get("id") or ""
            leaving = outgoing.get(node_id, [])
            if _local(element.tag) not in ACTIVITIES or len(leaving) < 2:
                continue
            conditional = any(
                f.find(f"{{{BPMN_NS}}}conditionExpression") is not None for f in leaving
            )
            kind = "inclusiveGateway" if conditional else "parallelGateway"
            gateway_id = node_id + SPLIT_SUFFIX
            gateway = etree.SubElement(container, f"{{{BPMN_NS}}}{kind}", id=gateway_id)
            default = element.get("default")
            if default:
                gateway.set("default", default)
                del element.attrib["default"]
            for flow in leaving:
                flow.set("sourceRef", gateway_id)
            etree.SubElement(
                container,
                f"{{{BPMN_NS}}}sequenceFlow",
                id=gateway_id + "_in",
                sourceRef=node_id,
                targetRef=gateway_id,
            )
            for ref in element.findall(f"{{{BPMN_NS}}}outgoing"):
                element.remove(ref)
            changed.append(node_id)
    return changed
