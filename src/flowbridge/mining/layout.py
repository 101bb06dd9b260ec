"""Where to draw a process map: a layered (Sugiyama) layout in pure Python.

The map flows top to bottom from an artificial start (●) to an artificial
end (■), as Disco and Celonis draw it. The steps are the classic ones:

1. cycle breaking — a depth-first search from the start, most frequent edge
   first, reverses the edges that close a loop (rework is common, so these
   are drawn as edges going back up);
2. layering — longest path from the start over the now acyclic graph;
3. dummy nodes — an edge spanning several layers passes through one
   placeholder per layer, so it is routed around the nodes;
4. crossing reduction — barycenter sweeps down and up, keeping the order
   with the fewest crossings;
5. coordinates — per layer, the positions closest to the (frequency
   weighted) mean of the neighbours that keep the nodes apart, solved
   exactly by pooling adjacent violators.

Everything is deterministic: ties are broken by frequency, then by name.
Self-loops are not part of the layering; they are returned with no points
and drawn beside their node.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from flowbridge.mining.processmap import ProcessMap
from flowbridge.mining.sugiyama import (
    MARGIN,
    Edge,
    Node,
    NodeKind,
    assign_layers,
    break_cycles,
    insert_dummies,
    order_layers,
    place,
)

Point = tuple[float, float]

CHAR_WIDTH = 7.0  # of a Latin character at the 12 px label font; CJK counts double
NODE_HEIGHT = 40.0
MIN_NODE_WIDTH = 90.0
MAX_LABEL_COLUMNS = 30  # longer names are cut with "…" (the full name is in the tooltip)
MARKER_SIZE = 22.0
LAYER_GAP = 70.0


@dataclass(frozen=True)
class NodeBox:
    """A node's box: centre ``x``, ``y``, its size, layer and label (an activity may be cut)."""

    name: str
    kind: NodeKind
    label: str
    frequency: int
    layer: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class EdgeRoute:
    """An edge's route from the source's border to the target's, in drawing order.

    ``source`` / ``target`` are activity names, or ``None`` for the start and
    end markers. ``back`` is true for an edge drawn against the flow (it
    closes a loop); a ``self_loop`` has no points.
    """

    source: str | None
    target: str | None
    frequency: int
    mean_seconds: float | None
    median_seconds: float | None
    points: tuple[Point, ...]
    back: bool
    self_loop: bool


@dataclass(frozen=True)
class Layout:
    nodes: tuple[NodeBox, ...]
    edges: tuple[EdgeRoute, ...]
    width: float
    height: float

    def node(self, name: str) -> NodeBox:
        """The box of activity ``name``."""
        for box in self.nodes:
            if box.kind == "activity" and box.name == name:
                return box
        raise KeyError(name)


