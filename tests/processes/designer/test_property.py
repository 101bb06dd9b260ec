"""Properties: any JSON reads without a crash; any valid chain runs and lays out cleanly."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from flowbridge.processes.bpmn import judge
from flowbridge.processes.designer.bpmn_writer import chain_to_bpmn
from flowbridge.processes.designer.chain import chain_problems, read_chain
from flowbridge.processes.designer.layout import Box
from flowbridge.processes.diagram import render_svg

DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"
MODEL = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
shaped = st.fixed_dictionaries(
    {},
    optional={
        "key": json_values,
        "name": json_values,
        "fields": st.lists(
            st.dictionaries(st.sampled_from(["id", "label", "type", "options", "min"]), json_values)
        ),
        "nodes": st.lists(
            st.dictionaries(
                st.sampled_from(
                    ["type", "name", "approvers", "branches", "default", "set", "mode", "due"]
                ),
                json_values | st.sampled_from(["approval", "condition", "parallel", "cc", "auto"]),
            ),
            max_size=4,
        ),
    },
)


@settings(max_examples=150, deadline=None)
@given(payload=json_values | shaped)
def test_any_json_reads_into_problems_never_a_crash(payload: Any) -> None:
    chain, problems = read_chain(payload)
    problems += chain_problems(chain, check_references=False)
    assert all(isinstance(p.where, str) and p.message for p in problems)
    render_svg(chain_to_bpmn(chain))  # the preview draws whatever could be read


approvers = st.lists(
    st.sampled_from(
        [{"type": "requester_head"}, {"type": "requester"}, {"type": "role", "role": "management"}]
    ),
    min_size=1,
    max_size=2,
)


def _nodes(children: st.SearchStrategy[list[dict[str, Any]]]) -> st.SearchStrategy[dict[str, Any]]:
    simple = st.builds(
        lambda kind, who, mode: {"type": kind, "approvers": who, "mode": mode},
        st.sampled_from(["approval", "task", "cc"]),
        approvers,
        st.sampled_from(["or-sign", "countersign", "sequential"]),
    )
    auto = st.builds(lambda: {"type": "auto", "set": {"amount": "amount + 1"}})
    condition = st.builds(
        lambda branches, default: {
            "type": "condition",
            "branches": [
                {"condition": f"amount > {i * 1000}", "nodes": nodes}
                for i, nodes in enumerate(branches)
            ],
            "default": {"nodes": default},
        },
        st.lists(children, min_size=1, max_size=3),
        children,
    )
    parallel = st.builds(
        lambda branches: {"type": "parallel", "branches": [{"nodes": n} for n in branches]},
        st.lists(children.filter(bool), min_size=2, max_size=3),
    )
    return st.one_of(simple, auto, condition, parallel)


node_lists = st.recursive(
    st.lists(st.builds(lambda who: {"type": "approval", "approvers": who}, approvers), max_size=2),
    lambda children: st.lists(_nodes(children), min_size=1, max_size=3),
    max_leaves=8,
)


def _named(nodes: list[dict[str, Any]], counter: itertools.count[int]) -> list[dict[str, Any]]:
    for node in nodes:
        node["name"] = f"节点{next(counter)}"
        for branch in [*node.get("branches", []), node.get("default") or {"nodes": []}]:
            _named(branch["nodes"], counter)
    return nodes


@settings(max_examples=60, deadline=None)
@given(nodes=node_lists.filter(bool))
def test_any_valid_chain_is_runnable_and_laid_out_without_overlaps(
    nodes: list[dict[str, Any]],
) -> None:
    payload = {
        "key": "random",
        "name": "随机",
        "fields": [{"id": "amount", "label": "金额", "type": "number"}],
        "nodes": _named(nodes, itertools.count(1)),
    }
    chain, problems = read_chain(payload)
    problems += chain_problems(chain, check_references=False)
    assert problems == []
    xml = chain_to_bpmn(chain)
    judgement = judge(xml.encode("utf-8"), "random.bpmn")
    assert judgement.ok, judgement.reason
    root = etree.fromstring(xml.encode("utf-8"))
    boxes = [
        Box(*(float(b.get(k)) for k in ("x", "y", "width", "height")))
        for b in root.iter(f"{DC}Bounds")
        if b.getparent().tag == f"{DI}BPMNShape"
    ]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    flows = {f.get("id") for f in root.iter(f"{MODEL}sequenceFlow")}
    assert flows == {e.get("bpmnElement") for e in root.iter(f"{DI}BPMNEdge")}
