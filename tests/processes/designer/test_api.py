"""The designer API: validate, preview, BPMN file, deploy (permissions, problems), reopen."""

from __future__ import annotations

from typing import Any

from django.test import Client

from flowbridge.accounts.tokens import issue_token
from flowbridge.core.clock import ManualClock
from flowbridge.processes import services
from flowbridge.processes.designer.bpmn_writer import chain_to_bpmn
from flowbridge.processes.designer.chain import parse_chain
from flowbridge.processes.models import ProcessDefinition, ProcessVersion
from tests.processes import files
from tests.processes.conftest import People
from tests.processes.designer import chains


def _bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user, 'test')}"}


def _post(client: Client, url: str, body: Any, user: Any) -> Any:
    return client.post(url, body, content_type="application/json", **_bearer(user))


def test_needs_sign_in(client: Client, people: People) -> None:
    r = client.post("/api/designer/validate", {}, content_type="application/json")
    assert r.status_code == 401


def test_validate_lists_problems_with_paths(client: Client, people: People) -> None:
    ok = _post(client, "/api/designer/validate", chains.small(), people.employee)
    assert ok.status_code == 200 and ok.json() == {"ok": True, "problems": []}
    bad = chains.small()
    bad["nodes"][1]["branches"][0]["nodes"][0]["approvers"] = []
    bad["nodes"][1]["branches"][0]["condition"] = {"field": "weeks", "op": ">", "value": 1}
    r = _post(client, "/api/designer/validate", bad, people.employee)
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is False
    assert [p["where"] for p in body["problems"]] == [
        "nodes[1].branches[0].condition.field",
        "nodes[1].branches[0].nodes[0].approvers",
    ]


def test_preview_draws_even_an_unfinished_chain(client: Client, people: People) -> None:
    unfinished = chains.small()
    unfinished["nodes"][0]["approvers"] = []
    r = _post(client, "/api/designer/preview", unfinished, people.employee)
    assert r.status_code == 200 and r["Content-Type"] == "image/svg+xml"
    assert r.content.startswith(b"<svg") and "主管审批".encode() in r.content


def test_bpmn_file_or_422(client: Client, people: People) -> None:
    r = _post(client, "/api/designer/bpmn", chains.small(), people.employee)
    assert r.status_code == 200
    assert r.content.decode("utf-8") == chain_to_bpmn(parse_chain(chains.small()))
    assert 'filename="leave.bpmn"' in r["Content-Disposition"]
    bad = _post(client, "/api/designer/bpmn", chains.small(key="Not A Key"), people.employee)
    assert bad.status_code == 422
    assert [p["where"] for p in bad.json()["problems"]] == ["key"]


def test_deploy_permissions_problems_and_idempotence(
    client: Client, people: People, clock: ManualClock
) -> None:
    body = {"chain": chains.small(), "note": "from the designer"}
    denied = _post(client, "/api/designer/deploy", body, people.employee)
    assert denied.status_code == 403
    bad = chains.small()
    bad["nodes"][0]["due"] = "soon"
    refused = _post(client, "/api/designer/deploy", {"chain": bad}, people.pmo)
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["where"] == "nodes[0].due"
    assert not ProcessDefinition.objects.exists()

    first = _post(client, "/api/designer/deploy", body, people.pmo)
    assert first.status_code == 201
    assert first.json() == {"key": "leave", "version": 1, "created": True}
    again = _post(client, "/api/designer/deploy", body, people.pmo)
    assert again.status_code == 200 and again.json()["created"] is False
    assert ProcessVersion.objects.get().note == "from the designer"

    got = client.get("/api/designer/leave", **_bearer(people.employee))
    assert got.status_code == 200
    assert parse_chain(got.json()) == parse_chain(chains.small())


def test_reopen_404_for_unknown_and_drawn_processes(
    client: Client, people: People, clock: ManualClock
) -> None:
    auth = _bearer(people.employee)
    assert client.get("/api/designer/nope", **auth).status_code == 404
    services.deploy(people.pmo, files.approval(), "purchase.bpmn", key="drawn")
    r = client.get("/api/designer/drawn", **auth)
    assert r.status_code == 404 and "designer" in r.json()["detail"]