def label_columns(text: str) -> int:
    """Columns ``text`` takes: Chinese (wide) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit_label(text: str, limit: int = MAX_LABEL_COLUMNS) -> str:
    """``text`` cut to ``limit`` columns with an ellipsis when longer."""
    if label_columns(text) <= limit:
        return text
    cut, used = [], 1
    for char in text:
        used += label_columns(char)
        if used > limit:
            break
        cut.append(char)
    return "".join(cut) + "…"


def layout(pm: ProcessMap) -> Layout:
    """Positions for the nodes of ``pm`` and routes for its edges (see the module doc)."""
    nodes, edges, loops = _graph(pm)
    break_cycles(nodes, edges)
    assign_layers(nodes, edges)
    insert_dummies(nodes, edges)
    layers = order_layers(nodes, edges)
    place(nodes, edges, layers)
    return _result(nodes, edges, loops, layers)


def _graph(pm: ProcessMap) -> tuple[list[Node], list[Edge], list[Edge]]:
    nodes = [
        Node("start", "", pm.cases, MARKER_SIZE, MARKER_SIZE),
        Node("end", "", pm.cases, MARKER_SIZE, MARKER_SIZE),
    ]
    ids: dict[str, int] = {}
    for name, frequency in pm.nodes.select("activity", "frequency").iter_rows():
        ids[name] = len(nodes)
        width = max(MIN_NODE_WIDTH, label_columns(fit_label(name)) * CHAR_WIDTH + 24)
        nodes.append(Node("activity", name, int(frequency), width, NODE_HEIGHT))
    edges: list[Edge] = []
    loops: list[Edge] = []
    columns = ("source", "target", "frequency", "mean_seconds", "median_seconds")
    for source, target, frequency, mean, median in pm.edges.select(columns).iter_rows():
        if source not in ids or target not in ids:
            continue
        edge = Edge(ids[source], ids[target], int(frequency), mean, median)
        (loops if source == target else edges).append(edge)
    edges += [Edge(0, ids[a], n, None, None) for a, n in pm.starts.items() if a in ids]
    edges += [Edge(ids[a], 1, n, None, None) for a, n in pm.ends.items() if a in ids]
    return nodes, edges, loops


def _result(
    nodes: list[Node], edges: list[Edge], loops: list[Edge], layers: list[list[int]]
) -> Layout:
    heights = [max((nodes[i].height for i in layer), default=0.0) for layer in layers]
    tops = [MARGIN]
    for height in heights[:-1]:
        tops.append(tops[-1] + height + LAYER_GAP)
    centre = [top + height / 2 for top, height in zip(tops, heights, strict=True)]
    name = [n.name if n.kind == "activity" else None for n in nodes]
    boxes = tuple(
        NodeBox(
            name=n.name,
            kind=n.kind,
            label=fit_label(n.name),
            frequency=n.frequency,
            layer=n.layer,
            x=round(n.x, 1),
            y=round(centre[n.layer], 1),
            width=round(n.width, 1),
            height=n.height,
        )
        for n in nodes
        if n.kind != "dummy"
    )
    ports = _ports(nodes, edges, centre)
    routes = []
    for k, edge in enumerate(edges):
        points = ports[k]
        if edge.back:
            points = points[::-1]
        routes.append(
            EdgeRoute(
                name[edge.source],
                name[edge.target],
                edge.frequency,
                edge.mean,
                edge.median,
                tuple((round(x, 1), round(y, 1)) for x, y in points),
                edge.back,
                False,
            )
        )
    routes += [
        EdgeRoute(name[e.source], name[e.target], e.frequency, e.mean, e.median, (), False, True)
        for e in loops
    ]
    width = max(n.x + n.width / 2 for n in nodes) + MARGIN
    height = tops[-1] + heights[-1] + MARGIN
    return Layout(boxes, tuple(routes), round(width, 1), round(height, 1))


def _ports(nodes: list[Node], edges: list[Edge], centre: list[float]) -> list[list[Point]]:
    """Each edge's points from upper to lower; edges leave and enter a node at ports
    spread along its border, ordered by where the other end lies, so they do not meet."""
    bottom: dict[int, list[tuple[float, int]]] = {}
    top: dict[int, list[tuple[float, int]]] = {}
    for k, edge in enumerate(edges):
        chain = edge.chain
        bottom.setdefault(chain[0], []).append((nodes[chain[1]].x, k))
        top.setdefault(chain[-1], []).append((nodes[chain[-2]].x, k))
    start: dict[int, float] = {}
    end: dict[int, float] = {}
    for side, found in ((bottom, start), (top, end)):
        for i, attached in side.items():
            attached.sort()
            usable = nodes[i].width * 0.6
            for position, (_x, k) in enumerate(attached):
                share = (position + 1) / (len(attached) + 1) - 0.5
                found[k] = nodes[i].x + share * usable
    routes = []
    for k, edge in enumerate(edges):
        upper, lower = edge.chain[0], edge.chain[-1]
        points = [(start[k], centre[nodes[upper].layer] + nodes[upper].height / 2)]
        points += [(nodes[d].x, centre[nodes[d].layer]) for d in edge.chain[1:-1]]
        points.append((end[k], centre[nodes[lower].layer] - nodes[lower].height / 2))
        routes.append(points)
    return routes
