"""Drawing one BPMN shape or edge (outline, symbols and name) into its group."""

from __future__ import annotations

import math

from lxml import etree  # type: ignore[import-untyped]

from . import markers
from .model import Bounds, Edge, Shape, first_child
from .svg import el, fmt, path, path_data
from .text import FONT_SIZE, LINE_HEIGHT, fit, text_width, wrap

ACTIVITIES = {
    "task", "userTask", "serviceTask", "scriptTask", "manualTask", "sendTask",
    "receiveTask", "businessRuleTask", "callActivity", "subProcess", "transaction",
    "adHocSubProcess", "globalTask",
}  # fmt: skip
EVENTS = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "implicitThrowEvent",
}  # fmt: skip
GATEWAYS = {
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "complexGateway",
    "eventBasedGateway", "gateway",
}  # fmt: skip
SUB_PROCESSES = {"subProcess", "transaction", "adHocSubProcess"}


def category(shape: Shape) -> str:
    """The CSS family of a shape: task, subprocess, event, gateway, pool, lane, ..."""
    kind = shape.kind
    if kind in SUB_PROCESSES:
        return "subprocess"
    if kind == "callActivity":
        return "call-activity"
    if kind in ACTIVITIES:
        return "task"
    if kind in EVENTS:
        return "event"
    if kind in GATEWAYS:
        return "gateway"
    return {
        "participant": "pool",
        "lane": "lane",
        "dataObjectReference": "data-object",
        "dataObject": "data-object",
        "dataInput": "data-object",
        "dataOutput": "data-object",
        "dataStoreReference": "data-store",
        "textAnnotation": "annotation",
        "group": "group",
    }.get(kind, "other")


def expanded(shape: Shape) -> bool:
    if shape.is_expanded is not None:
        return shape.is_expanded
    # Tools that omit isExpanded: a sub-process drawn much larger than a task is open.
    b = shape.bounds
    return b is not None and b.width > 200 and b.height > 120


def horizontal(shape: Shape) -> bool:
    if shape.is_horizontal is not None:
        return shape.is_horizontal
    b = shape.bounds
    return b is None or b.width >= b.height


def draw_shape(group: etree._Element, shape: Shape) -> None:
    b = shape.bounds
    if b is None:
        return
    family = category(shape)
    drawer = _DRAWERS.get(family, _draw_other)
    drawer(group, shape, b)


def _text_block(
    group: etree._Element,
    lines: list[str],
    cx: float,
    top: float,
    *,
    anchor: str = "middle",
    cls: str = "bpmn-label",
    transform: str | None = None,
) -> None:
    if not lines:
        return
    text = el(group, "text", x=cx, y=top, class_=cls, text_anchor=anchor)
    if transform:
        text.set("transform", transform)
    for index, line in enumerate(lines):
        span = el(text, "tspan", x=cx, dy="0" if index == 0 else fmt(LINE_HEIGHT))
        span.text = line
    text.set("y", fmt(top + FONT_SIZE * 0.85))


