"""Reading a designed chain: every problem is listed at once, each with its path."""

from __future__ import annotations

from typing import Any

import pytest

from flowbridge.core.errors import InvalidInput
from flowbridge.processes.designer.chain import chain_to_dict, parse_chain, read_chain
from tests.processes.conftest import People
from tests.processes.designer import chains

pytestmark = pytest.mark.django_db


def problems_of(payload: Any, **options: Any) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_chain(payload, **options)
    return {p.where: p.message for p in caught.value.problems}


def test_full_chain_parses_and_round_trips_through_its_dict(people: People) -> None:
    chains.responsibility_step()
    chain = parse_chain(chains.full())
    assert chain.key == "purchase" and len(chain.nodes) == 3
    condition = chain.nodes[1]
    assert condition.branches[0].condition is not None
    assert condition.branches[0].condition.text() == "amount > 50000"
    assert condition.branches[1].condition is not None
    assert condition.branches[1].condition.text() == 'risk == "high"'
    assert [a.rule() for a in condition.branches[0].nodes[0].approvers] == [
        "department:sales",
        "head:requester+2",
        "person:PMO",
    ]
    assert parse_chain(chain_to_dict(chain)) == chain


def test_every_problem_is_listed_with_its_path(people: People) -> None:
    chains.responsibility_step()
    payload = chains.full()
    nodes = payload["nodes"]
    nodes[0]["approvers"] = []
    nodes[0]["due"] = "2 days"
    big = nodes[1]["branches"][0]
    big["nodes"][0]["approvers"][0] = {"type": "department", "department": "nowhere"}
    big["nodes"][0]["approvers"][2] = {"type": "person", "employee_no": "E404"}
    big["nodes"][1]["branches"][0]["nodes"] = []
    big["nodes"][1]["branches"][1]["nodes"][0]["set"] = {"colour": "1"}
    nodes[1]["branches"][1]["condition"] = "__import__('os')"
    nodes[1]["branches"][1]["nodes"][0]["approvers"][1]["step"] = "nope"
    nodes[2]["name"] = "部门负责人审批"
    nodes[2]["approvers"][0] = {"type": "role", "role": "wizard"}
    payload["fields"][1]["id"] = "decision"
    found = problems_of(payload)
    assert set(found) == {
        "nodes[0].approvers",
        "nodes[0].due",
        "nodes[1].branches[0].nodes[0].approvers[0].department",
        "nodes[1].branches[0].nodes[0].approvers[2].employee_no",
        "nodes[1].branches[0].nodes[1].branches[0].nodes",
        "nodes[1].branches[0].nodes[1].branches[1].nodes[0].set.colour",
        "nodes[1].branches[0].condition.field",  # amount is now called decision
        "nodes[1].branches[1].condition",
        "nodes[1].branches[1].nodes[0].approvers[1].step",
        "nodes[2].name",
        "nodes[2].approvers[0].role",
        "fields[1].id",
        "title",  # {amount} is no form field any more
    }
    assert "nowhere" in found["nodes[1].branches[0].nodes[0].approvers[0].department"]
    assert "nodes[0]" in found["nodes[2].name"]  # names the first use
    assert "reserved" in found["fields[1].id"]


def test_shape_problems(people: People) -> None:
    found = problems_of(
        {
            "key": "Bad Key",
            "name": "",
            "withdraw": "sometimes",
            "fields": [
                {"id": "1x", "label": "x", "type": "colour"},
                {"id": "kind", "label": "k", "type": "enum"},
                {"id": "n", "label": "n", "type": "long", "min": "5", "max": "2"},
                {"id": "d", "label": "d", "type": "date", "min": "2026-13-01"},
            ],
            "nodes": [
                {"type": "loop"},
                {"type": "approval", "name": "A", "approvers": [{"type": "head_up", "levels": 0}]},
                {"type": "approval", "name": "B", "approvers": "everyone", "mode": "vote"},
                {"type": "condition", "branches": [{"name": "x", "nodes": []}]},
                {"type": "parallel", "branches": [{"nodes": [{"type": "cc", "name": "C"}]}]},
                {
                    "type": "condition",
                    "branches": [{"condition": {"field": "n", "op": "in", "value": 3}}],
                },
            ],
        }
    )
    assert set(found) == {
        "name",
        "withdraw",
        "key",
        "fields[0].type",
        "fields[0].id",
        "fields[1].options",
        "fields[2].max",
        "fields[3].min",
        "nodes[0].type",
        "nodes[1].approvers[0].levels",
        "nodes[2].approvers",
        "nodes[2].mode",
        "nodes[3].branches[0].condition",
        "nodes[4].branches",
        "nodes[4].branches[0].nodes[0].approvers",
        "nodes[5].branches[0].condition.value",
    }


def test_not_an_object_and_no_nodes() -> None:
    assert problems_of([], check_references=False) == {"": "must be an object"}
    found = problems_of({"key": "x", "name": "X", "nodes": []}, check_references=False)
    assert list(found) == ["nodes"]


def test_structured_conditions_become_expressions(people: People) -> None:
    payload = chains.small()
    branch = payload["nodes"][1]["branches"][0]
    branch["condition"] = {"field": "days", "op": "in", "value": [1, 2, 3]}
    chain = parse_chain(payload)
    condition = chain.nodes[1].branches[0].condition
    assert condition is not None and condition.text() == "days in [1, 2, 3]"
    branch["condition"] = {"field": "days", "op": ">", "value": "many"}
    assert list(problems_of(payload)) == ["nodes[1].branches[0].condition.value"]
    branch["condition"] = 'decision == "approved" and days > 2'
    assert parse_chain(payload).nodes[1].branches[0].condition is not None
    branch["condition"] = "weeks > 2"
    assert "weeks" in problems_of(payload)["nodes[1].branches[0].condition"]


def test_reading_keeps_what_it_can_for_the_preview() -> None:
    chain, problems = read_chain({"key": "x", "name": "X", "nodes": [{"type": "approval"}, 5]})
    assert [n.kind for n in chain.nodes] == ["approval"]
    assert {p.where for p in problems} == {"nodes[0].name", "nodes[1]"}


def test_reopening_skips_reference_lookups() -> None:
    payload = chains.small()
    payload["nodes"][0]["approvers"] = [{"type": "department", "department": "closed"}]
    assert parse_chain(payload, check_references=False).nodes[0].approvers[0].department == (
        "closed"
    )
