"""What Flowbridge runs today, element by element, and the findings when a file goes beyond it.

Supported in an executable process: none start events; none, terminate and
error end events; tasks, user tasks and manual tasks (multi-instance allowed,
its expressions checked); exclusive, parallel and inclusive gateways; sequence
flows with conditions in our safe expression language; embedded
sub-processes; call activities of a process in the same file; timer
(ISO 8601) and error boundary events; timer intermediate catch events; none
intermediate throw events (milestones); lanes, annotations, groups, data
objects and stores (drawn only). Everything else in an executable process is
refused. Scripts are refused anywhere in the file, executable or not: an
uploaded file must never run code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from lxml import etree  # type: ignore[import-untyped]

from flowbridge.core.expressions import ExpressionError, check

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


@dataclass(frozen=True)
class Finding:
    """One thing wrong or unsupported, at one element when known."""

    message: str
    element_id: str | None = None
    element_type: str | None = None

    def __str__(self) -> str:
        if self.element_id:
            return f'element "{self.element_id}" ({self.element_type}): {self.message}'
        if self.element_type:
            return f"{self.element_type}: {self.message}"
        return self.message


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


FLOW_ELEMENTS = {
    "startEvent", "endEvent", "task", "userTask", "manualTask", "exclusiveGateway",
    "parallelGateway", "inclusiveGateway", "sequenceFlow", "subProcess", "callActivity",
    "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent",
}  # fmt: skip

# Drawn or descriptive only: allowed, and removed before the engine parses the file.
DOCUMENTATION_ONLY = {
    "dataObject", "dataObjectReference", "dataStore", "dataStoreReference",
    "dataInputAssociation", "dataOutputAssociation", "ioSpecification", "property",
}  # fmt: skip

NEUTRAL = DOCUMENTATION_ONLY | {
    "laneSet", "lane", "childLaneSet", "flowNodeRef", "incoming", "outgoing", "documentation",
    "extensionElements", "textAnnotation", "text", "association", "group", "category",
    "categoryValue", "conditionExpression", "multiInstanceLoopCharacteristics",
    "loopCardinality", "completionCondition", "timerEventDefinition", "timeDuration",
    "timeDate", "timeCycle", "errorEventDefinition", "terminateEventDefinition", "sourceRef",
    "targetRef", "dataInput", "dataOutput", "inputSet", "outputSet", "dataInputRefs",
    "dataOutputRefs", "inputSetRefs", "outputSetRefs", "optionalInputRefs",
    "optionalOutputRefs", "whileExecutingInputRefs", "whileExecutingOutputRefs", "dataState",
    "potentialOwner", "performer", "humanPerformer", "resourceRef",
    "resourceAssignmentExpression", "resourceParameterBinding", "formalExpression",
    "expression", "transformation", "assignment", "from", "to", "auditing", "monitoring",
    "inputDataItem", "outputDataItem", "loopDataInputRef", "loopDataOutputRef",
}  # fmt: skip


def _unsupported() -> dict[str, str]:
    events = _("%(kind)s events are not supported yet")
    return {
        "scriptTask": _("scripts are not supported: an uploaded file must never run code"),
        "serviceTask": _("service tasks are not supported yet (automatic steps come later)"),
        "sendTask": _("message tasks are not supported yet"),
        "receiveTask": _("message tasks are not supported yet"),
        "businessRuleTask": _("business rule tasks (DMN) are not supported yet"),
        "adHocSubProcess": _("ad-hoc sub-processes are not supported"),
        "transaction": _("transactions are not supported"),
        "complexGateway": _("complex gateways are not supported"),
        "eventBasedGateway": _("event-based gateways are not supported yet"),
        "standardLoopCharacteristics": _(
            "loops are not supported; route back with a gateway instead"
        ),
        "messageEventDefinition": events % {"kind": _("message")},
        "signalEventDefinition": events % {"kind": _("signal")},
        "escalationEventDefinition": events % {"kind": _("escalation")},
        "conditionalEventDefinition": events % {"kind": _("conditional")},
        "compensateEventDefinition": events % {"kind": _("compensation")},
        "linkEventDefinition": events % {"kind": _("link")},
        "cancelEventDefinition": events % {"kind": _("cancel")},
    }


# Which event definitions each event may carry.
_ALLOWED_DEFINITIONS = {
    "startEvent": set(),
    "endEvent": {"terminateEventDefinition", "errorEventDefinition"},
    "boundaryEvent": {"timerEventDefinition", "errorEventDefinition"},
    "intermediateCatchEvent": {"timerEventDefinition"},
    "intermediateThrowEvent": set(),
}

_DURATION = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
_CYCLE = re.compile(r"^R\d*/")


def _finding(element: etree._Element, message: str) -> Finding:
    return Finding(message, element.get("id") or None, local(element.tag))


def _owner(element: etree._Element) -> etree._Element:
    """The nearest ancestor with an id, so a finding points at something in the diagram."""
    node: etree._Element | None = element
    while node is not None and not node.get("id"):
        node = node.getparent()
    return node if node is not None else element


def find_scripts(root: etree._Element) -> list[Finding]:
    """Every script or code hook anywhere in the file."""
    found: list[Finding] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name, ns = local(element.tag), element.tag[1:].split("}")[0] if "}" in element.tag else ""
        if ns == BPMN_NS and name == "scriptTask":
            found.append(_finding(element, _unsupported()["scriptTask"]))
        elif ns == BPMN_NS and name in {"script"}:
            continue  # reported with its scriptTask
        elif ns == CAMUNDA_NS and name in {"script", "executionListener", "taskListener"}:
            owner = _owner(element)
            found.append(
                _finding(owner, _("code hooks (%(hook)s) are not supported") % {"hook": name})
            )
        elif ns == SPIFF_NS and name in {"preScript", "postScript", "script"}:
            owner = _owner(element)
            found.append(_finding(owner, _unsupported()["scriptTask"]))
        elif name == "conditionExpression" and element.get("language"):
            owner = _owner(element.getparent() if element.getparent() is not None else element)
            found.append(
                _finding(
                    owner,
                    _("scripted conditions (%(language)s) are not supported")
                    % {"language": element.get("language")},
                )
            )
    return found


def _check_expression(element: etree._Element, text: str, what: str) -> list[Finding]:
    try:
        check(text)
    except ExpressionError as error:
        return [
            _finding(
                element,
                _('%(what)s "%(expression)s" is refused: %(reason)s')
                % {"what": what, "expression": text.strip()[:80], "reason": error.reason},
            )
        ]
    return []


def _check_timer(event: etree._Element, definition: etree._Element) -> list[Finding]:
    values = [c for c in definition if isinstance(c.tag, str)]
    if len(values) != 1 or not (values[0].text or "").strip():
        return [_finding(event, _("the timer has no time (duration, date or cycle)"))]
    kind, text = local(values[0].tag), (values[0].text or "").strip().strip("\"'")
    pattern = {"timeDuration": _DURATION, "timeDate": _DATE, "timeCycle": _CYCLE}.get(kind)
    if pattern is None or not pattern.match(text):
        message = _('timer "%(value)s" is not an ISO 8601 duration, date or cycle')
        return [_finding(event, message % {"value": text[:60]})]
    return []


def _check_event(event: etree._Element) -> list[Finding]:
    name = local(event.tag)
    allowed = _ALLOWED_DEFINITIONS.get(name, set())
    findings: list[Finding] = []
    for child in event:
        if not isinstance(child.tag, str) or not local(child.tag).endswith("EventDefinition"):
            continue
        definition = local(child.tag)
        if definition in _unsupported():
            findings.append(_finding(event, _unsupported()[definition]))
        elif definition not in allowed:
            message = _("%(definition)s is not supported on a %(event)s")
            findings.append(_finding(event, message % {"definition": definition, "event": name}))
        elif definition == "timerEventDefinition":
            findings += _check_timer(event, child) or [_finding(event, _timers_later())]
    return findings


def _timers_later() -> str:
    # The engine's timers read the wall clock; ours must follow the company's
    # injected clock and working time, which arrives with time limits (M20).
    # Until then a timer is refused rather than left waiting forever.
    return _("timer events are not supported yet (they come with node time limits and reminders)")


def _check_element(element: etree._Element, process_ids: set[str]) -> list[Finding]:
    name = local(element.tag)
    if name in _ALLOWED_DEFINITIONS:
        return _check_event(element)
    if name == "sequenceFlow":
        condition = element.find(f"{{{BPMN_NS}}}conditionExpression")
        if (
            condition is not None
            and (condition.text or "").strip()
            and not condition.get("language")
        ):
            return _check_expression(element, condition.text or "", _("condition"))
        return []
    if name == "subProcess" and element.get("triggeredByEvent") == "true":
        return [_finding(element, _("event sub-processes are not supported yet"))]
    if name == "callActivity":
        called = element.get("calledElement") or ""
        if called not in process_ids:
            message = _('calls process "%(called)s", which is not in this file')
            return [_finding(element, message % {"called": called})]
    if name == "multiInstanceLoopCharacteristics":
        owner = _owner(element)
        findings: list[Finding] = []
        for part in ("loopCardinality", "completionCondition"):
            node = element.find(f"{{{BPMN_NS}}}{part}")
            if node is not None and (node.text or "").strip():
                findings += _check_expression(owner, node.text or "", part)
        return findings
    return []


def check_process(process: etree._Element, process_ids: set[str]) -> list[Finding]:
    """Every unsupported or wrong element of one executable process (nested ones included)."""
    findings: list[Finding] = []
    unsupported = _unsupported()
    for element in process.iterdescendants():
        if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{BPMN_NS}}}"):
            continue  # vendor extensions and comments carry no behaviour we run
        if any(
            local(a.tag) == "extensionElements"
            for a in element.iterancestors()
            if isinstance(a.tag, str)
        ):
            continue
        name = local(element.tag)
        if name == "scriptTask" or name == "script":
            continue  # reported by find_scripts
        if name in unsupported:
            if name.endswith("EventDefinition"):
                continue  # reported with its event
            findings.append(_finding(_owner(element), unsupported[name]))
        elif name in FLOW_ELEMENTS or name in NEUTRAL:
            findings += _check_element(element, process_ids)
        else:
            message = _("%(element)s elements are not supported") % {"element": name}
            findings.append(_finding(_owner(element), message))
    return findings
