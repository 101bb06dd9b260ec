"""The requests API: every route's answer, refusals with the shared error shape, stale revisions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from flowbridge.accounts.tokens import issue_token
from flowbridge.cases import services
from flowbridge.cases.models import Case, CaseEvent, Comment, WorkItem
from flowbridge.core.clock import ManualClock
from flowbridge.notify.models import Notification
from flowbridge.org.models import Person
from flowbridge.processes.models import ProcessDefinition
from tests.cases import bpmn
from tests.cases.conftest import Org, fresh, holders, item_for

Deploy = Callable[..., ProcessDefinition]


def auth(person: Person) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(person.user, 'test')}"}


def post(client: Client, url: str, person: Person, data: Any = None) -> Any:
    return client.post(
        url,
        json.dumps(data if data is not None else {}),
        content_type="application/json",
        **auth(person),
    )


def chain(deployed: Deploy) -> ProcessDefinition:
    return deployed(
        bpmn.chain(
            bpmn.approval("head", "部门负责人审批", "head:requester"),
            bpmn.task("pay", "付款", "person:E003"),
            fields=("amount:money:r", "reason:string"),
        ),
        key="expense",
    )


def snapshot() -> tuple[int, int, int, int]:
    """Row counts that a refused request must leave as they were."""
    return (
        Case.objects.count(),
        WorkItem.objects.filter(status="open").count(),
        CaseEvent.objects.count(),
        Comment.objects.count(),
    )


@pytest.fixture
def started(org: Org, deployed: Deploy, clock: ManualClock) -> Case:
    chain(deployed)
    return services.start_case(org.requester.user, "expense", {"amount": "120", "reason": "taxi"})


def test_sign_in_is_required(client: Client, org: Org) -> None:
    assert client.get("/api/requests").status_code == 401
    assert client.get("/api/tasks").status_code == 401
    assert client.post("/api/requests", {}, content_type="application/json").status_code == 401


def test_catalog_lists_processes_with_their_start_forms(
    client: Client, org: Org, deployed: Deploy, clock: ManualClock
) -> None:
    chain(deployed)
    rows = client.get("/api/requests/catalog", **auth(org.requester)).json()
    assert [(r["key"], r["version"]) for r in rows] == [("expense", 1)]
    fields = {f["id"]: f for f in rows[0]["fields"]}
    assert fields["amount"]["type"] == "money" and fields["amount"]["required"] is True
    assert fields["reason"]["required"] is False and fields["reason"]["options"] == []


def test_start_with_json_answers_the_case(
    client: Client, org: Org, deployed: Deploy, clock: ManualClock
) -> None:
    chain(deployed)
    r = post(
        client,
        "/api/requests",
        org.requester,
        {"process": "expense", "values": {"amount": "88.5"}, "title": "Taxi"},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    case = Case.objects.get()
    assert body["id"] == case.pk and body["reference"] == case.reference
    assert body["title"] == "Taxi" and body["status"] == "running"
    assert body["revision"] == case.revision
    assert body["requester"] == {"employee_no": "E001", "name": "张三"}
    assert body["requester_department"] == "sales"
    assert {v["id"]: v["value"] for v in body["values"]} == {"amount": "88.50", "reason": None}
    assert [(h["step"], h["person"]["employee_no"]) for h in body["holders"]] == [
        ("部门负责人审批", "E002")
    ]
    assert "withdraw" in body["actions"] and body["my_tasks"] == []


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"values": {}}, "process"),
        ({"process": "expense", "values": []}, "values"),
        ({"process": "expense", "values": {"amount": "many"}}, "amount"),
        ({"process": "expense", "values": {}}, "amount"),
        ({"process": "expense", "values": {"amount": 1, "nope": 2}}, "nope"),
        ([1, 2], "body"),
    ],
)
def test_bad_start_is_422_naming_the_field_and_stores_nothing(
    client: Client,
    org: Org,
    deployed: Deploy,
    clock: ManualClock,
    payload: Any,
    where: str,
) -> None:
    chain(deployed)
    before = snapshot()
    r = post(client, "/api/requests", org.requester, payload)
    assert r.status_code == 422, r.content
    assert where in [p["where"] for p in r.json()["problems"]]
    assert r.json()["detail"]
    assert snapshot() == before


def test_start_refusals(client: Client, org: Org, deployed: Deploy, clock: ManualClock) -> None:
    chain(deployed)
    unknown = post(client, "/api/requests", org.requester, {"process": "nope"})
    assert unknown.status_code == 404
    r = client.post(
        "/api/requests", b"{not json", content_type="application/json", **auth(org.requester)
    )
    assert r.status_code == 422 and r.json()["problems"][0]["where"] == "body"
    assert Case.objects.count() == 0


def test_start_multipart_with_a_file(
    client: Client, org: Org, deployed: Deploy, clock: ManualClock, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    deployed(
        bpmn.chain(
            bpmn.approval("head", "部门负责人审批", "head:requester"),
            fields=("amount:money:r", "receipt:attachment"),
        ),
        key="receipts",
    )
    upload = SimpleUploadedFile("receipt.txt", b"42 yuan", content_type="text/plain")
    r = client.post(
        "/api/requests",
        {"process": "receipts", "values": json.dumps({"amount": "42"}), "receipt": upload},
        **auth(org.requester),
    )
    assert r.status_code == 201, r.content
    values = {v["id"]: v for v in r.json()["values"]}
    assert values["receipt"]["display"] == "receipt.txt"
    assert Case.objects.get().attachments.get().size == 7
    bad = client.post(
        "/api/requests", {"process": "receipts", "values": "{"}, **auth(org.requester)
    )
    assert bad.status_code == 422 and bad.json()["problems"][0]["where"] == "values"
    assert Case.objects.count() == 1


def queries_of(client: Client, url: str, person: Person) -> tuple[int, Any]:
    headers = auth(person)
    with CaptureQueriesContext(connection) as captured:
        r = client.get(url, **headers)
    assert r.status_code == 200, r.content
    return len(captured), r.json()


def test_lists_of_requests_mine_and_all(
    client: Client, org: Org, deployed: Deploy, clock: ManualClock
) -> None:
    chain(deployed)
    services.start_case(org.requester.user, "expense", {"amount": "1"})
    few, _ = queries_of(client, "/api/requests", org.requester)
    few_all, _ = queries_of(client, "/api/requests?scope=all", org.pmo)
    for amount in ("2", "3"):
        last = services.start_case(org.requester.user, "expense", {"amount": amount})
    other = services.start_case(org.finance_head.user, "expense", {"amount": "9"})
    services.decide(
        org.sales_head.user, item_for(last, org.sales_head).pk, "rejected", comment="no"
    )
    # The number of queries does not grow with the number of requests listed.
    many, mine = queries_of(client, "/api/requests", org.requester)
    assert many == few <= 10
    assert mine["count"] == 3 and {r["requester"]["employee_no"] for r in mine["items"]} == {"E001"}
    assert mine["items"][0]["process"] == "expense" and mine["items"][0]["version"] == 1
    headers = auth(org.requester)
    rejected = client.get("/api/requests?status=rejected", **headers).json()
    assert [r["id"] for r in rejected["items"]] == [last.pk]
    assert client.get("/api/requests?process=nope", **headers).json()["count"] == 0
    # The requester sees only their own cases; the process office sees all.
    assert client.get("/api/requests?scope=all", **headers).json()["count"] == 3
    many_all, everything = queries_of(client, "/api/requests?scope=all", org.pmo)
    assert many_all == few_all
    assert everything["count"] == 4 and other.pk in [r["id"] for r in everything["items"]]
    bad = client.get("/api/requests?scope=everyone", **headers)
    assert bad.status_code == 422 and bad.json()["problems"][0]["where"] == "scope"


def test_detail_timeline_and_visibility(client: Client, org: Org, started: Case) -> None:
    detail = client.get(f"/api/requests/{started.pk}", **auth(org.sales_head)).json()
    item = item_for(started, org.sales_head)
    assert detail["my_tasks"] == [
        {
            "item_id": item.pk,
            "step": "部门负责人审批",
            "purpose": "decide",
            "actions": sorted(
                [
                    "add_approver",
                    "approve",
                    "cc",
                    "comment",
                    "delegate",
                    "reject",
                    "return",
                    "transfer",
                ]
            ),
        }
    ]
    assert [s["node_id"] for s in detail["steps"]] == ["head"]
    events = client.get(f"/api/requests/{started.pk}/timeline", **auth(org.requester)).json()
    assert [(e["activity"], e["lifecycle"]) for e in events] == [
        ("提交申请", "complete"),
        ("部门负责人审批", "assign"),
    ]
    assert events[1]["person"]["employee_no"] == "E002"
    assert client.get(f"/api/requests/{started.pk}", **auth(org.outsider)).status_code == 403
    assert client.get("/api/requests/999999", **auth(org.requester)).status_code == 404
    timeline = client.get(f"/api/requests/{started.pk}/timeline", **auth(org.outsider))
    assert timeline.status_code == 403


SHAPES = {"start": (100, 100, 36, 36), "head": (200, 78, 100, 80), "end": (360, 100, 36, 36)}
DI = (
    '<bpmndi:BPMNDiagram id="D1" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"'
    ' xmlns:dc="http://www.omg.org/spec/DD/20100524/DC">'
    '<bpmndi:BPMNPlane id="P1" bpmnElement="Drawn">'
    + "".join(
        f'<bpmndi:BPMNShape id="{n}_di" bpmnElement="{n}">'
        f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>'
        for n, (x, y, w, h) in SHAPES.items()
    )
    + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n"
)


def test_case_diagram(client: Client, org: Org, started: Case, deployed: Deploy) -> None:
    # The test chain has no diagram information: 404 with the reason.
    r = client.get(f"/api/requests/{started.pk}/diagram.svg", **auth(org.requester))
    assert r.status_code == 404 and r.json()["detail"]
    drawn = bpmn.chain(
        bpmn.approval("head", "部门负责人审批", "head:requester"), process_id="Drawn"
    ).replace("</bpmn:definitions>", DI + "</bpmn:definitions>")
    case = services.start_case(org.requester.user, deployed(drawn, key="drawn"), {})
    svg = client.get(f"/api/requests/{case.pk}/diagram.svg", **auth(org.requester))
    assert svg.status_code == 200, svg.content
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content and "部门负责人审批".encode() in svg.content
    assert b'state-current" data-element-id="head"' in svg.content
    assert (
        client.get(f"/api/requests/{case.pk}/diagram.svg", **auth(org.outsider)).status_code == 403
    )


def test_inbox_counts_and_task_detail(client: Client, org: Org, started: Case) -> None:
    few, _ = queries_of(client, "/api/tasks", org.sales_head)
    for amount in ("5", "6"):
        services.start_case(org.requester.user, "expense", {"amount": amount})
    many, inbox = queries_of(client, "/api/tasks", org.sales_head)
    assert many == few <= 12
    headers = auth(org.sales_head)
    assert inbox["counts"]["open"] == 3 and len(inbox["items"]) == 3
    assert {i["reference"] for i in inbox["items"]} >= {started.reference}
    assert client.get("/api/tasks?process=other", **headers).json()["items"] == []
    item_id = item_for(started, org.sales_head).pk
    task = client.get(f"/api/tasks/{item_id}", **headers).json()
    assert task["reference"] == started.reference and task["status"] == "open"
    assert "approve" in task["actions"] and task["revision"] == fresh(started).revision
    assert client.get(f"/api/tasks/{item_id}", **auth(org.outsider)).status_code == 403
    assert client.get("/api/tasks/999999", **headers).status_code == 404
    assert client.get("/api/tasks", **auth(org.outsider)).json()["items"] == []


def test_approve_then_done_ends_the_case(client: Client, org: Org, started: Case) -> None:
    item = item_for(started, org.sales_head)
    r = post(client, f"/api/tasks/{item.pk}/approve", org.sales_head, {"comment": "ok"})
    assert r.status_code == 200, r.content
    assert [h["person"]["employee_no"] for h in r.json()["holders"]] == ["E003"]
    pay = item_for(started, org.finance_head)
    done = post(client, f"/api/tasks/{pay.pk}/done", org.finance_head)
    assert done.status_code == 200 and done.json()["status"] == "completed"


def test_reject_needs_a_comment_and_stale_revisions_conflict(
    client: Client, org: Org, started: Case
) -> None:
    item = item_for(started, org.sales_head)
    before = snapshot()
    r = post(client, f"/api/tasks/{item.pk}/reject", org.sales_head, {})
    assert r.status_code == 422 and r.json()["problems"][0]["where"] == "comment"
    stale = post(
        client,
        f"/api/tasks/{item.pk}/approve",
        org.sales_head,
        {"expected_revision": started.revision - 1},
    )
    assert stale.status_code == 409
    assert snapshot() == before
    typed = post(client, f"/api/tasks/{item.pk}/approve", org.sales_head, {"comment": 5})
    assert typed.status_code == 422 and typed.json()["problems"][0]["where"] == "comment"
    foreign = post(client, f"/api/tasks/{item.pk}/approve", org.outsider)
    assert foreign.status_code == 403
    wrong = post(client, f"/api/tasks/{item.pk}/done", org.sales_head)
    assert wrong.status_code == 422
    assert snapshot() == before
    ok = post(
        client,
        f"/api/tasks/{item.pk}/reject",
        org.sales_head,
        {"comment": "too dear", "expected_revision": fresh(started).revision},
    )
    assert ok.status_code == 200 and ok.json()["status"] == "rejected"
    again = post(client, f"/api/tasks/{item.pk}/approve", org.sales_head)
    assert again.status_code == 409


def test_add_approver_transfer_delegate(client: Client, org: Org, started: Case) -> None:
    item = item_for(started, org.sales_head)
    before = snapshot()
    unknown = post(
        client,
        f"/api/tasks/{item.pk}/add-approver",
        org.sales_head,
        {"people": ["E003", "E999"], "position": "after"},
    )
    assert unknown.status_code == 422
    assert [p["where"] for p in unknown.json()["problems"]] == ["people[1]"]
    missing = post(client, f"/api/tasks/{item.pk}/transfer", org.sales_head, {"to": "X1"})
    assert missing.status_code == 422 and missing.json()["problems"][0]["where"] == "to"
    assert snapshot() == before
    added = post(
        client,
        f"/api/tasks/{item.pk}/add-approver",
        org.sales_head,
        {"people": ["E006"], "position": "parallel"},
    )
    assert added.status_code == 200, added.content
    assert holders(started) == ["E002", "E006"]
    gm_item = item_for(started, org.gm)
    moved = post(client, f"/api/tasks/{gm_item.pk}/transfer", org.gm, {"to": "E003"})
    assert moved.status_code == 200, moved.content
    assert holders(started) == ["E002", "E003"]
    mine = item_for(started, org.sales_head)
    handed = post(client, f"/api/tasks/{mine.pk}/delegate", org.sales_head, {"to": "E004"})
    assert handed.status_code == 200, handed.content
    assert "E004" in holders(started)


def test_return_targets_return_and_resubmit(client: Client, org: Org, started: Case) -> None:
    item = item_for(started, org.sales_head)
    post(client, f"/api/tasks/{item.pk}/approve", org.sales_head)
    targets = client.get(f"/api/requests/{started.pk}/return-targets", **auth(org.finance_head))
    ids = [t["id"] for t in targets.json()]
    assert "requester" in ids and "head" in ids
    pay = item_for(started, org.finance_head)
    bad = post(client, f"/api/tasks/{pay.pk}/return", org.finance_head, {"comment": "x"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["where"] == "target"
    back = post(
        client,
        f"/api/tasks/{pay.pk}/return",
        org.finance_head,
        {"target": "requester", "comment": "receipt missing"},
    )
    assert back.status_code == 200, back.content
    fix = item_for(started, org.requester)
    again = post(
        client,
        f"/api/tasks/{fix.pk}/resubmit",
        org.requester,
        {"values": {"amount": "99"}, "comment": "here"},
    )
    assert again.status_code == 200, again.content
    assert fresh(started).form_data["amount"] == "99.00"


def test_withdraw_urge_cc_comment(client: Client, org: Org, started: Case) -> None:
    base = f"/api/requests/{started.pk}"
    assert post(client, f"{base}/withdraw", org.outsider).status_code == 403
    urged = post(client, f"{base}/urge", org.requester, {"message": "please"})
    assert urged.status_code == 200, urged.content
    assert post(client, f"{base}/urge", org.requester).status_code == 409
    bad_cc = post(client, f"{base}/cc", org.requester, {"people": ["E404"]})
    assert bad_cc.status_code == 422 and bad_cc.json()["problems"][0]["where"] == "people[0]"
    cc = post(client, f"{base}/cc", org.requester, {"people": ["E008"]})
    assert cc.status_code == 200, cc.content
    # Copied: the outsider may now read it.
    assert client.get(base, **auth(org.outsider)).status_code == 200
    note = post(client, f"{base}/comments", org.outsider, {"text": "noted"})
    assert note.status_code == 201 and note.json()["author"]["employee_no"] == "E008"
    empty = post(client, f"{base}/comments", org.outsider, {})
    assert empty.status_code == 422 and empty.json()["problems"][0]["where"] == "text"
    stale = post(client, f"{base}/withdraw", org.requester, {"expected_revision": 1})
    assert stale.status_code == 409
    gone = post(client, f"{base}/withdraw", org.requester, {"reason": "not needed"})
    assert gone.status_code == 200 and gone.json()["status"] == "withdrawn"


def test_notifications_list_and_read(client: Client, org: Org, started: Case) -> None:
    headers = auth(org.sales_head)
    rows = client.get("/api/notifications?unread=true", **headers).json()
    assert rows["count"] == 1 and rows["items"][0]["kind"] == "task_assigned"
    assert rows["items"][0]["text"] and rows["items"][0]["read_at"] is None
    r = post(client, "/api/notifications/read", org.sales_head, {"ids": [rows["items"][0]["id"]]})
    assert r.json() == {"marked": 1}
    assert client.get("/api/notifications?unread=true", **headers).json()["count"] == 0
    assert client.get("/api/notifications", **headers).json()["count"] == 1
    bad = post(client, "/api/notifications/read", org.sales_head, {"ids": "all"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["where"] == "ids"
    assert Notification.objects.filter(read_at__isnull=True, recipient=org.sales_head).count() == 0


def test_event_export_is_for_office_management_and_auditors(
    client: Client, org: Org, started: Case
) -> None:
    assert client.get("/api/events.csv", **auth(org.requester)).status_code == 403
    assert client.get("/api/events.xes", **auth(org.sales_head)).status_code == 403
    csv_r = client.get("/api/events.csv?process=expense&lifecycle=complete", **auth(org.pmo))
    assert csv_r.status_code == 200
    lines = b"".join(csv_r.streaming_content).decode().splitlines()
    assert lines[0].startswith("case_id,activity,activity_id,lifecycle,timestamp")
    assert len(lines) == 2 and lines[1].startswith(f"{started.reference},提交申请,")
    xes = client.get("/api/events.xes?from=2026-03-01&to=2026-03-02", **auth(org.gm))
    assert xes.status_code == 200
    text = b"".join(xes.streaming_content).decode()
    assert text.count("<trace>") == 1 and text.count("<event>") == 2
    bad = client.get("/api/events.csv?lifecycle=finish", **auth(org.pmo))
    assert bad.status_code == 422 and bad.json()["problems"][0]["where"] == "lifecycle"
    assert client.get("/api/events.csv?process=nope", **auth(org.pmo)).status_code == 404
    backwards = client.get("/api/events.csv?from=2026-03-05&to=2026-03-01", **auth(org.pmo))
    assert backwards.status_code == 422


def test_refusals_speak_chinese_by_default_and_english_on_request(client: Client, org: Org) -> None:
    zh = client.get("/api/requests?scope=x", **auth(org.requester))
    assert zh.json()["detail"] == "scope 只能是 mine 或 all。"
    en = client.get("/api/requests?scope=x", HTTP_ACCEPT_LANGUAGE="en", **auth(org.requester))
    assert en.json()["detail"] == "scope is mine or all."


def test_openapi_documents_the_routes_and_their_bodies(client: Client, org: Org) -> None:
    schema = client.get("/api/openapi.json", **auth(org.requester)).json()
    paths = schema["paths"]
    for path in ("/api/requests", "/api/tasks/{item_id}/approve", "/api/events.xes"):
        assert path in paths
    approve = paths["/api/tasks/{item_id}/approve"]["post"]["requestBody"]
    body = approve["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"comment", "values", "expected_revision"}
    exports = {p["name"] for p in paths["/api/events.csv"]["get"]["parameters"]}
    assert {"process", "from", "to", "lifecycle"} <= exports
