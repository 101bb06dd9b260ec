"""Top-to-bottom layout of a designed chain: one column, branches side by side.

The writer describes the process as a tree: a sequence of shapes and forks
(a split gateway, branch sequences, a join gateway). Widths are measured
bottom-up, then everything is placed top-down, so branch columns never
overlap and every sequence keeps one vertical axis. Edges are orthogonal:
straight down within a column, sideways out of a split gateway's corner and
into a join gateway's corner. Sizes follow bpmn.io (tasks 100 x 80, gateways
50 x 50, events 36 x 36), so a designed file opened in a modeler looks familiar.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SIZES = {"event": (36.0, 36.0), "task": (100.0, 80.0), "gateway": (50.0, 50.0)}
COLUMN = 100.0  # narrowest branch column: a task's width
GAP_X = 50.0
GAP_Y = 50.0
LABEL_W = 90.0
LABEL_H = 14.0
ORIGIN = (200.0, 60.0)

Point = tuple[float, float]


@dataclass(frozen=True)
class Box:
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
    def bottom(self) -> float:
        return self.y + self.height

    def overlaps(self, other: Box) -> bool:
        return not (
            self.x + self.width <= other.x
            or other.x + other.width <= self.x
            or self.bottom <= other.y
            or other.bottom <= self.y
        )


@dataclass(frozen=True)
class Shape:
    """One flow node: its id and which size it has (``event``, ``task`` or ``gateway``)."""

    id: str
    kind: str


@dataclass(frozen=True)
class Fork:
    """A split gateway, branch sequences side by side, and the join gateway closing them."""

    split: str
    join: str
    branches: tuple[tuple[Item, ...], ...]


Item = Shape | Fork


@dataclass(frozen=True)
class Edge:
    """A connection the layout drew; ``branch`` is the branch index when it leaves a split."""

    source: str
    target: str
    points: tuple[Point, ...]
    branch: int | None = None
    label: Box | None = None


@dataclass
class Layout:
    shapes: dict[str, Box] = field(default_factory=dict)
    labels: dict[str, Box] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


def _width(item: Item) -> float:
    if isinstance(item, Shape):
        return SIZES[item.kind][0]
    return sum(_column(b) for b in item.branches) + GAP_X * (len(item.branches) - 1)


def _column(items: tuple[Item, ...]) -> float:
    return max([COLUMN, *(_width(i) for i in items)])


def _height(items: tuple[Item, ...]) -> float:
    total = 0.0
    for item in items:
        if isinstance(item, Shape):
            total += SIZES[item.kind][1]
        else:
            gateway = SIZES["gateway"][1]
            tallest = max((_height(b) for b in item.branches), default=0.0)
            total += 2 * gateway + 2 * GAP_Y + tallest
    return total + GAP_Y * max(len(items) - 1, 0)


def _first(item: Item) -> str:
    return item.id if isinstance(item, Shape) else item.split


def _last(item: Item) -> str:
    return item.id if isinstance(item, Shape) else item.join


class _Placer:
    def __init__(self) -> None:
        self.layout = Layout()

    def box(self, shape_id: str, kind: str, cx: float, y: float) -> Box:
        width, height = SIZES[kind]
        box = Box(cx - width / 2, y, width, height)
        self.layout.shapes[shape_id] = box
        if kind != "task":  # events and gateways carry their name beside them
            self.layout.labels[shape_id] = Box(box.x + width + 6, box.y - LABEL_H, LABEL_W, LABEL_H)
        return box

    def sequence(self, items: tuple[Item, ...], cx: float, y: float) -> float:
        """Place ``items`` down the axis ``cx`` from ``y``; return the bottom."""
        previous: str | None = None
        for item in items:
            if previous is not None:
                source = self.layout.shapes[previous]
                self.edge(previous, _first(item), ((cx, source.bottom), (cx, y)))
            if isinstance(item, Shape):
                y = self.box(item.id, item.kind, cx, y).bottom + GAP_Y
            else:
                y = self.fork(item, cx, y) + GAP_Y
            previous = _last(item)
        return y - GAP_Y

    def fork(self, fork: Fork, cx: float, y: float) -> float:
        split = self.box(fork.split, "gateway", cx, y)
        top = split.bottom + GAP_Y
        tallest = max((_height(b) for b in fork.branches), default=0.0)
        join = self.box(fork.join, "gateway", cx, top + tallest + GAP_Y)
        left = cx - _width(fork) / 2
        for index, branch in enumerate(fork.branches):
            width = _column(branch)
            column = left + width / 2
            left += width + GAP_X
            if branch:
                bottom = self.sequence(branch, column, top)
                out = self.down(split, column, top)
                label = self.tag(out, column, split.cx)
                self.edge(fork.split, _first(branch[0]), out, index, label)
                self.edge(_last(branch[-1]), fork.join, self.into(join, column, bottom))
            else:
                out = self.down(split, column, join.y)
                if abs(column - cx) >= 1:
                    side = join.x if column < cx else join.x + join.width
                    out = (*out[:-1], (column, join.cy), (side, join.cy))
                self.edge(fork.split, fork.join, out, index, self.tag(out, column, split.cx))
        return join.bottom

    @staticmethod
    def down(split: Box, column: float, target_y: float) -> tuple[Point, ...]:
        """From a split gateway to the top of its branch column at ``column``."""
        if abs(column - split.cx) < 1:
            return ((split.cx, split.bottom), (column, target_y))
        side = split.x if column < split.cx else split.x + split.width
        return ((side, split.cy), (column, split.cy), (column, target_y))

    @staticmethod
    def into(join: Box, column: float, bottom: float) -> tuple[Point, ...]:
        """From the bottom of a branch column into the join gateway."""
        if abs(column - join.cx) < 1:
            return ((column, bottom), (column, join.y))
        side = join.x if column < join.cx else join.x + join.width
        return ((column, bottom), (column, join.cy), (side, join.cy))

    @staticmethod
    def tag(points: tuple[Point, ...], column: float, centre: float) -> Box:
        """Where a branch's name goes: below the bend, on the side away from the gateway."""
        y = points[1][1] if len(points) > 2 else points[0][1] + 4
        x = column - 4 - LABEL_W if column < centre - 1 else column + 4
        return Box(x, y + 4, LABEL_W, LABEL_H)

    def edge(
        self,
        source: str,
        target: str,
        points: tuple[Point, ...],
        branch: int | None = None,
        label: Box | None = None,
    ) -> None:
        self.layout.edges.append(Edge(source, target, points, branch, label))


def layout(items: tuple[Item, ...]) -> Layout:
    """Place the whole process (start event first, end event last)."""
    placer = _Placer()
    cx = ORIGIN[0] + _column(items) / 2
    placer.sequence(items, cx, ORIGIN[1])
    return placer.layout
