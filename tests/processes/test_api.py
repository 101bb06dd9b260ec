"""The processes API: list, deploy (multipart), versions, BPMN download, diagram, validate."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from flowbridge.accounts.tokens import issue_token
from flowbridge.core.clock import ManualClock
from flowbridge.processes.models import ProcessVersion
from tests.processes import files
from tests.processes.conftest import People


def _bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user, 'test')}"}


def _upload(data: bytes, name: str = "purchase.bpmn") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/xml")


def test_reads_need_sign_in(client: Client, people: People) -> None:
    assert client.get("/api/processes").status_code == 401


def test_deploy_list_detail_versions(client: Client, people: People, clock: ManualClock) -> None:
    auth = _bearer(people.pmo)
    r = client.post(
        "/api/processes/deploy", {"file": _upload(files.approval()), "note": "v1"}, **auth
    )
    assert r.status_code == 201, r.content
    assert r.json() == {
        "key": "purchase-approval",
        "version": 1,
        "created": True,
        "bpmn_process_id": "Purchase_Approval",
    }
    again = client.post("/api/processes/deploy", {"file": _upload(files.approval())}, **auth)
    assert again.status_code == 200 and again.json()["created"] is False
    second = files.approval(review_name="经理审批")
    r2 = client.post("/api/processes/deploy", {"file": _upload(second)}, **auth)
    assert r2.status_code == 201 and r2.json()["version"] == 2

    reader = _bearer(people.employee)
    listing = client.get("/api/processes", **reader).json()
    assert [(d["key"], d["current_version"]) for d in listing] == [("purchase-approval", 2)]
    detail = client.get("/api/processes/purchase-approval", **reader).json()
    assert [v["number"] for v in detail["versions"]] == [2, 1]
    assert detail["versions"][1]["note"] == "v1" and detail["versions"][1]["deployed_by"] == "pmo"
    versions = client.get("/api/processes/purchase-approval/versions", **reader).json()
    assert [v["number"] for v in versions] == [2, 1]
    assert client.get("/api/processes/nope", **reader).status_code == 404


def test_deploy_with_key(client: Client, people: People, clock: ManualClock) -> None:
    r = client.post(
        "/api/processes/deploy",
        {"file": _upload(files.approval()), "key": "purchase"},
        **_bearer(people.pmo),
    )
    assert r.status_code == 201 and r.json()["key"] == "purchase"


def test_employee_gets_403_and_nothing_is_stored(
    client: Client, people: People, clock: ManualClock
) -> None:
    r = client.post(
        "/api/processes/deploy", {"file": _upload(files.approval())}, **_bearer(people.employee)
    )
    assert r.status_code == 403
    assert ProcessVersion.objects.count() == 0


def test_refused_deploy_is_422_with_reason_and_problems(
    client: Client, people: People, clock: ManualClock
) -> None:
    r = client.post(
        "/api/processes/deploy", {"file": _upload(files.SCRIPT_TASK)}, **_bearer(people.pmo)
    )
    assert r.status_code == 422
    body = r.json()
    assert "ScriptTask_1" in body["detail"] and "scripts are not supported" in body["detail"]
    assert body["problems"][0]["where"] == 'scriptTask "ScriptTask_1"'
    assert ProcessVersion.objects.count() == 0


def test_bpmn_download_is_the_uploaded_file(
    client: Client, people: People, clock: ManualClock
) -> None:
    data = files.approval()
    client.post("/api/processes/deploy", {"file": _upload(data)}, **_bearer(people.pmo))
    r = client.get("/api/processes/purchase-approval/versions/1/bpmn", **_bearer(people.employee))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/xml"
    assert "purchase-approval-v1.bpmn" in r["Content-Disposition"]
    assert r.content == data
    missing = client.get(
        "/api/processes/purchase-approval/versions/9/bpmn", **_bearer(people.employee)
    )
    assert missing.status_code == 404


def test_diagram_svg(client: Client, people: People, clock: ManualClock) -> None:
    client.post("/api/processes/deploy", {"file": _upload(files.approval())}, **_bearer(people.pmo))
    r = client.get(
        "/api/processes/purchase-approval/versions/1/diagram.svg", **_bearer(people.employee)
    )
    assert r.status_code == 200
    assert r["Content-Type"] == "image/svg+xml"
    assert b"<svg" in r.content and b"Review" in r.content


def test_validate_judges_without_storing(client: Client, people: People) -> None:
    auth = _bearer(people.employee)
    ok = client.post("/api/bpmn/validate", {"file": _upload(files.approval())}, **auth).json()
    assert ok["ok"] is True and ok["process_ids"] == ["Purchase_Approval"]
    bad = client.post("/api/bpmn/validate", {"file": _upload(files.XXE)}, **auth).json()
    assert bad["ok"] is False and "DOCTYPE" in bad["reason"]
    cond = files.approval(condition="__import__('os')")
    refused = client.post("/api/bpmn/validate", {"file": _upload(cond)}, **auth).json()
    assert refused["element_id"] == "ToDirector" and refused["element_type"] == "sequenceFlow"
    assert refused["problems"][0]["element_id"] == "ToDirector"
    assert ProcessVersion.objects.count() == 0
