"""Where to put the labels of a process map's edges so they cover neither nodes nor
each other: candidates along each edge, busiest edge first, first free one wins."""

from __future__ import annotations

from flowbridge.mining.layout import EdgeRoute, Layout, label_columns

LABEL_HEIGHT = 13.0
LABEL_CHAR = 6.4  # width of a Latin character at the 11 px label font
Box = tuple[float, float, float, float]


def label_spots(drawn: Layout, texts: list[str]) -> list[tuple[float, float]]:
    """Top left corners for the edge labels, busiest edge first, each where it covers
    neither a node nor an earlier label when one of its candidate places allows."""
    taken: list[Box] = [
        (n.x - n.width / 2, n.y - n.height / 2, n.x + n.width / 2, n.y + n.height / 2)
        for n in drawn.nodes
    ]
    spots: list[tuple[float, float]] = [(0.0, 0.0)] * len(texts)
    order = sorted(range(len(texts)), key=lambda k: (-drawn.edges[k].frequency, k))
    for k in order:
        edge, text = drawn.edges[k], texts[k]
        width = label_columns(text) * LABEL_CHAR + 2
        candidates = [
            (x, y)
            for px, py in _anchors(edge, drawn)
            for x, y in ((px + 5, py - LABEL_HEIGHT / 2), (px - 5 - width, py - LABEL_HEIGHT / 2))
        ]
        chosen = next(
            (
                c
                for c in candidates
                if not any(
                    _overlap((c[0], c[1], c[0] + width, c[1] + LABEL_HEIGHT), b) for b in taken
                )
            ),
            candidates[0],
        )
        spots[k] = chosen
        if text:
            taken.append((chosen[0], chosen[1], chosen[0] + width, chosen[1] + LABEL_HEIGHT))
    return spots


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _anchors(edge: EdgeRoute, drawn: Layout) -> list[tuple[float, float]]:
    """Points on the edge to hang its label beside, the middle of the route first."""
    if edge.self_loop:
        assert edge.source is not None
        box = drawn.node(edge.source)
        right = box.x + box.width / 2
        return [(right + 26, box.y), (right + 26, box.y - 14), (right + 26, box.y + 14)]
    return [_along(edge.points, s) for s in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8)]


def _along(points: tuple[tuple[float, float], ...], share: float) -> tuple[float, float]:
    """The point ``share`` of the way along the Bézier route of :func:`_path`."""
    segments = len(points) - 1
    index = min(int(share * segments), segments - 1)
    t = share * segments - index
    (x0, y0), (x1, y1) = points[index], points[index + 1]
    # Control points share the middle height; x follows the cubic's weights.
    x = x0 * ((1 - t) ** 3 + 3 * (1 - t) ** 2 * t) + x1 * (3 * (1 - t) * t**2 + t**3)
    middle = (y0 + y1) / 2
    y = (1 - t) ** 3 * y0 + 3 * (1 - t) * t * middle + t**3 * y1
    return x, y