def centred_text(group: etree._Element, name: str, b: Bounds, padding: float = 4) -> None:
    """Name centred inside a box, wrapped and cut to fit."""
    width = b.width - 2 * padding
    lines = fit(wrap(name, width), max(1, int((b.height - padding) // LINE_HEIGHT)), width)
    top = b.cy - len(lines) * LINE_HEIGHT / 2
    _text_block(group, lines, b.cx, top)


def outer_label(group: etree._Element, name: str, label: Bounds | None, anchor: Bounds) -> None:
    """Name of an event, gateway or data element: at its label bounds, else below it."""
    if not name.strip():
        return
    cls = "bpmn-label bpmn-outer-label"
    if label is not None:
        # Label bounds are sized for the modeler's font; widen rather than overflow them.
        room = max(1, round(label.height / LINE_HEIGHT))
        width = max(label.width, 40) + 2
        lines = wrap(name, width, cut=False)
        while len(lines) > room and width < max(label.width * 2, 160):
            width += 10
            lines = wrap(name, width, cut=False)
        top = label.y + (label.height - len(lines) * LINE_HEIGHT) / 2
        _text_block(group, lines, label.cx, max(top, label.y - LINE_HEIGHT / 2), cls=cls)
        return
    lines = wrap(name, max(anchor.width * 2, 90), cut=False)
    _text_block(group, lines, anchor.cx, anchor.bottom + 4, cls=cls)


def _draw_task(group: etree._Element, shape: Shape, b: Bounds) -> None:
    body = "bpmn-body"
    if shape.semantic is not None and shape.semantic.get("triggeredByEvent") == "true":
        body += " bpmn-event-subprocess"
    el(group, "rect", x=b.x, y=b.y, width=b.width, height=b.height, rx=10, class_=body)
    if shape.kind == "transaction":
        el(group, "rect", x=b.x + 3, y=b.y + 3, width=max(b.width - 6, 0),
           height=max(b.height - 6, 0), rx=8, class_="bpmn-inner")  # fmt: skip
    markers.task_marker(group, shape.kind, b.x + 6, b.y + 6)
    collapsed = shape.kind in SUB_PROCESSES | {"callActivity"} and not expanded(shape)
    if shape.kind == "callActivity":
        collapsed = not expanded(shape) and _calls_process(shape)
    bottom = (
        20.0 if markers.activity_markers(group, b, shape.semantic, collapsed=collapsed) else 4.0
    )
    if shape.kind in SUB_PROCESSES | {"callActivity"} and expanded(shape):
        lines = wrap(shape.name, b.width - 16)
        _text_block(group, lines, b.x + 8, b.y + 6, anchor="start")
    elif shape.kind in markers.TASK_ICONS:
        # Below the type icon when there is room, otherwise beside it.
        below = Bounds(b.x, b.y + 20, b.width, b.height - 20 - bottom)
        if len(wrap(shape.name, b.width - 8)) * LINE_HEIGHT <= below.height:
            centred_text(group, shape.name, below)
        else:
            centred_text(
                group, shape.name, Bounds(b.x + 20, b.y + 2, b.width - 22, b.height - bottom)
            )
    else:
        centred_text(group, shape.name, Bounds(b.x, b.y + 2, b.width, b.height - bottom))


def _calls_process(shape: Shape) -> bool:
    # A call activity calling a process (not a global task) shows the [+] marker.
    return shape.semantic is None or not str(shape.semantic.get("calledElement", "")).startswith(
        "global"
    )


def _draw_event(group: etree._Element, shape: Shape, b: Bounds) -> None:
    r = min(b.width, b.height) / 2
    cx, cy = b.cx, b.cy
    kind = shape.kind
    semantic = shape.semantic
    classes = "bpmn-body"
    interrupting = True
    if semantic is not None:
        if kind == "boundaryEvent":
            interrupting = semantic.get("cancelActivity", "true") != "false"
        elif kind == "startEvent":
            interrupting = semantic.get("isInterrupting", "true") != "false"
    if not interrupting:
        classes += " bpmn-non-interrupting"
    if kind == "endEvent":
        ring = el(group, "circle", cx=cx, cy=cy, r=r - 1.5, class_=classes + " bpmn-end")
        if r < 14:
            # Small end events (some tools draw them 15 px wide) keep a visible centre.
            ring.set("style", f"stroke-width:{fmt(max(1.5, r / 4.5))}")
    else:
        el(group, "circle", cx=cx, cy=cy, r=r, class_=classes)
    if kind in {"intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}:
        el(group, "circle", cx=cx, cy=cy, r=max(r - 3, 1), class_=classes + " bpmn-inner")
    triggers = markers.event_definitions(semantic)
    if len(triggers) > 1:
        triggers = ["parallelMultiple" if semantic is not None
                    and semantic.get("parallelMultiple") == "true" else "multiple"]  # fmt: skip
    if triggers:
        throw = kind in {"endEvent", "intermediateThrowEvent", "implicitThrowEvent"}
        markers.event_marker(group, triggers[0], cx, cy, r, throw=throw)
    outer_label(group, shape.name, shape.label_bounds, b)


def _draw_gateway(group: etree._Element, shape: Shape, b: Bounds) -> None:
    diamond = path_data(
        "M", b.cx, b.y, "L", b.right, b.cy, "L", b.cx, b.bottom, "L", b.x, b.cy, "Z"
    )
    path(group, diamond, "bpmn-body")
    markers.gateway_marker(group, shape.kind, b, marker_visible=shape.is_marker_visible,
                           semantic=shape.semantic)  # fmt: skip
    outer_label(group, shape.name, shape.label_bounds, b)


def _draw_container(group: etree._Element, shape: Shape, b: Bounds) -> None:
    el(group, "rect", x=b.x, y=b.y, width=b.width, height=b.height, class_="bpmn-body")
    strip = 30.0
    is_pool = shape.kind == "participant"
    black_box = is_pool and shape.semantic is not None and not shape.semantic.get("processRef")
    if black_box:
        centred_text(group, shape.name, b)
        return
    if horizontal(shape):
        if is_pool:
            path(group, f"M{fmt(b.x + strip)},{fmt(b.y)} v{fmt(b.height)}", "bpmn-divider")
        lines = fit(wrap(shape.name, b.height - 8), 2, b.height - 8)
        cx, top = b.x + strip / 2, b.cy
        # Rotated a quarter turn anticlockwise, as modelers draw pool and lane names.
        first = top - len(lines) * LINE_HEIGHT / 2
        _text_block(group, lines, cx, first, transform=f"rotate(-90 {fmt(cx)} {fmt(top)})")
    else:
        if is_pool:
            path(group, f"M{fmt(b.x)},{fmt(b.y + strip)} h{fmt(b.width)}", "bpmn-divider")
        lines = fit(wrap(shape.name, b.width - 8), 2, b.width - 8)
        _text_block(group, lines, b.cx, b.y + strip / 2 - len(lines) * LINE_HEIGHT / 2)


def _draw_data_object(group: etree._Element, shape: Shape, b: Bounds) -> None:
    fold = min(10.0, b.width / 3)
    page = path_data(
        "M", b.x, b.y, "h", b.width - fold, "l", fold, fold, "V", b.bottom, "H", b.x, "Z"
    )
    corner = path_data("M", b.right - fold, b.y, "v", fold, "h", fold)
    path(group, f"{page} {corner}", "bpmn-body")
    if shape.kind in {"dataInput", "dataOutput"}:
        pts = f"M{fmt(b.x + 3)},{fmt(b.y + 5)} h6 v-3 l5,5 l-5,5 v-3 h-6 Z"
        path(group, pts, "bpmn-icon-filled" if shape.kind == "dataOutput" else "bpmn-icon")
    if shape.is_collection:
        d = " ".join(f"M{fmt(b.cx + dx)},{fmt(b.bottom - 12)} v9" for dx in (-4, 0, 4))
        path(group, d, "bpmn-icon-line bpmn-icon-bar")
    outer_label(group, shape.name, shape.label_bounds, b)


def _draw_data_store(group: etree._Element, shape: Shape, b: Bounds) -> None:
    ry = min(8.0, b.height / 6)
    rx = b.width / 2
    body = path_data(
        "M", b.x, b.y + ry, "A", rx, ry, "0 0 1", b.right, b.y + ry, "V", b.bottom - ry
    )
    body += path_data(" A", rx, ry, "0 0 1", b.x, b.bottom - ry, "Z")
    path(group, body, "bpmn-body")
    rim = " ".join(
        path_data("M", b.x, b.y + ry * k, "A", rx, ry, "0 0 0", b.right, b.y + ry * k)
        for k in (1, 2, 3)
    )
    path(group, rim, "bpmn-icon-line")
    outer_label(group, shape.name, shape.label_bounds, b)


def _draw_annotation(group: etree._Element, shape: Shape, b: Bounds) -> None:
    el(group, "rect", x=b.x, y=b.y, width=b.width, height=b.height, class_="bpmn-hit")
    path(
        group,
        f"M{fmt(b.x + 10)},{fmt(b.y)} H{fmt(b.x)} V{fmt(b.bottom)} H{fmt(b.x + 10)}",
        "bpmn-body",
    )
    lines = fit(wrap(shape.name, b.width - 10), max(1, int(b.height // LINE_HEIGHT)), b.width - 10)
    top = b.cy - len(lines) * LINE_HEIGHT / 2
    _text_block(group, lines, b.x + 6, top, anchor="start")


def _draw_group(group: etree._Element, shape: Shape, b: Bounds) -> None:
    el(group, "rect", x=b.x, y=b.y, width=b.width, height=b.height, rx=10, class_="bpmn-body")
    if shape.name:
        lines = wrap(shape.name, max(b.width - 10, 60))
        _text_block(group, lines, b.cx, b.y + 4)


def _draw_other(group: etree._Element, shape: Shape, b: Bounds) -> None:
    el(group, "rect", x=b.x, y=b.y, width=b.width, height=b.height, class_="bpmn-body")
    centred_text(group, shape.name, b)


_DRAWERS = {
    "task": _draw_task,
    "subprocess": _draw_task,
    "call-activity": _draw_task,
    "event": _draw_event,
    "gateway": _draw_gateway,
    "pool": _draw_container,
    "lane": _draw_container,
    "data-object": _draw_data_object,
    "data-store": _draw_data_store,
    "annotation": _draw_annotation,
    "group": _draw_group,
}


def edge_category(edge: Edge) -> str:
    return {
        "sequenceFlow": "sequence-flow",
        "messageFlow": "message-flow",
        "association": "association",
        "dataInputAssociation": "data-association",
        "dataOutputAssociation": "data-association",
        "conversationLink": "message-flow",
    }.get(edge.kind, "flow")


def draw_edge(
    group: etree._Element, edge: Edge, marker_prefix: str, shapes: dict[str, Shape]
) -> None:
    points = edge.waypoints
    if len(points) < 2:
        return
    family = edge_category(edge)
    d = "M" + " L".join(f"{fmt(x)},{fmt(y)}" for x, y in points)
    line = path(group, d, "bpmn-line")
    semantic = edge.semantic
    if family == "sequence-flow":
        line.set("marker-end", f"url(#{marker_prefix}-arrow)")
        source = shapes.get(semantic.get("sourceRef", "")) if semantic is not None else None
        if (
            source is not None
            and source.semantic is not None
            and (source.semantic.get("default") == edge.element_id)
        ):
            _default_slash(group, points)
        elif (
            semantic is not None
            and first_child(semantic, "conditionExpression") is not None
            and source is not None
            and category(source) in {"task", "subprocess", "call-activity"}
        ):
            line.set("marker-start", f"url(#{marker_prefix}-condition)")
    elif family == "message-flow":
        line.set("marker-start", f"url(#{marker_prefix}-message-start)")
        line.set("marker-end", f"url(#{marker_prefix}-open-arrow)")
    elif family == "data-association":
        line.set("marker-end", f"url(#{marker_prefix}-open-arrow)")
    elif family == "association" and semantic is not None:
        direction = semantic.get("associationDirection", "None")
        if direction in {"One", "Both"}:
            line.set("marker-end", f"url(#{marker_prefix}-open-arrow)")
        if direction == "Both":
            line.set("marker-start", f"url(#{marker_prefix}-open-arrow-start)")
    if edge.name.strip():
        _edge_label(group, edge)


def _default_slash(group: etree._Element, points: tuple[tuple[float, float], ...]) -> None:
    (x1, y1), (x2, y2) = points[0], points[1]
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    px, py = x1 + ux * 10, y1 + uy * 10
    # A short stroke across the line, tilted 45 degrees.
    nx, ny = -uy, ux
    ax, ay = (ux + nx) * 5, (uy + ny) * 5
    path(
        group,
        f"M{fmt(px - ax)},{fmt(py - ay)} L{fmt(px + ax)},{fmt(py + ay)}",
        "bpmn-line bpmn-default",
    )


def _edge_label(group: etree._Element, edge: Edge) -> None:
    label = edge.label_bounds
    if label is not None:
        outer_label(group, edge.name, label, label)
        return
    points = edge.waypoints
    middle = len(points) // 2
    (x1, y1), (x2, y2) = points[middle - 1], points[middle]
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    lines = wrap(edge.name, 90)
    width = max(text_width(line) for line in lines) if lines else 0.0
    _text_block(group, lines, mx + width / 2 + 4, my - len(lines) * LINE_HEIGHT - 2,
                cls="bpmn-label bpmn-outer-label")  # fmt: skip
