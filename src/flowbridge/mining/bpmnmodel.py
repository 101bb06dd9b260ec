"""The designed process, read from BPMN 2.0 XML: activities, events, gateways and the flows between.

:func:`read_bpmn` keeps what conformance checking needs and flattens the rest:

* every kind of task (``task``, ``userTask``, ``serviceTask``, …) and a
  ``callActivity`` is an *activity*, named by its ``name`` (its ``id`` when it
  has none) — the name the event log is expected to use;
* start and end events, exclusive, parallel and inclusive gateways keep their
  meaning; an event-based gateway is an exclusive choice; intermediate events
  pass the token on silently;
* an embedded sub-process is flattened: its start events (without any, its
  elements without incoming flow) are entered when it is, and leaving any of
  its end events leaves it; a collapsed (empty) sub-process is an activity;
  an event sub-process is left out (its steps, if logged, count as inserted);
* an interrupting boundary event is an alternative to its activity (the
  activity was interrupted, so the log does not show it, and the flow goes on
  from the event); the path of a non-interrupting one may run once beside its
  activity, or not at all; a boundary event without outgoing flows is ignored.

Anything else that carries the flow (a complex gateway, an ad-hoc
sub-process) is refused with
a :class:`ModelError` naming the element and its id. XML is parsed without
network access and without expanding entities.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lxml import etree  # type: ignore[import-untyped]

from flowbridge.mining.errors import LogError
from flowbridge.mining.i18n import _

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"

Kind = Literal["task", "start", "end", "exclusive", "parallel", "inclusive", "silent"]

TASKS = frozenset(
    {
        "task",
        "userTask",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "manualTask",
        "businessRuleTask",
        "scriptTask",
        "callActivity",
    }
)
SIMPLE: dict[str, Kind] = {
    "startEvent": "start",
    "endEvent": "end",
    "exclusiveGateway": "exclusive",
    "eventBasedGateway": "exclusive",
    "parallelGateway": "parallel",
    "inclusiveGateway": "inclusive",
    "intermediateCatchEvent": "silent",
    "intermediateThrowEvent": "silent",
}
REFUSED = frozenset({"complexGateway", "adHocSubProcess"})
CONTAINERS = frozenset({"subProcess", "transaction"})


class ModelError(LogError):
    """The BPMN model cannot be read or used: what is wrong and which element."""


@dataclass(frozen=True)
class Node:
    """A flow node: ``kind`` says how it moves the token; ``name`` is the activity of a task."""

    id: str
    kind: Kind
    name: str = ""


@dataclass(frozen=True)
class Flow:
    """A sequence flow from one node to another."""

    id: str
    source: str
    target: str


@dataclass(frozen=True)
class ProcessModel:
    """One BPMN process, flattened: its nodes by id and its sequence flows."""

    process_id: str
    name: str
    nodes: dict[str, Node]
    flows: tuple[Flow, ...]

    @property
    def activities(self) -> frozenset[str]:
        """Names of the activities (tasks) the design contains."""
        return frozenset(n.name for n in self.nodes.values() if n.kind == "task")


def read_bpmn(source: bytes | str | Path, *, process_id: str | None = None) -> ProcessModel:
    """Read the process of a BPMN 2.0 file.

    ``source`` is the XML itself (``bytes``, or a ``str`` starting with ``<``)
    or the path of a file. With several processes (pools), ``process_id``
    chooses one; without it the only executable process is taken, else the
    only one with tasks, else a :class:`ModelError` lists them.
    """
    where, data = _load(source)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ModelError(_("not well-formed XML: %s") % exc.msg, where=where) from None
    if _local(root) != "definitions" or etree.QName(root).namespace != BPMN_NS:
        raise ModelError(_("not a BPMN 2.0 file (no bpmn:definitions root)"), where=where)
    process = _choose(root, process_id, where)
    pid = process.get("id", "")
    builder = _Builder(f"{where}: process {pid}" if where else f"process {pid}")
    builder.add_children(process, scope="")
    return ProcessModel(pid, process.get("name", ""), builder.finish(), tuple(builder.flows))


def _load(source: bytes | str | Path) -> tuple[str, bytes]:
    if isinstance(source, bytes):
        return "", source
    if isinstance(source, str) and source.lstrip().startswith("<"):
        return "", source.encode("utf-8")
    path = Path(source)
    try:
        return path.name, path.read_bytes()
    except OSError as exc:
        raise ModelError(_("cannot read the file: %s") % exc.strerror, where=str(path)) from None


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _bpmn_children(element: etree._Element) -> Iterator[etree._Element]:
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).namespace == BPMN_NS:
            yield child


def _choose(root: etree._Element, process_id: str | None, where: str) -> etree._Element:
    processes = [e for e in _bpmn_children(root) if _local(e) == "process"]
    if process_id is not None:
        for process in processes:
            if process.get("id") == process_id:
                return process
        raise ModelError(
            _("no process with id %(id)s; processes: %(ids)s")
            % {"id": process_id, "ids": ", ".join(p.get("id", "?") for p in processes) or "-"},
            where=where,
        )
    if not processes:
        raise ModelError(_("the file contains no process"), where=where)
    if len(processes) == 1:
        return processes[0]
    executable = [p for p in processes if p.get("isExecutable") == "true"]
    if len(executable) == 1:
        return executable[0]
    with_tasks = [p for p in processes if any(_local(e) in TASKS for e in p.iter())]
    if len(with_tasks) == 1:
        return with_tasks[0]
    raise ModelError(
        _("several processes; choose one with process_id: %s")
        % ", ".join(f"{p.get('id', '?')} ({p.get('name', '')})" for p in processes),
        where=where,
    )


class _Builder:
    """Collects nodes and flows of a process, flattening sub-processes as it goes."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.nodes: dict[str, Node] = {}
        self.flows: list[Flow] = []
        # Flows pointing at a sub-process leave from its exit node instead.
        self.exits: dict[str, str] = {}
        # Flows from a sub-process's entry to its start events, kept apart from
        # the flows leaving the sub-process, which share its id as source.
        self.scope_starts: list[Flow] = []
        # Interrupting boundary events per activity: entering the activity is a choice.
        self.boundary: dict[str, list[str]] = {}
        # Non-interrupting ones: the event's path may run beside the activity.
        self.alongside: dict[str, list[str]] = {}
        self.boundary_events: set[str] = set()

    def fail(self, element: etree._Element, message: str) -> ModelError:
        element_id = element.get("id", "?")
        return ModelError(
            message,
            where=f"{self.where}: <{_local(element)} id={element_id}> (line {element.sourceline})",
        )

    def add_children(self, container: etree._Element, *, scope: str) -> None:
        for element in _bpmn_children(container):
            tag = _local(element)
            element_id = element.get("id") or ""
            if tag in TASKS or tag in SIMPLE or tag in CONTAINERS or tag == "sequenceFlow":
                if not element_id:
                    raise self.fail(element, _("element without an id"))
                if element_id in self.nodes:
                    raise self.fail(element, _("duplicate id"))
            if tag in TASKS:
                name = " ".join((element.get("name") or "").split()) or element_id
                self.nodes[element_id] = Node(element_id, "task", name)
            elif tag in SIMPLE:
                kind = SIMPLE[tag]
                if scope and kind in ("start", "end"):
                    kind = "silent"
                    self._connect_scope(element_id, scope, tag)
                self.nodes[element_id] = Node(element_id, kind)
            elif tag == "sequenceFlow":
                source, target = element.get("sourceRef"), element.get("targetRef")
                if not source or not target:
                    raise self.fail(element, _("sequence flow without sourceRef or targetRef"))
                self.flows.append(Flow(element_id, source, target))
            elif tag == "boundaryEvent":
                self._boundary(element, container)
            elif tag in CONTAINERS:
                if element.get("triggeredByEvent") == "true":
                    continue  # an event sub-process handles exceptions outside the flow
                self._sub_process(element, element_id)
            elif tag in REFUSED:
                raise self.fail(element, _("this element cannot be checked against a log"))

    def _sub_process(self, element: etree._Element, element_id: str) -> None:
        self.nodes[element_id] = Node(element_id, "parallel")
        exit_id = f"{element_id}/exit"
        self.nodes[exit_id] = Node(exit_id, "exclusive")
        self.exits[element_id] = exit_id
        nodes_before, flows_before = set(self.nodes), len(self.flows)
        starts_before = len(self.scope_starts)
        self.add_children(element, scope=element_id)
        inner = [n for n in self.nodes if n not in nodes_before]
        inner_flows = self.flows[flows_before:]
        if not inner:
            # A collapsed sub-process shows as one step in the log, like a task.
            del self.nodes[exit_id], self.exits[element_id]
            name = " ".join((element.get("name") or "").split()) or element_id
            self.nodes[element_id] = Node(element_id, "task", name)
            return
        if len(self.scope_starts) == starts_before:
            # Without a start event, BPMN starts every element without incoming flow.
            targets = {f.target for f in inner_flows}
            for node in inner:
                if node not in targets and node not in self.boundary_events:
                    self.scope_starts.append(Flow(f"{element_id}/{node}", element_id, node))
        if not any(f.target == exit_id for f in self.flows[flows_before:]):
            sources = {f.source for f in inner_flows}
            for node in inner:
                if node not in sources:
                    self.flows.append(Flow(f"{node}/{element_id}", node, exit_id))

    def _connect_scope(self, event_id: str, scope: str, tag: str) -> None:
        if tag == "startEvent":
            self.scope_starts.append(Flow(f"{scope}/{event_id}", scope, event_id))
        else:
            self.flows.append(Flow(f"{event_id}/{scope}", event_id, self.exits[scope]))

    def _boundary(self, element: etree._Element, container: etree._Element) -> None:
        element_id = element.get("id") or ""
        has_outgoing = any(
            _local(e) == "sequenceFlow" and e.get("sourceRef") == element_id
            for e in _bpmn_children(container)
        )
        if not has_outgoing:
            return
        attached = element.get("attachedToRef") or ""
        if not element_id:
            raise self.fail(element, _("element without an id"))
        self.nodes[element_id] = Node(element_id, "silent")
        kind = self.alongside if element.get("cancelActivity") == "false" else self.boundary
        kind.setdefault(attached, []).append(element_id)
        self.boundary_events.add(element_id)

    def finish(self) -> dict[str, Node]:
        flows = [Flow(f.id, self.exits.get(f.source, f.source), f.target) for f in self.flows]
        flows.extend(self.scope_starts)
        for activity, events in [*self.boundary.items(), *self.alongside.items()]:
            if activity not in self.nodes:
                raise ModelError(
                    _("boundary event attached to an unknown activity %s") % activity,
                    where=f"{self.where}: {', '.join(events)}",
                )
        for activity, events in self.boundary.items():
            # Interrupted: the activity does not complete, the flow goes on from the event.
            choice = f"{activity}/interrupted"
            self.nodes[choice] = Node(choice, "exclusive")
            flows = [Flow(f.id, f.source, choice) if f.target == activity else f for f in flows]
            flows.append(Flow(f"{choice}/{activity}", choice, activity))
            flows.extend(Flow(f"{choice}/{e}", choice, e) for e in events)
        for activity, events in self.alongside.items():
            # Not interrupting: the event's path may run once beside the activity, or not;
            # "not" ends that token (an end of its own, as BPMN ends each path).
            fork = f"{activity}/alongside"
            self.nodes[fork] = Node(fork, "silent")
            flows = [Flow(f.id, f.source, fork) if f.target == activity else f for f in flows]
            flows.append(Flow(f"{fork}/{activity}", fork, activity))
            for event in events:
                maybe, never = f"{event}/maybe", f"{event}/not-fired"
                self.nodes[maybe] = Node(maybe, "exclusive")
                self.nodes[never] = Node(never, "end")
                flows += [
                    Flow(f"{fork}/{maybe}", fork, maybe),
                    Flow(f"{maybe}/{event}", maybe, event),
                    Flow(f"{maybe}/{never}", maybe, never),
                ]
        for flow in flows:
            for end in (flow.source, flow.target):
                if end not in self.nodes:
                    raise ModelError(
                        _("sequence flow to or from an element that cannot be checked: %s") % end,
                        where=f"{self.where}: <sequenceFlow id={flow.id}>",
                    )
        if not any(n.kind == "start" for n in self.nodes.values()):
            raise ModelError(_("the process has no start event"), where=self.where)
        if not any(n.kind == "end" for n in self.nodes.values()):
            raise ModelError(_("the process has no end event"), where=self.where)
        self.flows = flows
        return self.nodes
