"""Optimal alignments of activity sequences with a model's reachability graph.

An alignment pairs the events of a trace with the runs of the model: a
*synchronous* move (the event and the activity agree) costs nothing, a *log
move* (an event the model cannot do there) and a *model move* of an activity
(a step the model needs but the log lacks) cost one each. PM4Py's integer
costs are kept — 10,000 for a deviation, 1 for a silent step — so the cost of
an optimal alignment, silent steps included, is the number PM4Py reports and
its fitness figures can be reproduced exactly.

The search is A* over (position in the trace, marking). Its estimate is the
larger of two lower bounds on the deviations still to come: the events left
whose activity the model can no longer do from this marking (each must be a
log move), and the activities the model must still do beyond the events
left. Both only grow as the search advances, so the estimate is consistent
and the first goal reached is optimal.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass

from flowbridge.mining.modelnet import Reachability

DEVIATION = 10_000
SILENT = 1
MAX_STATES = 500_000
UNKNOWN = -2
# How a state was reached; a model move adds the activity's index.
LOG_MOVE, SILENT_MOVE, SYNC_MOVE, MODEL_MOVE = -1, 0, 1, 2


@dataclass(frozen=True)
class Alignment:
    """Cost (PM4Py units), the activities skipped and inserted in order, and whether the
    search hit its bound (then the figures describe an upper bound, not the optimum)."""

    cost: int
    skipped: tuple[str, ...]
    inserted: tuple[str, ...]
    bounded: bool = False

    @property
    def deviations(self) -> int:
        return self.cost // DEVIATION


class Aligner:
    """Aligns traces with one model; precomputes what every search shares."""

    def __init__(self, graph: Reachability, *, max_states: int = MAX_STATES) -> None:
        self.graph = graph
        self.index = {label: i for i, label in enumerate(graph.labels)}
        self.reach = _reachable_labels(graph)
        self.must = _visible_to_finish(graph)
        # Markings from which the model cannot finish are never entered.
        self.never = len(graph.moves) + 1
        # The shortest run of the model: the empty trace's states are the markings.
        self.max_states = len(graph.moves) + 1
        self.empty_cost = self.align(()).cost
        self.max_states = max_states

    def align(self, trace: tuple[str, ...]) -> Alignment:
        """An optimal alignment of ``trace`` (activity names) with the model."""
        graph, reach, must = self.graph, self.reach, self.must
        codes = [self.index.get(a, UNKNOWN) for a in trace]
        n = len(codes)
        size = len(graph.moves)
        # Events left from position i that the model cannot do from marking m.
        left_cache: dict[int, list[int]] = {}

        def cannot(i: int, m: int) -> int:
            counts = left_cache.get(m)
            if counts is None:
                mask = reach[m]
                counts = [0] * (n + 1)
                for j in range(n - 1, -1, -1):
                    code = codes[j]
                    counts[j] = counts[j + 1] + (code < 0 or not (mask >> code) & 1)
                left_cache[m] = counts
            return counts[i]

        def estimate(i: int, m: int) -> int:
            return DEVIATION * max(cannot(i, m), must[m] - (n - i))

        best = {0: 0}
        parent: dict[int, tuple[int, int]] = {}
        queue = [(estimate(0, 0), 0, 0, 0)]

        def push(state: int, i: int, m: int, cost: int, move: int) -> None:
            nxt = i * size + m
            if cost < best.get(nxt, cost + 1) and must[m] < self.never:
                best[nxt] = cost
                parent[nxt] = (state, move)
                # Ties go to the state furthest along the trace: fewer states to explore.
                heapq.heappush(queue, (cost + estimate(i, m), -i, cost, nxt))

        explored = 0
        while queue and explored < self.max_states:
            _f, _i, cost, state = heapq.heappop(queue)
            if cost > best[state]:
                continue
            i, m = divmod(state, size)
            if i == n and graph.final[m]:
                return self._result(cost, state, parent, trace, size)
            explored += 1
            code = codes[i] if i < n else None
            for label, nxt in graph.moves[m]:
                if label < 0:
                    push(state, i, nxt, cost + SILENT, SILENT_MOVE)
                elif label == code:
                    push(state, i + 1, nxt, cost, SYNC_MOVE)
                else:
                    push(state, i, nxt, cost + DEVIATION, MODEL_MOVE + label)
            if i < n:
                push(state, i + 1, m, cost + DEVIATION, LOG_MOVE)
        return self._give_up(trace)

    def _result(
        self,
        cost: int,
        state: int,
        parent: dict[int, tuple[int, int]],
        trace: tuple[str, ...],
        size: int,
    ) -> Alignment:
        skipped: list[str] = []
        inserted: list[str] = []
        while state in parent:
            previous, move = parent[state]
            if move == LOG_MOVE:
                inserted.append(trace[previous // size])
            elif move >= MODEL_MOVE:
                skipped.append(self.graph.labels[move - MODEL_MOVE])
            state = previous
        return Alignment(cost, tuple(reversed(skipped)), tuple(reversed(inserted)))

    def _give_up(self, trace: tuple[str, ...]) -> Alignment:
        # Every event a log move and the shortest run of the model: an upper bound.
        return Alignment(DEVIATION * len(trace) + self.empty_cost, (), tuple(trace), True)


def _reachable_labels(graph: Reachability) -> list[int]:
    """For each marking, a bit mask of the activities the model can still do from it."""
    masks = [0] * len(graph.moves)
    changed = True
    while changed:
        changed = False
        for m in range(len(graph.moves) - 1, -1, -1):
            mask = masks[m]
            for label, nxt in graph.moves[m]:
                mask |= masks[nxt] | (1 << label if label >= 0 else 0)
            if mask != masks[m]:
                masks[m] = mask
                changed = True
    return masks


def _visible_to_finish(graph: Reachability) -> list[int]:
    """For each marking, the fewest activities the model must do to finish (0-1 BFS)."""
    back: list[list[tuple[int, int]]] = [[] for _ in graph.moves]
    for m, moves in enumerate(graph.moves):
        for label, nxt in moves:
            back[nxt].append((m, 0 if label < 0 else 1))
    infinity = len(graph.moves) + 1
    dist = [0 if f else infinity for f in graph.final]
    queue = deque(m for m, f in enumerate(graph.final) if f)
    while queue:
        m = queue.popleft()
        for prev, weight in back[m]:
            if dist[m] + weight < dist[prev]:
                dist[prev] = dist[m] + weight
                if weight:
                    queue.append(prev)
                else:
                    queue.appendleft(prev)
    return dist
