"""Process maps and hand-off matrices as self-contained SVG.

The pictures carry everything inline — styles as attributes, no external
fonts, images or scripts — so they open offline, inside an HTML report or a
page. Every node and edge carries ``data-*`` attributes with its figures, so
a page can filter by frequency and answer clicks with a few lines of
JavaScript:

* ``<g class="fb-node" data-activity data-frequency>`` per activity;
* ``<g class="fb-edge" data-source data-target data-frequency
  data-median-seconds data-mean-seconds>`` per directly-follows edge
  (also self-loops; ``data-back="1"`` on edges that loop back);
* ``<g class="fb-terminal" data-activity data-frequency data-side>`` for the
  edges from the start marker and to the end marker (``data-side`` is
  ``start`` or ``end``) — not edges of the log, cases starting or ending there;
* ``<g class="fb-start">`` / ``<g class="fb-end">``: the two markers.
"""

from __future__ import annotations

import math
from html import escape
from typing import Literal

import polars as pl

from flowbridge.mining.i18n import _
from flowbridge.mining.layout import CHAR_WIDTH, EdgeRoute, Layout, NodeBox, label_columns, layout
from flowbridge.mining.maplabels import LABEL_HEIGHT, label_spots
from flowbridge.mining.processmap import ProcessMap

Metric = Literal["frequency", "median"]

FONT = (
    "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', "
    "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif"
)
TEXT = "#1d2733"
EDGE = "#6b7a8c"
BACK_EDGE = "#c25b32"  # loops back: rework, worth seeing at a glance
TERMINAL_EDGE = "#a3adb9"
LIGHT_NODE = (232, 240, 251)
DARK_NODE = (31, 78, 140)
LIGHT_CELL = (255, 247, 236)
DARK_CELL = (179, 48, 26)


def duration_text(seconds: float | None) -> str:
    """A duration for people: ``45 s``, ``12 min``, ``5 h``, ``3.2 d`` (a dash when unknown)."""
    if seconds is None or math.isnan(seconds):
        return "\u2013"  # en dash
    sign = "-" if seconds < 0 else ""
    value = abs(seconds)
    if value < 60:
        return sign + _("%(n)s s") % {"n": _number(value)}
    if value < 3600:
        return sign + _("%(n)s min") % {"n": _number(value / 60)}
    if value < 86400:
        return sign + _("%(n)s h") % {"n": _number(value / 3600)}
    return sign + _("%(n)s d") % {"n": _number(value / 86400)}


def _number(value: float) -> str:
    if value >= 9.95:
        return f"{value:,.0f}"
    return f"{value:.1f}".removesuffix(".0")


