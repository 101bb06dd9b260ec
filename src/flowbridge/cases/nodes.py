"""What a BPMN file says about each node beyond BPMN: kind, assignees, mode, rejection, due time.

Read from ``flowbridge.*`` extension properties, Camunda assignment
attributes and lanes, as docs/process-conventions.md describes. Pure lxml,
no Django, so the designer and tests can use it on any file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree  # type: ignore[import-untyped]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
PREFIX = "flowbridge."

KINDS = ("approval", "task", "cc", "auto")
MODES = ("sequential", "countersign", "or-sign")
COUNTERSIGN_RULES = ("all", "majority")
ON_REJECT = ("end", "route")
WITHDRAW = ("until_acted", "any_time", "never")
HUMAN_TAGS = ("userTask", "manualTask", "task")


@dataclass(frozen=True)
class NodeConfig:
    """How Flowbridge runs one human or automatic node."""

    node_id: str
    name: str
    kind: str = "approval"
    assignee_rules: tuple[str, ...] = ()
    mode: str = "or-sign"
    countersign_rule: str = "all"
    on_reject: str = "end"
    due: str = ""
    department: str = ""
    lane: str = ""
    cc_rules: tuple[str, ...] = ()
    sets: tuple[tuple[str, str], ...] = ()

    @property
    def is_human(self) -> bool:
        return self.kind in ("approval", "task")


@dataclass(frozen=True)
class ProcessConfig:
    """Process-wide settings and every node's configuration."""

    process_id: str
    name: str
    withdraw: str = "until_acted"
    title: str = ""
    nodes: dict[str, NodeConfig] = field(default_factory=dict)

    def node(self, node_id: str) -> NodeConfig:
        """The node's configuration; an unknown id is a human task with no rules."""
        return self.nodes.get(node_id) or NodeConfig(node_id=node_id, name=node_id, kind="task")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def properties(element: etree._Element) -> dict[str, str]:
    """``flowbridge.*`` extension properties directly on ``element`` (not on nested elements)."""
    found: dict[str, str] = {}
    extensions = element.find(f"{{{BPMN_NS}}}extensionElements")
    if extensions is None:
        return found
    for props in extensions.findall(f"{{{CAMUNDA_NS}}}properties"):
        for prop in props.findall(f"{{{CAMUNDA_NS}}}property"):
            name = prop.get("name") or prop.get("id") or ""
            if name.startswith(PREFIX):
                found[name[len(PREFIX) :]] = prop.get("value") or ""
    return found


def split_rules(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.replace("\n", ";").split(";") if part.strip())


def _camunda_rules(element: etree._Element) -> list[str]:
    rules: list[str] = []
    assignee = (element.get(f"{{{CAMUNDA_NS}}}assignee") or "").strip()
    if assignee:
        rules.append(f"person:{assignee}")
    for user in (element.get(f"{{{CAMUNDA_NS}}}candidateUsers") or "").split(","):
        if user.strip():
            rules.append(f"person:{user.strip()}")
    for group in (element.get(f"{{{CAMUNDA_NS}}}candidateGroups") or "").split(","):
        if group.strip():
            rules.append(f"group:{group.strip()}")
    return rules


def _lanes(process: etree._Element) -> dict[str, str]:
    """Node id → name of the innermost lane holding it."""
    lanes: dict[str, str] = {}
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        name = (lane.get("name") or "").strip()
        for ref in lane.findall(f"{{{BPMN_NS}}}flowNodeRef"):
            if ref.text and name:
                lanes[ref.text.strip()] = name
    return lanes


def _choice(value: str | None, allowed: tuple[str, ...], default: str) -> str:
    value = (value or "").strip()
    return value if value in allowed else default


def node_config(element: etree._Element, lane: str = "") -> NodeConfig:
    """The configuration of one task element."""
    props = properties(element)
    tag = _local(element.tag)
    default_kind = "approval" if tag == "userTask" else "task"
    rules = split_rules(props.get("assignee", "")) or tuple(_camunda_rules(element))
    return NodeConfig(
        node_id=element.get("id") or "",
        name=(element.get("name") or element.get("id") or "").strip(),
        kind=_choice(props.get("kind"), KINDS, default_kind),
        assignee_rules=rules,
        mode=_choice(props.get("mode"), MODES, "or-sign"),
        countersign_rule=_choice(props.get("countersign_rule"), COUNTERSIGN_RULES, "all"),
        on_reject=_choice(props.get("on_reject"), ON_REJECT, "end"),
        due=props.get("due", "").strip(),
        department=props.get("department", "").strip(),
        lane=lane,
        cc_rules=split_rules(props.get("cc", "")),
        sets=tuple(
            (name[len("set.") :], expr) for name, expr in props.items() if name.startswith("set.")
        ),
    )


def process_config(process: etree._Element) -> ProcessConfig:
    """The configuration of a ``bpmn:process`` element and every task inside it."""
    lanes = _lanes(process)
    nodes: dict[str, NodeConfig] = {}
    for element in process.iter():
        if _local(element.tag) in HUMAN_TAGS and element.tag.startswith(f"{{{BPMN_NS}}}"):
            config = node_config(element, lanes.get(element.get("id") or "", ""))
            nodes[config.node_id] = config
    props = properties(process)
    return ProcessConfig(
        process_id=process.get("id") or "",
        name=(process.get("name") or "").strip(),
        withdraw=_choice(props.get("withdraw"), WITHDRAW, "until_acted"),
        title=props.get("title", ""),
        nodes=nodes,
    )
