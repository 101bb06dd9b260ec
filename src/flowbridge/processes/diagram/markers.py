"""The small symbols inside shapes: task types, event triggers, gateway kinds, loops.

Each function draws into a group at absolute coordinates. The symbols are
simplified versions of the BPMN 2.0 notation, distinct enough to recognize.
"""

from __future__ import annotations

import math

from lxml import etree  # type: ignore[import-untyped]

from .model import Bounds, first_child, local
from .svg import el, fmt, path, path_data


def _poly(points: list[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{fmt(x)},{fmt(y)}" for x, y in points) + " Z"


TASK_ICONS = {
    "userTask", "serviceTask", "scriptTask", "manualTask", "sendTask", "receiveTask",
    "businessRuleTask",
}  # fmt: skip


def task_marker(group: etree._Element, kind: str, x: float, y: float) -> None:
    """The task-type icon in the top-left corner (x, y = its top-left)."""
    if kind == "userTask":
        path(group, f"M{fmt(x + 1)},{fmt(y + 15)} c0,-7 14,-7 14,0 Z", "bpmn-icon")
        el(group, "circle", cx=x + 8, cy=y + 5, r=3.5, class_="bpmn-icon")
    elif kind == "serviceTask":
        el(group, "circle", cx=x + 8, cy=y + 8, r=6, class_="bpmn-gear")
        el(group, "circle", cx=x + 8, cy=y + 8, r=4.5, class_="bpmn-icon")
        el(group, "circle", cx=x + 8, cy=y + 8, r=1.8, class_="bpmn-icon")
    elif kind == "scriptTask":
        d = f"M{fmt(x + 4)},{fmt(y)} h11 c-4,4 4,8 0,15 h-11 c4,-7 -4,-11 0,-15 Z"
        path(group, d, "bpmn-icon")
        lines = "".join(f" M{fmt(x + 4)},{fmt(y + dy)} h6" for dy in (4, 7.5, 11))
        path(group, lines.strip(), "bpmn-icon-line")
    elif kind == "manualTask":
        d = (
            f"M{fmt(x)},{fmt(y + 7)} l5,-5 h3 l-2,3 h9 v2 h-7 h8 v2 h-8 h7 v2 h-7 h5 v2"
            f" h-11 l-2,-2 Z"
        )
        path(group, d, "bpmn-icon")
    elif kind in {"sendTask", "receiveTask"}:
        envelope(group, x + 8, y + 7, 16, 11, filled=kind == "sendTask")
    elif kind == "businessRuleTask":
        el(group, "rect", x=x, y=y + 1, width=17, height=13, class_="bpmn-icon")
        el(group, "rect", x=x, y=y + 1, width=17, height=3.5, class_="bpmn-icon-filled")
        d = f"M{fmt(x)},{fmt(y + 9)} h17 M{fmt(x + 5)},{fmt(y + 4.5)} v9.5"
        path(group, d, "bpmn-icon-line")


def envelope(
    group: etree._Element, cx: float, cy: float, width: float, height: float, *, filled: bool
) -> None:
    x, y = cx - width / 2, cy - height / 2
    el(
        group,
        "rect",
        x=x,
        y=y,
        width=width,
        height=height,
        class_="bpmn-icon-filled" if filled else "bpmn-icon",
    )
    d = f"M{fmt(x)},{fmt(y)} L{fmt(cx)},{fmt(cy + 1)} L{fmt(x + width)},{fmt(y)}"
    path(group, d, "bpmn-icon-inverse" if filled else "bpmn-icon-line")


def event_definitions(semantic: etree._Element | None) -> list[str]:
    """Trigger kinds of an event: 'message', 'timer', ... (empty for a plain event)."""
    if semantic is None:
        return []
    kinds = [
        local(child)[: -len("EventDefinition")]
        for child in semantic
        if local(child).endswith("EventDefinition")
    ]
    kinds += ["multiple"] * len([c for c in semantic if local(c) == "eventDefinitionRef"])
    return kinds


def event_marker(
    group: etree._Element, trigger: str, cx: float, cy: float, r: float, *, throw: bool
) -> None:
    """The trigger symbol inside an event circle of radius r."""
    cls = "bpmn-icon-filled" if throw else "bpmn-icon"
    s = r / 18  # symbols are designed for the usual 36 px event
    if trigger == "message":
        envelope(group, cx, cy, 16 * s, 11 * s, filled=throw)
    elif trigger == "timer":
        el(group, "circle", cx=cx, cy=cy, r=11 * s, class_="bpmn-icon")
        ticks = " ".join(
            f"M{fmt(cx + 9 * s * math.cos(a))},{fmt(cy + 9 * s * math.sin(a))}"
            f" L{fmt(cx + 11 * s * math.cos(a))},{fmt(cy + 11 * s * math.sin(a))}"
            for a in (i * math.pi / 6 for i in range(12))
        )
        path(group, ticks, "bpmn-icon-line")
        hands = f"M{fmt(cx)},{fmt(cy - 8 * s)} L{fmt(cx)},{fmt(cy)} L{fmt(cx + 6 * s)},{fmt(cy)}"
        path(group, hands, "bpmn-icon-line")
    elif trigger == "error":
        pts = [(-8, 8), (-3, -8), (2, 2), (8, -8), (3, 8), (-2, -2)]
        path(group, _poly([(cx + px * s, cy + py * s) for px, py in pts]), cls)
    elif trigger == "signal":
        pts = [(0, -10), (9, 6), (-9, 6)]
        path(group, _poly([(cx + px * s, cy + py * s) for px, py in pts]), cls)
    elif trigger == "escalation":
        pts = [(0, -10), (7, 8), (0, 2), (-7, 8)]
        path(group, _poly([(cx + px * s, cy + py * s) for px, py in pts]), cls)
    elif trigger == "conditional":
        el(
            group,
            "rect",
            x=cx - 7 * s,
            y=cy - 9 * s,
            width=14 * s,
            height=18 * s,
            class_="bpmn-icon",
        )
        lines = " ".join(
            f"M{fmt(cx - 4.5 * s)},{fmt(cy + dy * s)} h{fmt(9 * s)}" for dy in (-5, -1.5, 2, 5.5)
        )
        path(group, lines, "bpmn-icon-line")
    elif trigger == "link":
        pts = [(-8, -3), (1, -3), (1, -8), (9, 0), (1, 8), (1, 3), (-8, 3)]
        path(group, _poly([(cx + px * s, cy + py * s) for px, py in pts]), cls)
    elif trigger == "compensate":
        for dx in (-9, 0):
            pts = [(dx, 0), (dx + 9, -7), (dx + 9, 7)]
            path(group, _poly([(cx + px * s, cy + py * s) for px, py in pts]), cls)
    elif trigger == "terminate":
        el(group, "circle", cx=cx, cy=cy, r=11 * s, class_="bpmn-icon-filled")
    elif trigger == "cancel":
        d = (
            f"M{fmt(cx - 7 * s)},{fmt(cy - 7 * s)} L{fmt(cx + 7 * s)},{fmt(cy + 7 * s)}"
            f" M{fmt(cx + 7 * s)},{fmt(cy - 7 * s)} L{fmt(cx - 7 * s)},{fmt(cy + 7 * s)}"
        )
        path(group, d, "bpmn-icon-thick")
    elif trigger in {"multiple", "parallelMultiple"}:
        pentagon(group, cx, cy, 9 * s, cls)


def pentagon(group: etree._Element, cx: float, cy: float, radius: float, cls: str) -> None:
    pts = [
        (cx + radius * math.sin(i * 2 * math.pi / 5), cy - radius * math.cos(i * 2 * math.pi / 5))
        for i in range(5)
    ]
    path(group, _poly(pts), cls)


def gateway_marker(
    group: etree._Element,
    shape_kind: str,
    b: Bounds,
    *,
    marker_visible: bool | None,
    semantic: etree._Element | None,
) -> None:
    cx, cy = b.cx, b.cy
    u = min(b.width, b.height) / 50  # symbols are designed for the usual 50 px gateway
    if shape_kind == "exclusiveGateway":
        if marker_visible is False:
            return
        d = (
            f"M{fmt(cx - 8 * u)},{fmt(cy - 8 * u)} L{fmt(cx + 8 * u)},{fmt(cy + 8 * u)}"
            f" M{fmt(cx + 8 * u)},{fmt(cy - 8 * u)} L{fmt(cx - 8 * u)},{fmt(cy + 8 * u)}"
        )
        path(group, d, "bpmn-icon-thick")
    elif shape_kind == "parallelGateway":
        plus = path_data("M", cx, cy - 11 * u, "v", 22 * u, "M", cx - 11 * u, cy, "h", 22 * u)
        path(group, plus, "bpmn-icon-thick")
    elif shape_kind == "inclusiveGateway":
        el(group, "circle", cx=cx, cy=cy, r=10 * u, class_="bpmn-icon-thick")
    elif shape_kind == "complexGateway":
        r = 11 * u
        d = (
            f"M{fmt(cx)},{fmt(cy - r)} v{fmt(2 * r)} M{fmt(cx - r)},{fmt(cy)} h{fmt(2 * r)}"
            f" M{fmt(cx - 0.7 * r)},{fmt(cy - 0.7 * r)} l{fmt(1.4 * r)},{fmt(1.4 * r)}"
            f" M{fmt(cx + 0.7 * r)},{fmt(cy - 0.7 * r)} l{fmt(-1.4 * r)},{fmt(1.4 * r)}"
        )
        path(group, d, "bpmn-icon-thick")
    elif shape_kind == "eventBasedGateway":
        instantiate = semantic is not None and semantic.get("instantiate") == "true"
        el(group, "circle", cx=cx, cy=cy, r=12 * u, class_="bpmn-icon")
        if not instantiate:
            el(group, "circle", cx=cx, cy=cy, r=9.5 * u, class_="bpmn-icon")
        if semantic is not None and semantic.get("eventGatewayType") == "Parallel":
            plus = path_data("M", cx, cy - 6 * u, "v", 12 * u, "M", cx - 6 * u, cy, "h", 12 * u)
            path(group, plus, "bpmn-icon-line")
        else:
            pentagon(group, cx, cy, 6 * u, "bpmn-icon")


def activity_markers(
    group: etree._Element, b: Bounds, semantic: etree._Element | None, *, collapsed: bool
) -> bool:
    """Loop, multi-instance, compensation and collapsed-sub-process markers, bottom centre.

    Returns whether any marker was drawn (the name then keeps clear of them).
    """
    symbols: list[str] = []
    loop = None
    if semantic is not None:
        loop = first_child(semantic, "multiInstanceLoopCharacteristics")
        if loop is not None:
            symbols.append("mi-seq" if loop.get("isSequential") == "true" else "mi-par")
        elif first_child(semantic, "standardLoopCharacteristics") is not None:
            symbols.append("loop")
        if semantic.get("isForCompensation") == "true":
            symbols.append("compensate")
    if collapsed:
        symbols.append("collapsed")
    if semantic is not None and local(semantic) == "adHocSubProcess":
        symbols.append("adhoc")
    size, gap = 14.0, 4.0
    left = b.cx - (len(symbols) * size + (len(symbols) - 1) * gap) / 2
    top = b.bottom - size - 4
    for index, symbol in enumerate(symbols):
        x = left + index * (size + gap)
        _activity_symbol(group, symbol, x, top, size)
    return bool(symbols)


def _activity_symbol(group: etree._Element, symbol: str, x: float, y: float, size: float) -> None:
    if symbol == "collapsed":
        el(group, "rect", x=x, y=y, width=size, height=size, class_="bpmn-icon")
        plus = path_data(
            "M", x + 3, y + size / 2, "h", size - 6, "M", x + size / 2, y + 3, "v", size - 6
        )
        path(group, plus, "bpmn-icon-line")
    elif symbol == "mi-par":
        d = " ".join(f"M{fmt(x + dx)},{fmt(y + 1)} v{fmt(size - 2)}" for dx in (3, 7, 11))
        path(group, d, "bpmn-icon-line bpmn-icon-bar")
    elif symbol == "mi-seq":
        d = " ".join(f"M{fmt(x + 1)},{fmt(y + dy)} h{fmt(size - 2)}" for dy in (3, 7, 11))
        path(group, d, "bpmn-icon-line bpmn-icon-bar")
    elif symbol == "loop":
        r = size / 2 - 1.5
        cx, cy = x + size / 2, y + size / 2
        sx, sy = cx - r * 0.7, cy + r * 0.7
        arc = path_data("M", sx, sy, "A", r, r, "0 1 1", cx + r * 0.7, sy)
        path(group, arc + path_data(" M", sx, sy, "l -3 0 M", sx, sy, "l 0 3"), "bpmn-icon-line")
    elif symbol == "adhoc":
        wave = path_data("M", x + 1, y + size / 2, "c", 3, -5, 6, -5, 6, 0, "s", 3, 5, 6, 0)
        path(group, wave, "bpmn-icon-line bpmn-icon-bar")
    elif symbol == "compensate":
        for dx in (0, size / 2):
            pts = [
                (x + dx, y + size / 2),
                (x + dx + size / 2, y + 2),
                (x + dx + size / 2, y + size - 2),
            ]
            path(group, _poly(pts), "bpmn-icon")