def shade(share: float, light: tuple[int, int, int], dark: tuple[int, int, int]) -> str:
    """The colour ``share`` (0 to 1) of the way from ``light`` to ``dark``, as ``#rrggbb``."""
    share = min(max(share, 0.0), 1.0)
    mixed = (round(a + (b - a) * share) for a, b in zip(light, dark, strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _seconds_attr(value: float | None) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.3f}".rstrip("0").rstrip(".")


def _svg_open(width: float, height: float, css_class: str, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="img" '
        f'aria-label="{_attr(label)}" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" font-family="{_attr(FONT)}" '
        f'font-size="12" fill="{TEXT}">'
    )


def process_map_svg(pm: ProcessMap, *, metric: Metric = "frequency") -> str:
    """The map as one SVG document: shades and widths by frequency, labels by ``metric``.

    ``metric="frequency"`` labels edges with how often they occur;
    ``"median"`` with their median duration. Nodes always show their events.
    """
    if metric not in ("frequency", "median"):
        raise ValueError(f"metric must be 'frequency' or 'median', got {metric!r}")
    drawn = layout(pm)
    busiest = max((n.frequency for n in drawn.nodes if n.kind == "activity"), default=1) or 1
    widest = max((e.frequency for e in drawn.edges), default=1) or 1
    texts = [_edge_text(edge, metric) for edge in drawn.edges]
    spots = label_spots(drawn, texts)
    parts = [_svg_open(drawn.width + 60, drawn.height, "fb-map", _("Process map"))]
    # Edges first, so the boxes cover their ends.
    parts += (
        _edge(edge, drawn, widest, text, spot)
        for edge, text, spot in zip(drawn.edges, texts, spots, strict=True)
    )
    parts += (_node(box, busiest) for box in drawn.nodes)
    parts.append("</svg>")
    return "\n".join(parts)


def _node(box: NodeBox, busiest: int) -> str:
    left, top = box.x - box.width / 2, box.y - box.height / 2
    if box.kind == "start":
        title = _("Start: %(n)s cases") % {"n": f"{box.frequency:,}"}
        return (
            f'<g class="fb-start"><title>{escape(title)}</title>'
            f'<circle cx="{box.x:g}" cy="{box.y:g}" r="{box.width / 2:g}" fill="#2f8a4c"/></g>'
        )
    if box.kind == "end":
        title = _("End: %(n)s cases") % {"n": f"{box.frequency:,}"}
        return (
            f'<g class="fb-end"><title>{escape(title)}</title>'
            f'<rect x="{left:g}" y="{top:g}" width="{box.width:g}" height="{box.height:g}" '
            f'fill="#2b3440"/></g>'
        )
    share = math.sqrt(box.frequency / busiest)
    fill = shade(share, LIGHT_NODE, DARK_NODE)
    ink = "#ffffff" if share > 0.55 else TEXT
    title = _("%(activity)s\n%(n)s events") % {
        "activity": box.name,
        "n": f"{box.frequency:,}",
    }
    return (
        f'<g class="fb-node" data-activity="{_attr(box.name)}" '
        f'data-frequency="{box.frequency}"><title>{escape(title)}</title>'
        f'<rect x="{left:g}" y="{top:g}" width="{box.width:g}" height="{box.height:g}" '
        f'rx="6" fill="{fill}" stroke="{shade(1.0, LIGHT_NODE, DARK_NODE)}" stroke-width="1"/>'
        f'<text x="{box.x:g}" y="{box.y - 3:g}" text-anchor="middle" fill="{ink}" '
        f'font-weight="600">{escape(box.label)}</text>'
        f'<text x="{box.x:g}" y="{box.y + 12:g}" text-anchor="middle" fill="{ink}" '
        f'font-size="11">{box.frequency:,}</text></g>'
    )


def _edge(
    edge: EdgeRoute, drawn: Layout, widest: int, label: str, spot: tuple[float, float]
) -> str:
    width = 1.0 + 5.0 * math.sqrt(edge.frequency / widest)
    text = _label(spot, label)
    if edge.self_loop:
        assert edge.source is not None
        return _self_loop(edge, drawn.node(edge.source), width, text)
    points = edge.points
    path = _path(points)
    if edge.source is None or edge.target is None:
        side, activity = ("start", edge.target) if edge.source is None else ("end", edge.source)
        title = (
            _("%(n)s cases start with %(activity)s")
            if side == "start"
            else _("%(n)s cases end with %(activity)s")
        ) % {"n": f"{edge.frequency:,}", "activity": activity}
        return (
            f'<g class="fb-terminal" data-side="{side}" data-activity="{_attr(activity)}" '
            f'data-frequency="{edge.frequency}"><title>{escape(title)}</title>'
            f'<path d="{path}" fill="none" stroke="{TERMINAL_EDGE}" stroke-width="{width:.1f}" '
            f'stroke-dasharray="5 4"/>{_arrow(points, TERMINAL_EDGE, width)}'
            f"{text}</g>"
        )
    colour = BACK_EDGE if edge.back else EDGE
    return (
        f"<g {_edge_attributes(edge)}><title>{escape(_edge_title(edge))}</title>"
        f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{width:.1f}" '
        f'stroke-opacity="0.85"/>{_arrow(points, colour, width)}'
        f"{text}</g>"
    )


def _edge_attributes(edge: EdgeRoute) -> str:
    back = ' data-back="1"' if edge.back else ""
    return (
        f'class="fb-edge" data-source="{_attr(edge.source)}" data-target="{_attr(edge.target)}" '
        f'data-frequency="{edge.frequency}" '
        f'data-median-seconds="{_seconds_attr(edge.median_seconds)}" '
        f'data-mean-seconds="{_seconds_attr(edge.mean_seconds)}"{back}'
    )


def _edge_title(edge: EdgeRoute) -> str:
    return _("%(source)s → %(target)s\n%(n)s times, median %(median)s, mean %(mean)s") % {
        "source": edge.source,
        "target": edge.target,
        "n": f"{edge.frequency:,}",
        "median": duration_text(edge.median_seconds),
        "mean": duration_text(edge.mean_seconds),
    }


def _edge_text(edge: EdgeRoute, metric: Metric) -> str:
    terminal = edge.source is None or edge.target is None
    if metric == "median":
        if terminal:
            return ""
        return duration_text(edge.median_seconds)
    return f"{edge.frequency:,}"


def _self_loop(edge: EdgeRoute, box: NodeBox, width: float, text: str) -> str:
    right = box.x + box.width / 2
    start, end = (right, box.y - 9), (right, box.y + 9)
    path = (
        f"M{start[0]:g},{start[1]:g} C{right + 34:g},{box.y - 26:g} "
        f"{right + 34:g},{box.y + 26:g} {end[0]:g},{end[1]:g}"
    )
    tip = _triangle(end, (-1.0, 0.0), width)
    return (
        f"<g {_edge_attributes(edge)}><title>{escape(_edge_title(edge))}</title>"
        f'<path d="{path}" fill="none" stroke="{BACK_EDGE}" stroke-width="{width:.1f}"/>'
        f'<polygon points="{tip}" fill="{BACK_EDGE}"/>{text}</g>'
    )


def _path(points: tuple[tuple[float, float], ...]) -> str:
    """Vertical-tangent cubic Béziers through the points: smooth, and never sideways."""
    (x, y), *rest = points
    parts = [f"M{x:g},{y:g}"]
    for nx, ny in rest:
        middle = (y + ny) / 2
        parts.append(f"C{x:g},{middle:g} {nx:g},{middle:g} {nx:g},{ny:g}")
        x, y = nx, ny
    return " ".join(parts)


def _arrow(points: tuple[tuple[float, float], ...], colour: str, width: float) -> str:
    (_x0, y0), (x1, y1) = points[-2], points[-1]
    direction = (0.0, 1.0 if y1 >= y0 else -1.0)
    return f'<polygon points="{_triangle((x1, y1), direction, width)}" fill="{colour}"/>'


def _triangle(tip: tuple[float, float], direction: tuple[float, float], width: float) -> str:
    size = 5.0 + width
    dx, dy = direction
    bx, by = tip[0] - dx * size, tip[1] - dy * size
    # Perpendicular half-width of the head.
    px, py = -dy * size * 0.55, dx * size * 0.55
    corners = ((tip[0], tip[1]), (bx + px, by + py), (bx - px, by - py))
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)


