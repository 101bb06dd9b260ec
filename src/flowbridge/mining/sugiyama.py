"""The steps of a layered (Sugiyama) layout over plain nodes and edges.

:mod:`flowbridge.mining.layout` builds the graph from a process map and
turns the result into boxes and routes; the steps themselves live here:
cycle breaking, layering, dummy nodes, crossing reduction and coordinates.
Nodes are list indices; ties are always broken by frequency, then by name,
so the same map gives the same picture.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

NodeKind = Literal["activity", "start", "end", "dummy"]

NODE_GAP = 36.0
DUMMY_WIDTH = 12.0
DUMMY_GAP = 8.0
MARGIN = 24.0
SWEEPS = 12
PLACEMENT_PASSES = 8
TRANSPOSE_ROUNDS = 8


@dataclass
class Node:
    """A box to place. By convention node 0 is the start marker and node 1 the end marker;
    ``layer``, ``order`` (position in the layer) and ``x`` are filled in by the steps."""

    kind: NodeKind
    name: str
    frequency: int
    width: float
    height: float
    layer: int = 0
    order: float = 0.0
    x: float = 0.0


@dataclass
class Edge:
    """An edge between node indices; ``back`` once it is found to close a loop."""

    source: int
    target: int
    frequency: int
    mean: float | None
    median: float | None
    back: bool = False
    chain: tuple[int, ...] = ()  # node ids from the upper end to the lower end


def break_cycles(nodes: list[Node], edges: list[Edge]) -> None:
    """Reverse the edges that close a loop in a depth-first search from the start."""
    out: list[list[Edge]] = [[] for _ in nodes]
    for edge in edges:
        out[edge.source].append(edge)
    for targets in out:
        targets.sort(key=lambda e: (-e.frequency, nodes[e.target].name))
    state = [0] * len(nodes)  # 0 unseen, 1 on the stack, 2 done
    activities = (i for i, n in enumerate(nodes) if n.kind == "activity")
    roots = [0, *sorted(activities, key=lambda i: (-nodes[i].frequency, nodes[i].name))]
    for root in roots:
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, iter(out[root]))]
        while stack:
            node, pending = stack[-1]
            following = next(pending, None)
            if following is None:
                state[node] = 2
                stack.pop()
            elif state[following.target] == 1:
                following.back = True
            elif state[following.target] == 0:
                state[following.target] = 1
                stack.append((following.target, iter(out[following.target])))


def _ends(edge: Edge) -> tuple[int, int]:
    """Upper and lower node of an edge once back edges are turned around."""
    return (edge.target, edge.source) if edge.back else (edge.source, edge.target)


def assign_layers(nodes: list[Node], edges: list[Edge]) -> None:
    """Longest path from the start; the end marker goes below everything."""
    # Activities nothing leads to still hang under the start, not beside it.
    for activity in nodes[2:]:
        activity.layer = 1
    incoming: list[list[int]] = [[] for _ in nodes]
    outgoing: list[list[int]] = [[] for _ in nodes]
    for edge in edges:
        upper, lower = _ends(edge)
        outgoing[upper].append(lower)
        incoming[lower].append(upper)
    waiting = [len(i) for i in incoming]
    ready = [i for i, n in enumerate(waiting) if n == 0]
    while ready:
        node = ready.pop()
        for lower in outgoing[node]:
            nodes[lower].layer = max(nodes[lower].layer, nodes[node].layer + 1)
            waiting[lower] -= 1
            if waiting[lower] == 0:
                ready.append(lower)
    bottom = max((n.layer for n in nodes if n.kind != "end"), default=0)
    nodes[1].layer = bottom + 1


def insert_dummies(nodes: list[Node], edges: list[Edge]) -> None:
    """Give every edge its ``chain``: upper end, a new dummy per layer between, lower end."""
    for edge in edges:
        upper, lower = _ends(edge)
        chain = [upper]
        for layer in range(nodes[upper].layer + 1, nodes[lower].layer):
            chain.append(len(nodes))
            nodes.append(Node("dummy", "", edge.frequency, DUMMY_WIDTH, 0.0, layer))
        chain.append(lower)
        edge.chain = tuple(chain)


def segments(edges: list[Edge]) -> list[tuple[int, int, int]]:
    """(upper, lower, weight) for every segment between adjacent layers."""
    return [(a, b, edge.frequency) for edge in edges for a, b in itertools.pairwise(edge.chain)]


def order_layers(nodes: list[Node], edges: list[Edge]) -> list[list[int]]:
    """Nodes of each layer, left to right, after barycenter sweeps."""
    depth = max(n.layer for n in nodes) + 1
    links = segments(edges)
    up: list[list[tuple[int, float]]] = [[] for _ in nodes]
    down: list[list[tuple[int, float]]] = [[] for _ in nodes]
    for a, b, weight in links:
        # sqrt softens the pull of the very busiest edges so rare ones still count.
        down[a].append((b, math.sqrt(weight)))
        up[b].append((a, math.sqrt(weight)))
    layers: list[list[int]] = [[] for _ in range(depth)]
    # Start with the busiest nodes on the left.
    for i in sorted(range(len(nodes)), key=lambda i: (-nodes[i].frequency, nodes[i].name, i)):
        layers[nodes[i].layer].append(i)
    _number(nodes, layers)
    best = [list(layer) for layer in layers]
    fewest = _crossings(nodes, links)
    for sweep in range(SWEEPS):
        downward = sweep % 2 == 0
        sequence = range(1, depth) if downward else range(depth - 2, -1, -1)
        for index in sequence:
            neighbours = up if downward else down
            layers[index].sort(key=_barycenter(nodes, neighbours))
            _number(nodes, [layers[index]])
        count = _crossings(nodes, links)
        if count < fewest:
            fewest, best = count, [list(layer) for layer in layers]
    _number(nodes, best)
    # Each swap removes crossings and adds none elsewhere, so this only improves on the best.
    _transpose(nodes, best, up, down)
    return best


def _transpose(
    nodes: list[Node],
    layers: list[list[int]],
    up: list[list[tuple[int, float]]],
    down: list[list[tuple[int, float]]],
) -> None:
    """Swap neighbours in a layer while that removes crossings (Gansner et al.'s transpose):
    barycenters leave local tangles that a swap undoes."""
    improved, rounds = True, 0
    while improved and rounds < TRANSPOSE_ROUNDS:
        improved, rounds = False, rounds + 1
        for layer in layers:
            for k in range(len(layer) - 1):
                left, right = layer[k], layer[k + 1]
                before = _pair_crossings(nodes, left, right, up, down)
                after = _pair_crossings(nodes, right, left, up, down)
                if after < before:
                    layer[k], layer[k + 1] = right, left
                    nodes[left].order, nodes[right].order = nodes[right].order, nodes[left].order
                    improved = True


def _pair_crossings(
    nodes: list[Node],
    left: int,
    right: int,
    up: list[list[tuple[int, float]]],
    down: list[list[tuple[int, float]]],
) -> int:
    """Crossings between the segments of ``left`` and ``right`` with ``left`` placed first."""
    count = 0
    for side in (up, down):
        for a, _wa in side[left]:
            for b, _wb in side[right]:
                if nodes[a].order > nodes[b].order:
                    count += 1
    return count


def _number(nodes: list[Node], layers: Sequence[list[int]]) -> None:
    for layer in layers:
        for position, i in enumerate(layer):
            nodes[i].order = float(position)


def _barycenter(
    nodes: list[Node], neighbours: list[list[tuple[int, float]]]
) -> Callable[[int], float]:
    def key(i: int) -> float:
        linked = neighbours[i]
        if not linked:
            return nodes[i].order  # nothing pulls it: stay
        total = weighted = 0.0
        for n, w in linked:
            weighted += nodes[n].order * w
            total += w
        return weighted / total

    return key


def _crossings(nodes: list[Node], links: list[tuple[int, int, int]]) -> int:
    """Pairs of segments between the same two layers that cross."""
    by_layer: dict[int, list[tuple[float, float]]] = {}
    for a, b, _weight in links:
        by_layer.setdefault(nodes[a].layer, []).append((nodes[a].order, nodes[b].order))
    count = 0
    for segments in by_layer.values():
        # Sorted by upper end, a crossing is a pair whose lower ends are inverted.
        segments.sort()
        lowers = sorted({lower for _upper, lower in segments})
        ranks = {lower: r for r, lower in enumerate(lowers, start=1)}
        tree = [0] * (len(ranks) + 1)  # Fenwick tree of lower ends seen so far
        for seen, (_upper, lower) in enumerate(segments):
            rank = ranks[lower]
            at_most = 0
            i = rank
            while i:
                at_most += tree[i]
                i -= i & -i
            count += seen - at_most
            i = rank
            while i < len(tree):
                tree[i] += 1
                i += i & -i
    return count


def place(nodes: list[Node], edges: list[Edge], layers: list[list[int]]) -> None:
    """x of every node: close to its neighbours' weighted mean, never overlapping."""
    links = segments(edges)
    near: list[list[tuple[int, float]]] = [[] for _ in nodes]
    for a, b, weight in links:
        near[a].append((b, math.sqrt(weight)))
        near[b].append((a, math.sqrt(weight)))
    for layer in layers:
        x = 0.0
        for i in layer:
            nodes[i].x = x + nodes[i].width / 2
            x += nodes[i].width + NODE_GAP
    for _pass in range(PLACEMENT_PASSES):
        for layer in layers:
            wanted = []
            for i in layer:
                total = weighted = 0.0
                for n, w in near[i]:
                    weighted += nodes[n].x * w
                    total += w
                wanted.append(weighted / total if total else nodes[i].x)
            sizes = [nodes[i].width for i in layer]
            gaps = [_gap(nodes[a], nodes[b]) for a, b in itertools.pairwise(layer)]
            for i, x in zip(layer, _spread(wanted, sizes, gaps), strict=True):
                nodes[i].x = x
    left = min(n.x - n.width / 2 for n in nodes)
    for node in nodes:
        node.x += MARGIN - left


def _gap(left: Node, right: Node) -> float:
    # Edges passing by may run close together; boxes need room for edge labels.
    return DUMMY_GAP if left.kind == "dummy" and right.kind == "dummy" else NODE_GAP


def _spread(wanted: list[float], widths: list[float], gaps: list[float]) -> list[float]:
    """Positions in the given order, each at least its gap from the last, as close as
    possible to ``wanted`` (least squares): pool adjacent violators on shifted values."""
    offsets = [0.0]
    for (left, right), gap in zip(itertools.pairwise(widths), gaps, strict=True):
        offsets.append(offsets[-1] + (left + right) / 2 + gap)
    # With y = x - offset the gaps become "y never decreases": isotonic regression.
    blocks: list[list[float]] = []  # [mean, count]
    for want, offset in zip(wanted, offsets, strict=True):
        blocks.append([want - offset, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            previous = blocks[-1]
            previous[0] = (previous[0] * previous[1] + mean * count) / (previous[1] + count)
            previous[1] += count
    shifted = [mean for mean, count in blocks for _ in range(int(count))]
    return [y + offset for y, offset in zip(shifted, offsets, strict=True)]
