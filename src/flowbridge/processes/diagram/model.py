"""Reading the BPMN DI of one diagram into plain data.

Only lxml is used, with a parser that neither resolves entities nor reaches
the network, so uploaded files cannot expand entities or fetch anything.
Elements are matched by local name: real tools use several namespace
prefixes and a few even use non-standard namespace URIs.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from lxml import etree  # type: ignore[import-untyped]


class DiagramUnavailable(ValueError):
    """The file has no usable diagram information (or is not readable XML)."""


@dataclass(frozen=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class Shape:
    """One BPMNShape joined with the semantic element it shows."""

    element_id: str
    kind: str  # local name of the semantic element, e.g. "userTask"; "" when unknown
    bounds: Bounds | None
    label_bounds: Bounds | None
    name: str
    semantic: etree._Element | None
    is_expanded: bool | None
    is_horizontal: bool | None
    is_marker_visible: bool | None
    is_collection: bool = False


@dataclass(frozen=True)
class Edge:
    """One BPMNEdge joined with the semantic flow or association it shows."""

    element_id: str
    kind: str
    waypoints: tuple[tuple[float, float], ...]
    label_bounds: Bounds | None
    name: str
    semantic: etree._Element | None


@dataclass
class Diagram:
    name: str
    shapes: list[Shape] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    elements: dict[str, etree._Element] = field(default_factory=dict)


def local(element: etree._Element) -> str:
    """The local name of an element ('' for comments and processing instructions)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local(child) == name]


def first_child(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if local(child) == name:
            return child
    return None


_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def parse_xml(bpmn_xml: bytes | str) -> etree._Element:
    """Parse safely; any syntax problem becomes DiagramUnavailable.

    Text (already decoded) is accepted too: its XML declaration is dropped,
    since an encoding named there no longer applies.
    """
    if isinstance(bpmn_xml, str):
        bpmn_xml = _DECLARATION.sub("", bpmn_xml, count=1)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        # The parser above neither loads DTDs nor resolves entities.
        root = etree.fromstring(bpmn_xml, parser)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise DiagramUnavailable(f"the file is not readable XML: {error}") from error
    if root is None:
        raise DiagramUnavailable("the file is empty")
    return root


def _number(value: str | None, what: str) -> float:
    try:
        number = float(value) if value is not None else math.nan
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise DiagramUnavailable(f"{what}: {value!r} is not a number")
    return number


def _bounds(owner: etree._Element, what: str) -> Bounds | None:
    node = first_child(owner, "Bounds")
    if node is None:
        return None
    width = _number(node.get("width"), f"{what} width")
    height = _number(node.get("height"), f"{what} height")
    return Bounds(
        _number(node.get("x"), f"{what} x"),
        _number(node.get("y"), f"{what} y"),
        max(width, 0.0),
        max(height, 0.0),
    )


def _label_bounds(owner: etree._Element, what: str) -> Bounds | None:
    label = first_child(owner, "BPMNLabel")
    if label is None:
        return None
    found = _bounds(label, f"{what} label")
    if found is None or found.width <= 0 or found.height <= 0:
        return None
    return found


def _flag(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip().lower() == "true"


def element_name(element: etree._Element | None) -> str:
    """The text a modeler shows for an element."""
    if element is None:
        return ""
    kind = local(element)
    if kind == "textAnnotation":
        text = first_child(element, "text")
        return (text.text or "") if text is not None else ""
    name = element.get("name") or ""
    if kind in {"dataObjectReference", "dataStoreReference", "dataObject"}:
        state = first_child(element, "dataState")
        if state is not None and state.get("name"):
            name = f"{name}\n[{state.get('name')}]"
    return name


def _choose_diagram(
    diagrams: list[etree._Element],
    elements: dict[str, etree._Element],
    process_id: str | None,
) -> etree._Element:
    if process_id is None:
        return diagrams[0]
    for diagram in diagrams:
        plane = first_child(diagram, "BPMNPlane")
        if plane is None:
            continue
        ref = plane.get("bpmnElement")
        if ref == process_id:
            return diagram
        target = elements.get(ref or "")
        if target is not None and local(target) == "collaboration":
            for participant in children(target, "participant"):
                if participant.get("processRef") == process_id:
                    return diagram
    return diagrams[0]


def load(bpmn_xml: bytes | str, process_id: str | None = None) -> Diagram:
    """Parse the file and collect the shapes and edges of the chosen diagram."""
    root = parse_xml(bpmn_xml)
    elements: dict[str, etree._Element] = {}
    diagrams: list[etree._Element] = []
    for element in root.iter():
        name = local(element)
        if name == "BPMNDiagram":
            diagrams.append(element)
        elif name and element.get("id") and not name.startswith("BPMN"):
            elements.setdefault(element.get("id") or "", element)
    if not diagrams:
        raise DiagramUnavailable("the file has no diagram information (BPMN DI)")
    chosen = _choose_diagram(diagrams, elements, process_id)
    plane = first_child(chosen, "BPMNPlane")
    if plane is None:
        raise DiagramUnavailable("the diagram has no plane (BPMN DI)")
    diagram = Diagram(name=chosen.get("name") or "", elements=elements)
    for item in plane.iter():
        kind = local(item)
        if kind == "BPMNShape":
            diagram.shapes.append(_shape(item, elements))
        elif kind == "BPMNEdge":
            diagram.edges.append(_edge(item, elements))
    if not diagram.shapes and not diagram.edges:
        raise DiagramUnavailable("the diagram information (BPMN DI) is empty")
    return diagram


def _shape(item: etree._Element, elements: dict[str, etree._Element]) -> Shape:
    ref = item.get("bpmnElement") or item.get("id") or ""
    semantic = elements.get(ref)
    what = f"shape {ref}"
    return Shape(
        element_id=ref,
        kind=local(semantic) if semantic is not None else "",
        bounds=_bounds(item, what),
        label_bounds=_label_bounds(item, what),
        name=element_name(semantic),
        semantic=semantic,
        is_expanded=_flag(item.get("isExpanded")),
        is_horizontal=_flag(item.get("isHorizontal")),
        is_marker_visible=_flag(item.get("isMarkerVisible")),
        is_collection=_is_collection(semantic, elements),
    )


def _is_collection(semantic: etree._Element | None, elements: dict[str, etree._Element]) -> bool:
    if semantic is None:
        return False
    # A data object reference shows the collection marker of the object it refers to.
    target = elements.get(semantic.get("dataObjectRef") or "", semantic)
    return bool(target.get("isCollection") == "true")


def _edge(item: etree._Element, elements: dict[str, etree._Element]) -> Edge:
    ref = item.get("bpmnElement") or item.get("id") or ""
    semantic = elements.get(ref)
    what = f"edge {ref}"
    points = tuple(
        (_number(point.get("x"), f"{what} x"), _number(point.get("y"), f"{what} y"))
        for point in children(item, "waypoint")
    )
    return Edge(
        element_id=ref,
        kind=local(semantic) if semantic is not None else "",
        waypoints=points,
        label_bounds=_label_bounds(item, what),
        name=element_name(semantic),
        semantic=semantic,
    )