def _label(spot: tuple[float, float], text: str) -> str:
    """An edge label with its top left corner at ``spot``, on a white halo."""
    if not text:
        return ""
    return (
        f'<text x="{spot[0]:.1f}" y="{spot[1] + LABEL_HEIGHT - 3:.1f}" font-size="11" '
        f'paint-order="stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round">'
        f"{escape(text)}</text>"
    )


def handoff_heatmap_svg(frame: pl.DataFrame, *, limit: int = 20) -> str:
    """The department-by-department matrix of :func:`flowbridge.mining.handoffs`, as SVG.

    Rows hand over, columns receive; each cell shows the count and the median
    delay, its colour the count. Only the ``limit`` departments most involved
    in hand-offs are drawn (a caption says how many are left out). Cells carry
    ``class="fb-handoff" data-source data-target data-count data-median-seconds``.
    """
    missing = {"source", "target", "count", "median_seconds"} - set(frame.columns)
    if missing:
        raise ValueError(
            f"handoff_heatmap_svg needs the frame of handoffs(log); missing {sorted(missing)}"
        )
    if frame.is_empty():
        note = _("No hand-offs between departments in this log.")
        width = label_columns(note) * CHAR_WIDTH + 40
        return (
            _svg_open(width, 40, "fb-heatmap", _("Hand-offs"))
            + f'<text x="20" y="24">{escape(note)}</text></svg>'
        )
    names = _most_involved(frame, limit)
    cells = {
        (s, t): (int(n), m)
        for s, t, n, m in frame.select("source", "target", "count", "median_seconds").iter_rows()
        if s in names and t in names
    }
    return _matrix(names, cells, len(_involvement(frame)) - len(names))


def _involvement(frame: pl.DataFrame) -> dict[str, int]:
    counts: dict[str, int] = {}
    for source, target, count in frame.select("source", "target", "count").iter_rows():
        counts[source] = counts.get(source, 0) + int(count)
        counts[target] = counts.get(target, 0) + int(count)
    return counts


