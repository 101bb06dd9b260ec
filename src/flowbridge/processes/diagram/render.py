"""render_svg: one BPMN diagram as a standalone SVG string, with an optional overlay."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree  # type: ignore[import-untyped]

from .model import Bounds, Diagram, DiagramUnavailable, Edge, Shape, load
from .shapes import SUB_PROCESSES, category, draw_edge, draw_shape, edge_category, expanded
from .style import STYLE
from .svg import el, fmt
from .text import LINE_HEIGHT

MARGIN = 30.0


@dataclass(frozen=True)
class NodeState:
    """What the overlay shows on one element: a case state, a count, a tooltip."""

    state: Literal["done", "current", "not_reached"] | None = None
    count: int | None = None
    label: str | None = None


@dataclass(frozen=True)
class Overlay:
    """Per BPMN element id: colouring for one case, or count badges for a process."""

    nodes: Mapping[str, NodeState] = field(default_factory=dict)


def render_svg(
    bpmn_xml: bytes | str,
    *,
    process_id: str | None = None,
    overlay: Overlay | None = None,
    title: str | None = None,
) -> str:
    """Draw the diagram of the file (the one showing process_id when given).

    bpmn_xml is the file as uploaded (bytes) or as decoded text. Raises
    DiagramUnavailable when the file has no diagram information or cannot be read.
    """
    diagram = load(bpmn_xml, process_id)
    raw = bpmn_xml.encode() if isinstance(bpmn_xml, str) else bpmn_xml
    # Marker ids must differ between diagrams shown on one page.
    prefix = "bpmn-" + hashlib.sha256(raw + (process_id or "").encode()).hexdigest()[:8]
    try:
        root = _draw(diagram, overlay or Overlay(), title, prefix, process_id)
    except (ArithmeticError, ValueError, TypeError, LookupError) as error:
        # Odd but parseable input must still end in a clear refusal, never a traceback.
        raise DiagramUnavailable(f"the diagram cannot be drawn: {error}") from error
    return str(etree.tostring(root, encoding="unicode"))


def _draw(
    diagram: Diagram, overlay: Overlay, title: str | None, prefix: str, process_id: str | None
) -> etree._Element:
    box = _extent(diagram)
    width, height = box.width + 2 * MARGIN, box.height + 2 * MARGIN
    root = el(
        None,
        "svg",
        class_="bpmn-diagram",
        viewBox=f"{fmt(box.x - MARGIN)} {fmt(box.y - MARGIN)} {fmt(width)} {fmt(height)}",
        width=width,
        height=height,
        role="img",
    )
    el(root, "title").text = title or diagram.name or _process_name(diagram, process_id)
    el(root, "style").text = STYLE
    _defs(root, prefix)
    shapes_by_id = {shape.element_id: shape for shape in diagram.shapes}
    layers = {name: el(root, "g", class_=f"bpmn-layer-{name}") for name in _LAYERS}
    for shape in diagram.shapes:
        layer = layers[_layer(shape)]
        group = _group(layer, shape.element_id, f"bpmn-{category(shape)}", shape.kind, overlay)
        draw_shape(group, shape)
        _decorate(group, shape.element_id, shape.bounds, shape.name, overlay)
    for edge in diagram.edges:
        group = _group(
            layers["edges"],
            edge.element_id,
            f"bpmn-edge bpmn-{edge_category(edge)}",
            edge.kind,
            overlay,
        )
        draw_edge(group, edge, prefix, shapes_by_id)
        _decorate(group, edge.element_id, None, edge.name, overlay)
    return root


_LAYERS = ("containers", "subprocesses", "edges", "nodes", "boundary", "artifacts")


def _layer(shape: Shape) -> str:
    family = category(shape)
    if family in {"pool", "lane"}:
        return "containers"
    if shape.kind in SUB_PROCESSES | {"callActivity"} and expanded(shape):
        return "subprocesses"
    if shape.kind == "boundaryEvent":
        return "boundary"
    if family in {"annotation", "group"}:
        return "artifacts"
    return "nodes"


def _group(
    parent: etree._Element, element_id: str, family: str, kind: str, overlay: Overlay
) -> etree._Element:
    classes = ["bpmn-element", family]
    if kind:
        classes.append(f"bpmn-kind-{kind}")
    node = overlay.nodes.get(element_id)
    if node is not None and node.state is not None:
        classes.append(f"state-{node.state}")
    if node is not None and node.count is not None:
        classes.append("has-count")
    return el(parent, "g", class_=" ".join(classes), data_element_id=element_id)


def _decorate(
    group: etree._Element, element_id: str, bounds: Bounds | None, name: str, overlay: Overlay
) -> None:
    """Tooltip and count badge from the overlay."""
    node = overlay.nodes.get(element_id)
    tooltip = node.label if node is not None and node.label else name
    if tooltip.strip():
        # A <title> child is the tooltip; it goes first so assistive tools read it.
        tip = el(None, "title")
        tip.text = tooltip
        group.insert(0, tip)
    if node is None or node.count is None or bounds is None:
        return
    text = str(node.count)
    badge_width = max(20.0, 8.0 + 7.0 * len(text))
    x, y = bounds.right - badge_width / 2, bounds.y - 8
    badge = el(group, "g", class_="bpmn-badge", data_count=text)
    el(badge, "rect", x=x - badge_width / 2, y=y - 9, width=badge_width, height=18, rx=9)
    label = el(badge, "text", x=x, y=y + 4, text_anchor="middle")
    label.text = text


def _process_name(diagram: Diagram, process_id: str | None) -> str:
    process = diagram.elements.get(process_id or "")
    if process is not None and process.get("name"):
        return str(process.get("name"))
    return "BPMN diagram"


def _extent(diagram: Diagram) -> Bounds:
    xs: list[float] = []
    ys: list[float] = []

    def add(b: Bounds | None) -> None:
        if b is not None:
            xs.extend((b.x, b.right))
            ys.extend((b.y, b.bottom))

    for shape in diagram.shapes:
        add(shape.bounds)
        add(shape.label_bounds)
        b = shape.bounds
        if b is not None and shape.label_bounds is None and category(shape) in _OUTER_LABELLED:
            # Unplaced names go below the shape; leave room for about three lines.
            add(Bounds(b.cx - 50, b.bottom, 100, 4 + 3 * LINE_HEIGHT))
    for edge in diagram.edges:
        for x, y in edge.waypoints:
            xs.append(x)
            ys.append(y)
        add(edge.label_bounds)
    if not xs:
        return Bounds(0, 0, 100, 100)
    extent = Bounds(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
    if not all(
        math.isfinite(v + 2 * MARGIN) for v in (extent.x, extent.y, extent.right, extent.bottom)
    ):
        raise DiagramUnavailable("the diagram coordinates are out of range")
    return extent


_OUTER_LABELLED = {"event", "gateway", "data-object", "data-store"}


def _defs(root: etree._Element, prefix: str) -> None:
    defs = el(root, "defs")

    def marker(name: str, ref_x: float, orient: str = "auto") -> etree._Element:
        return el(
            defs,
            "marker",
            id=f"{prefix}-{name}",
            viewBox="0 0 12 12",
            refX=ref_x,
            refY=6,
            markerWidth=12,
            markerHeight=12,
            markerUnits="userSpaceOnUse",
            orient=orient,
        )

    el(marker("arrow", 11), "path", d="M1,1 L11,6 L1,11 Z", class_="bpmn-marker-filled")
    el(marker("open-arrow", 11), "path", d="M1,1.5 L11,6 L1,10.5", class_="bpmn-marker-open")
    el(marker("open-arrow-start", 11, "auto-start-reverse"), "path", d="M1,1.5 L11,6 L1,10.5",
       class_="bpmn-marker-open")  # fmt: skip
    el(marker("message-start", 2), "circle", cx=6, cy=6, r=4, class_="bpmn-marker-hollow")
    el(
        marker("condition", 0.5),
        "path",
        d="M0.5,6 L6,2 L11.5,6 L6,10 Z",
        class_="bpmn-marker-hollow",
    )


__all__ = ["DiagramUnavailable", "Edge", "NodeState", "Overlay", "render_svg"]
