"""The bulk API: POST /api/tasks/decide (批量审批) and POST /api/requests/batch (批量发起)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from flowbridge.accounts.tokens import issue_token
from flowbridge.cases import services
from flowbridge.cases.models import Case, CaseEvent, WorkItem
from flowbridge.core.clock import ManualClock
from flowbridge.org.models import Person
from flowbridge.processes.models import ProcessDefinition
from tests.cases import bpmn
from tests.cases.conftest import Org, fresh, holders, item_for

pytestmark = pytest.mark.usefixtures("english_site")

Deploy = Callable[..., ProcessDefinition]


def auth(person: Person) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(person.user, 'test')}"}


def post(client: Client, url: str, person: Person, data: Any) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json", **auth(person))


@pytest.fixture
def expense(org: Org, deployed: Deploy, clock: ManualClock) -> ProcessDefinition:
    return deployed(
        bpmn.chain(
            bpmn.approval("head", "部门负责人审批", "head:requester"),
            bpmn.task("pay", "付款", "person:E003"),
            fields=("amount:money:r", "reason:string"),
        ),
        key="expense",
    )


def _start(org: Org, reason: str) -> Case:
    return services.start_case(org.requester.user, "expense", {"amount": "10", "reason": reason})


def snapshot() -> tuple[int, int, int]:
    return (
        Case.objects.count(),
        WorkItem.objects.filter(status="open").count(),
        CaseEvent.objects.count(),
    )


def test_sign_in_is_required(client: Client, org: Org) -> None:
    for url in ("/api/tasks/decide", "/api/requests/batch"):
        assert client.post(url, "{}", content_type="application/json").status_code == 401


def test_decide_approves_mine_and_reports_the_one_that_is_not(
    client: Client, org: Org, expense: ProcessDefinition
) -> None:
    first, second, paid = _start(org, "a"), _start(org, "b"), _start(org, "c")
    services.decide(org.sales_head.user, item_for(paid, org.sales_head).pk, "approved")
    not_mine = item_for(paid, org.finance_head)
    ids = [item_for(first, org.sales_head).pk, not_mine.pk, item_for(second, org.sales_head).pk]
    r = post(client, "/api/tasks/decide", org.sales_head, {"items": ids, "decision": "approved"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["decided"], body["failed"]) == (2, 1)
    assert [row["item_id"] for row in body["results"]] == ids  # in the order given
    ok = body["results"][0]
    assert ok == {
        "item_id": ids[0],
        "ok": True,
        "case_id": first.pk,
        "reference": first.reference,
        "status": "running",
        "error": "",
    }
    failed = body["results"][1]
    assert failed["ok"] is False and failed["case_id"] is None
    assert "not yours" in failed["error"]
    # The two approved requests moved on to the payment; the other one did not change.
    assert holders(fresh(first)) == holders(fresh(second)) == ["E003"]
    assert WorkItem.objects.get(pk=not_mine.pk).status == "open"


def test_reject_many_with_a_reason_ends_the_requests(
    client: Client, org: Org, expense: ProcessDefinition
) -> None:
    cases = [_start(org, "a"), _start(org, "b")]
    ids = [item_for(c, org.sales_head).pk for c in cases]
    r = post(
        client,
        "/api/tasks/decide",
        org.sales_head,
        {"items": ids, "decision": "rejected", "comment": "no budget"},
    )
    assert r.status_code == 200 and r.json()["decided"] == 2
    assert [row["status"] for row in r.json()["results"]] == ["rejected", "rejected"]
    assert {fresh(c).status for c in cases} == {"rejected"}
    assert set(WorkItem.objects.filter(pk__in=ids).values_list("comment", flat=True)) == {
        "no budget"
    }


def test_unknown_task_is_reported_per_item(
    client: Client, org: Org, expense: ProcessDefinition
) -> None:
    case = _start(org, "a")
    mine = item_for(case, org.sales_head).pk
    r = post(
        client,
        "/api/tasks/decide",
        org.sales_head,
        {"items": [999999, mine], "decision": "approved"},
    )
    assert r.status_code == 200
    results = r.json()["results"]
    assert results[0] == {
        "item_id": 999999,
        "ok": False,
        "case_id": None,
        "reference": None,
        "status": None,
        "error": "No task 999999.",
    }
    assert results[1]["ok"] is True and holders(fresh(case)) == ["E003"]


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"items": [1], "decision": "rejected"}, "comment"),
        ({"items": [1], "decision": "rejected", "comment": "  "}, "comment"),
        ({"items": [1], "decision": "maybe"}, "decision"),
        ({"items": "1,2", "decision": "approved"}, "items"),
        ({"items": ["x"], "decision": "approved"}, "items[0]"),
        ({"decision": "approved"}, "items"),
        ({"items": [], "decision": "approved"}, "items"),
        ({"items": list(range(1, 502)), "decision": "approved"}, "items"),
        ([1, 2], "body"),
    ],
)
def test_bad_decide_payloads_name_the_field_and_change_nothing(
    client: Client, org: Org, expense: ProcessDefinition, payload: Any, where: str
) -> None:
    case = _start(org, "a")
    if isinstance(payload, dict) and payload.get("items") == [1]:
        payload = {**payload, "items": [item_for(case, org.sales_head).pk]}
    before = snapshot()
    r = post(client, "/api/tasks/decide", org.sales_head, payload)
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["detail"] and where in [p["where"] for p in body["problems"]]
    assert snapshot() == before and holders(fresh(case)) == ["E002"]


def test_batch_starts_one_request_per_row(
    client: Client, org: Org, expense: ProcessDefinition
) -> None:
    rows = [{"amount": "12.5", "reason": "taxi"}, {"amount": 30}, {"amount": "¥8", "reason": "tea"}]
    r = post(client, "/api/requests/batch", org.requester, {"process": "expense", "rows": rows})
    assert r.status_code == 201, r.content
    body = r.json()
    cases = list(Case.objects.order_by("pk"))
    assert body["started"] == 3 and len(cases) == 3
    assert [(c["id"], c["reference"], c["status"]) for c in body["requests"]] == [
        (c.pk, c.reference, "running") for c in cases
    ]
    assert all(c["title"] for c in body["requests"])
    assert [c.form_data["amount"] for c in cases] == ["12.50", "30.00", "8.00"]
    assert all(holders(c) == ["E002"] for c in cases)
    assert {c.requester.employee_no for c in cases} == {"E001"}


@pytest.mark.parametrize(
    ("payload", "status", "where"),
    [
        (
            {"process": "expense", "rows": [{"amount": "1"}, {"amount": "2"}, {"amount": "lots"}]},
            422,
            "rows[2].amount",
        ),
        ({"process": "expense", "rows": [{"amount": "1"}, {}]}, 422, "rows[1].amount"),
        ({"process": "expense", "rows": [{"amount": "1", "nope": "x"}]}, 422, "rows[0].nope"),
        ({"process": "expense", "rows": []}, 422, "rows"),
        ({"process": "expense", "rows": {"amount": "1"}}, 422, "rows"),
        ({"process": "expense", "rows": ["x"]}, 422, "rows[0]"),
        ({"rows": [{"amount": "1"}]}, 422, "process"),
        ({"process": "nope", "rows": [{"amount": "1"}]}, 404, None),
        ({"process": "expense", "rows": [{"amount": "1"}], "version": 9}, 404, None),
    ],
)
def test_bad_batch_starts_nothing_and_names_row_and_field(
    client: Client,
    org: Org,
    expense: ProcessDefinition,
    payload: Any,
    status: int,
    where: str | None,
) -> None:
    r = post(client, "/api/requests/batch", org.requester, payload)
    assert r.status_code == status, r.content
    body = r.json()
    assert body["detail"]
    if where is not None:
        assert where in [p["where"] for p in body["problems"]]
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0


def test_batch_problem_says_how_many_rows_are_wrong(
    client: Client, org: Org, expense: ProcessDefinition
) -> None:
    rows = [{"amount": "1"}, {"amount": "x"}, {"amount": "2"}, {"amount": "y"}]
    r = post(client, "/api/requests/batch", org.requester, {"process": "expense", "rows": rows})
    assert r.status_code == 422
    assert r.json()["detail"] == "Nothing was started: 2 of 4 rows have problems."
    assert [p["where"] for p in r.json()["problems"]] == ["rows[1].amount", "rows[3].amount"]
    chinese = client.post(
        "/api/requests/batch",
        json.dumps({"process": "expense", "rows": rows}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        **auth(org.requester),
    )
    assert chinese.json()["detail"] == "未发起任何申请：4 行中有 2 行有问题。"  # noqa: RUF001