def _most_involved(frame: pl.DataFrame, limit: int) -> list[str]:
    ranked = sorted(_involvement(frame).items(), key=lambda item: (-item[1], item[0]))
    return [name for name, _count in ranked[:limit]]


CELL_W, CELL_H = 84.0, 42.0


def _matrix(
    names: list[str], cells: dict[tuple[str, str], tuple[int, float | None]], left_out: int
) -> str:
    label_w = max(label_columns(n) for n in names) * CHAR_WIDTH + 16
    # Column labels are turned 45°, so they need height for their diagonal.
    label_h = max(label_columns(n) for n in names) * CHAR_WIDTH * 0.72 + 28
    width = label_w + CELL_W * len(names) + label_h * 0.72 + 20
    bottom = label_h + CELL_H * len(names)
    height = bottom + 58
    most = max(n for n, _m in cells.values())
    parts = [_svg_open(width, height, "fb-heatmap", _("Hand-offs between departments"))]
    parts.append(
        f'<text x="6" y="16" font-size="11" fill="#5a6673">{escape(_("from ↓  to →"))}</text>'
    )
    for j, name in enumerate(names):
        x, y = label_w + CELL_W * (j + 0.5), label_h - 6
        parts.append(
            f'<text x="{x:g}" y="{y:g}" transform="rotate(-45 {x:g} {y:g})">{escape(name)}</text>'
        )
    for i, source in enumerate(names):
        y = label_h + CELL_H * i
        parts.append(
            f'<text x="{label_w - 8:g}" y="{y + CELL_H / 2 + 4:g}" text-anchor="end">'
            f"{escape(source)}</text>"
        )
        parts += (
            _cell(source, target, label_w + CELL_W * j, y, cells.get((source, target)), most)
            for j, target in enumerate(names)
        )
    parts.append(_legend(label_w, bottom + 14, most))
    if left_out:
        note = _("%(n)s less involved departments are not shown.") % {"n": left_out}
        parts.append(
            f'<text x="6" y="{height - 8:g}" font-size="11" fill="#5a6673">{escape(note)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _legend(x: float, y: float, most: int) -> str:
    """The colour scale: from one hand-off to the most in a cell, in five steps."""
    steps = 5
    swatches = "".join(
        f'<rect x="{x + 22 + 20 * k:g}" y="{y:g}" width="18" height="10" '
        f'fill="{shade(math.sqrt(k / (steps - 1)), LIGHT_CELL, DARK_CELL)}"/>'
        for k in range(steps)
    )
    caption = _("hand-offs per cell")
    return (
        f'<g class="fb-legend" font-size="10" fill="#5a6673">'
        f'<text x="{x + 16:g}" y="{y + 9:g}" text-anchor="end">1</text>{swatches}'
        f'<text x="{x + 26 + 20 * steps:g}" y="{y + 9:g}">{most:,}  {escape(caption)}</text></g>'
    )


def _cell(
    source: str, target: str, x: float, y: float, cell: tuple[int, float | None] | None, most: int
) -> str:
    box = f'x="{x + 1:g}" y="{y + 1:g}" width="{CELL_W - 2:g}" height="{CELL_H - 2:g}" rx="3"'
    if source == target:
        return f'<rect {box} fill="#eceff2"/>'
    if cell is None:
        return f'<rect {box} fill="#fafbfc" stroke="#eceff2"/>'
    count, median = cell
    share = math.sqrt(count / most)
    ink = "#ffffff" if share > 0.6 else TEXT
    title = _("%(source)s → %(target)s: %(n)s hand-offs, median delay %(median)s") % {
        "source": source,
        "target": target,
        "n": f"{count:,}",
        "median": duration_text(median),
    }
    return "".join(
        (
            f'<g class="fb-handoff" data-source="{_attr(source)}" data-target="{_attr(target)}" '
            f'data-count="{count}" data-median-seconds="{_seconds_attr(median)}">'
            f"<title>{escape(title)}</title>",
            f'<rect {box} fill="{shade(share, LIGHT_CELL, DARK_CELL)}"/>',
            f'<text x="{x + CELL_W / 2:g}" y="{y + 18:g}" text-anchor="middle" fill="{ink}" '
            f'font-weight="600">{count:,}</text>',
            f'<text x="{x + CELL_W / 2:g}" y="{y + 33:g}" text-anchor="middle" fill="{ink}" '
            f'font-size="10">{escape(duration_text(median))}</text></g>',
        )
    )
