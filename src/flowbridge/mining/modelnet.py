"""A process model as a Petri net, and the graph of everything it can do.

The translation is the one PM4Py applies to BPMN (``convert_to_petri_net``),
so alignments cost the same on both sides: every flow becomes a place, every
node an entry and an exit place around one transition (labelled with the
activity for a task, silent otherwise), silent transitions join them, a
parallel or inclusive gateway splits or joins with one silent transition, and
a branch leaving an inclusive split may be skipped to the nearest matching
join. Silent transitions that only pass a token on are then merged away, as
PM4Py's simple reduction does. Unlike PM4Py, an activity or event with
several outgoing flows splits in parallel, as BPMN says.

:func:`reachability` then lists every marking the net can reach with the
moves out of each, which is what the alignment search walks.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from flowbridge.mining.bpmnmodel import ModelError, ProcessModel
from flowbridge.mining.i18n import _

MAX_MARKINGS = 200_000
SOURCE, SINK = 0, 1


@dataclass
class Transition:
    """``label`` is the activity, ``None`` for a silent step; arcs may repeat."""

    name: str
    label: str | None
    pre: list[int] = field(default_factory=list)
    post: list[int] = field(default_factory=list)


@dataclass
class Net:
    """Places by index (0 is the source, 1 the sink) and transitions by name."""

    places: list[str]
    transitions: dict[str, Transition]

    def place(self, name: str) -> int:
        self.places.append(name)
        return len(self.places) - 1

    def transition(self, name: str, label: str | None, pre: int | None, post: int | None) -> str:
        self.transitions[name] = Transition(
            name, label, [] if pre is None else [pre], [] if post is None else [post]
        )
        return name


def to_net(model: ProcessModel) -> Net:
    """The Petri net of ``model``, as PM4Py builds it from BPMN and then reduces it."""
    net = Net(["source", "sink"], {})
    flow_place = {flow.id: net.place(flow.id) for flow in model.flows}
    outgoing = {n: 0 for n in model.nodes}
    incoming = {n: 0 for n in model.nodes}
    for flow in model.flows:
        outgoing[flow.source] += 1
        incoming[flow.target] += 1
    # Exit and entry of a node: a place, or a silent transition that splits or joins.
    exits: dict[str, tuple[str, int | str]] = {}
    entries: dict[str, tuple[str, int | str]] = {}
    for node in model.nodes.values():
        entry, leave = net.place(f"ent_{node.id}"), net.place(f"exi_{node.id}")
        net.transition(node.id, node.name if node.kind == "task" else None, entry, leave)
        joins = node.kind in ("parallel", "inclusive")
        splits = joins or (node.kind != "exclusive" and outgoing[node.id] > 1)
        if splits and outgoing[node.id] > 1:
            exits[node.id] = ("t", net.transition(f"split_{node.id}", None, leave, None))
        else:
            exits[node.id] = ("p", leave)
        if joins and incoming[node.id] > 1:
            entries[node.id] = ("t", net.transition(f"join_{node.id}", None, None, entry))
        else:
            entries[node.id] = ("p", entry)
        if node.kind == "start":
            net.transition(f"start_{node.id}", None, SOURCE, entry)
        elif node.kind == "end":
            net.transition(f"end_{node.id}", None, leave, SINK)
    for flow in model.flows:
        place = flow_place[flow.id]
        kind, source = exits[flow.source]
        if kind == "p":
            net.transition(f"sfl_{flow.id}", None, int(source), place)
        else:
            net.transitions[str(source)].post.append(place)
        kind, target = entries[flow.target]
        if kind == "p":
            net.transition(f"tfl_{flow.id}", None, place, int(target))
        else:
            net.transitions[str(target)].pre.append(place)
    _inclusive_skips(net, model, flow_place, outgoing, incoming)
    _reduce(net)
    return net


def _inclusive_skips(
    net: Net,
    model: ProcessModel,
    flow_place: dict[str, int],
    outgoing: dict[str, int],
    incoming: dict[str, int],
) -> None:
    """Let each branch of an inclusive split be skipped to the nearest inclusive join."""
    inclusive = {n.id for n in model.nodes.values() if n.kind == "inclusive"}
    leaving = {
        flow_place[f.id] for f in model.flows if f.source in inclusive and outgoing[f.source] > 1
    }
    joining = {
        flow_place[f.id] for f in model.flows if f.target in inclusive and incoming[f.target] > 1
    }
    leaving, joining = leaving - joining, joining - leaving
    if not leaving or not joining:
        return
    follows: dict[int, list[int]] = {}
    for t in list(net.transitions.values()):
        for p in t.pre:
            follows.setdefault(p, []).extend(t.post)
    for start in sorted(leaving):
        seen, queue = {start}, deque([start])
        while queue:
            here = queue.popleft()
            if here in joining and here != start:
                net.transition(f"skip_{net.places[start]}", None, start, here)
                break
            for nxt in follows.get(here, []):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)


def _reduce(net: Net) -> None:
    """Merge silent transitions that only pass a token through a private place.

    Same order as PM4Py (all merges upward, then all downward, until nothing
    changes), so both nets keep the same silent steps.
    """
    changed = True
    while changed:
        changed = False
        while _merge_once(net, upward=True):
            changed = True
        while _merge_once(net, upward=False):
            changed = True


def _merge_once(net: Net, *, upward: bool) -> bool:
    producers: dict[int, list[str]] = {}
    consumers: dict[int, list[str]] = {}
    for t in net.transitions.values():
        for p in t.post:
            producers.setdefault(p, []).append(t.name)
        for p in t.pre:
            consumers.setdefault(p, []).append(t.name)
    for t in list(net.transitions.values()):
        if t.label is not None:
            continue
        if upward and len(t.pre) == 1:
            place = t.pre[0]
            before = producers.get(place, [])
            if len(before) == 1 and set(consumers[place]) == {t.name} and before[0] != t.name:
                # The one transition feeding this place now feeds t's outputs directly.
                feeder = net.transitions[before[0]]
                feeder.post = [p for p in feeder.post if p != place] + t.post
                del net.transitions[t.name]
                return True
        if not upward and len(t.post) == 1:
            place = t.post[0]
            after = consumers.get(place, [])
            if len(after) == 1 and set(producers[place]) == {t.name} and after[0] != t.name:
                taker = net.transitions[after[0]]
                taker.pre = [p for p in taker.pre if p != place] + t.pre
                del net.transitions[t.name]
                return True
    return False


@dataclass
class Reachability:
    """Markings by index (0 the initial one) and, for each, its moves.

    ``moves[m]`` lists ``(label, next)``: the activity index of a visible
    transition (``-1`` for a silent one) and the marking it leads to.
    ``final[m]`` is true when only the sink holds tokens.
    """

    labels: list[str]
    moves: list[list[tuple[int, int]]]
    final: list[bool]


def reachability(net: Net, *, limit: int = MAX_MARKINGS, where: str = "") -> Reachability:
    """Every marking reachable from one token in the source, breadth first.

    ``where`` names the model in errors (a run that never ends, too many states).
    """
    labels = sorted({t.label for t in net.transitions.values() if t.label is not None})
    index = {label: i for i, label in enumerate(labels)}
    steps = []
    for t in sorted(net.transitions.values(), key=lambda t: t.name):
        need: dict[int, int] = {}
        for p in t.pre:
            need[p] = need.get(p, 0) + 1
        give: dict[int, int] = {}
        for p in t.post:
            give[p] = give.get(p, 0) + 1
        steps.append((-1 if t.label is None else index[t.label], need, give))
    initial: tuple[tuple[int, int], ...] = ((SOURCE, 1),)
    number = {initial: 0}
    order = [initial]
    moves: list[list[tuple[int, int]]] = []
    for marking in order:
        tokens = dict(marking)
        out = []
        for label, need, give in steps:
            if all(tokens.get(p, 0) >= k for p, k in need.items()):
                after = dict(tokens)
                for p, k in need.items():
                    after[p] -= k
                for p, k in give.items():
                    after[p] = after.get(p, 0) + k
                key = tuple(sorted((p, k) for p, k in after.items() if k))
                if key not in number:
                    if len(order) >= limit:
                        raise ModelError(
                            _("the model has more than %d states; is a token never consumed?")
                            % limit,
                            where=where,
                        )
                    number[key] = len(order)
                    order.append(key)
                out.append((label, number[key]))
        moves.append(out)
    final = [bool(m) and all(p == SINK for p, _k in m) for m in order]
    if not any(final):
        raise ModelError(_("the model can never finish: no run reaches an end event"), where=where)
    return Reachability(labels, moves, final)
