"""Bulk pages: decide the tasks ticked in the inbox, start many requests from a CSV file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from flowbridge.cases import operations, services
from flowbridge.cases.models import Case, CaseEvent, WorkItem
from flowbridge.core.clock import ManualClock
from flowbridge.processes.models import ProcessDefinition
from tests.cases import bpmn
from tests.cases.conftest import Org, fresh, holders, item_for

pytestmark = pytest.mark.usefixtures("english_site")

Deploy = Callable[..., ProcessDefinition]
BATCH = "/requests/new/expense/batch/"


@pytest.fixture
def expense(org: Org, deployed: Deploy, clock: ManualClock) -> ProcessDefinition:
    """start (amount, reason, day, receipt) → head approval → pay task (E003)."""
    xml = bpmn.chain(
        bpmn.approval("head", "Head approval", "head:requester"),
        bpmn.task("pay", "Pay out", "person:E003"),
        process_id="Expense",
        name="Expense claim",
        fields=("amount:money:r", "reason:string", "day:date", "receipt:attachment"),
        process_props={"title": "Expense: {reason}"},
    )
    return deployed(xml, key="expense")


def _login(client: Client, person: Any) -> Client:
    client.force_login(person.user)
    return client


def _start(org: Org, reason: str) -> Case:
    return services.start_case(org.requester.user, "expense", {"amount": "10", "reason": reason})


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _csv(text: str, encoding: str = "utf-8", name: str = "rows.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_inbox_offers_a_checkbox_per_task_that_can_be_decided_in_bulk(
    client: Client, org: Org, expense: ProcessDefinition
) -> None:
    first, second = _start(org, "taxi"), _start(org, "hotel")
    page = _login(client, org.sales_head).get("/tasks/").content.decode()
    for case in (first, second):
        item = item_for(case, org.sales_head)
        assert f'name="items" value="{item.pk}" form="bulk-form"' in page
    assert 'id="bulk-form"' in page and 'action="/tasks/bulk/"' in page
    assert 'id="bulk-all"' in page and "Select all" in page
    for label in (
        "Approve selected",
        "Reject selected",
        "Mark done",
        "Reason (required to reject)",
    ):
        assert label in page
    # A request returned to its requester is corrected one by one: no checkbox for it.
    services.decide(org.sales_head.user, item_for(first, org.sales_head).pk, "approved")
    item = item_for(first, org.finance_head)
    operations.return_to(org.finance_head.user, item.pk, "requester", comment="receipt?")
    mine = _login(client, org.requester).get("/tasks/").content.decode()
    assert "returned to you" in mine and 'class="bulk-pick"' not in mine


def test_approve_selected_decides_each_and_names_the_failures(
    client: Client, org: Org, expense: ProcessDefinition
) -> None:
    first, second, done = _start(org, "taxi"), _start(org, "hotel"), _start(org, "tea")
    already = item_for(done, org.sales_head)
    services.decide(org.sales_head.user, already.pk, "approved")
    not_mine = item_for(done, org.finance_head)
    ids = [item_for(first, org.sales_head).pk, already.pk, not_mine.pk]
    ids.append(item_for(second, org.sales_head).pk)
    _login(client, org.sales_head)
    response = client.post(
        "/tasks/bulk/",
        {"items": ids, "decision": "approved", "next": "/tasks/?tab=all"},
        follow=True,
    )
    assert response.redirect_chain == [("/tasks/?tab=all", 302)]
    said = _messages(response)
    assert said[0] == "You decided 2 tasks."
    # A task that was mine names its step and request; someone else's only its id.
    assert said[1].startswith(
        f"Head approval on {done.reference} Expense: tea (task {already.pk}):"
    )
    assert "already handled" in said[1]
    assert said[2] == f"Task {not_mine.pk}: This task is not yours."
    assert holders(fresh(first)) == holders(fresh(second)) == ["E003"]
    assert WorkItem.objects.get(pk=not_mine.pk).status == "open"


def test_reject_needs_a_reason_and_changes_nothing_without_one(
    client: Client, org: Org, expense: ProcessDefinition
) -> None:
    cases = [_start(org, "taxi"), _start(org, "hotel")]
    ids = [item_for(c, org.sales_head).pk for c in cases]
    _login(client, org.sales_head)
    events = CaseEvent.objects.count()
    response = client.post("/tasks/bulk/", {"items": ids, "decision": "rejected"}, follow=True)
    assert _messages(response) == ["Say why you reject it."]
    assert CaseEvent.objects.count() == events and {fresh(c).status for c in cases} == {"running"}
    response = client.post(
        "/tasks/bulk/",
        {"items": ids, "decision": "rejected", "comment": "over budget"},
        follow=True,
    )
    assert _messages(response) == ["You decided 2 tasks."]
    assert {fresh(c).status for c in cases} == {"rejected"}


def test_mark_done_on_an_approval_is_refused_per_item(
    client: Client, org: Org, expense: ProcessDefinition
) -> None:
    case = _start(org, "taxi")
    item = item_for(case, org.sales_head)
    response = _login(client, org.sales_head).post(
        "/tasks/bulk/", {"items": [item.pk], "decision": "done"}, follow=True
    )
    assert _messages(response) == [
        f"Head approval on {case.reference} Expense: taxi (task {item.pk}): "
        "A task is marked done; an approval is approved or rejected."
    ]
    assert holders(fresh(case)) == ["E002"]


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"decision": "approved"}, "Choose at least one task."),
        ({"items": ["x"], "decision": "approved"}, "Choose at least one task."),
        ({"items": ["1"]}, "Choose approve, reject or mark done."),
        ({"items": ["1"], "decision": "maybe"}, "Choose approve, reject or mark done."),
    ],
)
def test_bad_bulk_posts_say_what_is_missing(
    client: Client, org: Org, expense: ProcessDefinition, data: dict[str, Any], said: str
) -> None:
    response = _login(client, org.sales_head).post("/tasks/bulk/", data, follow=True)
    assert response.redirect_chain == [("/tasks/", 302)]
    assert _messages(response) == [said]


def test_bulk_decide_is_post_only_signed_in_and_csrf_protected(
    org: Org, expense: ProcessDefinition
) -> None:
    case = _start(org, "taxi")
    item = item_for(case, org.sales_head)
    anonymous = Client()
    response = anonymous.post("/tasks/bulk/", {"items": [item.pk], "decision": "approved"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    strict = _login(Client(enforce_csrf_checks=True), org.sales_head)
    assert strict.post(
        "/tasks/bulk/", {"items": [item.pk], "decision": "approved"}
    ).status_code == (403)
    assert strict.get("/tasks/bulk/").status_code == 405
    assert holders(fresh(case)) == ["E002"]
    # An off-site "next" is ignored: back to the inbox.
    response = _login(Client(), org.sales_head).post(
        "/tasks/bulk/", {"items": [item.pk], "decision": "approved", "next": "//evil.example/"}
    )
    assert response["Location"] == "/tasks/" and holders(fresh(case)) == ["E003"]


# Bulk start -----------------------------------------------------------------------


def test_start_page_links_to_the_batch_page_which_explains_the_columns(
    client: Client, org: Org, expense: ProcessDefinition
) -> None:
    _login(client, org.requester)
    assert (
        'href="/requests/new/expense/batch/"'
        in client.get("/requests/new/expense/").content.decode()
    )
    page = client.get(BATCH).content.decode()
    assert '<code id="batch-header">amount,reason,day</code>' in page
    assert 'id="batch-attachments"' in page and "<code>receipt</code>" in page
    assert client.get("/requests/new/nope/batch/").status_code == 404


def test_upload_starts_one_request_per_row_and_lists_them(
    client: Client, org: Org, expense: ProcessDefinition
) -> None:
    text = "amount,reason,day\n12.5,taxi,2026-03-01\n30,hotel,\n¥8,tea,2026-03-02\n"
    response = _login(client, org.requester).post(BATCH, {"file": _csv(text)})
    cases = list(Case.objects.order_by("pk"))
    assert response.status_code == 302
    assert response["Location"] == f"{BATCH}?started={','.join(str(c.pk) for c in cases)}"
    page = client.get(response["Location"])
    assert _messages(page) == ["3 requests started."]
    listed = page.content.decode()
    assert all(f'data-case="{c.pk}"' in listed for c in cases)
    assert [c.form_data["amount"] for c in cases] == ["12.50", "30.00", "8.00"]
    assert [c.form_data["day"] for c in cases] == ["2026-03-01", None, "2026-03-02"]
    assert [c.title for c in cases] == ["Expense: taxi", "Expense: hotel", "Expense: tea"]
    assert all(holders(c) == ["E002"] for c in cases)
    # Someone else's requests are not listed even if their ids are in the address.
    other = _login(Client(), org.sales_head).get(response["Location"]).content.decode()
    assert 'data-case="' not in other


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_excel_encodings_are_read(
    client: Client, org: Org, expense: ProcessDefinition, encoding: str
) -> None:
    text = "amount,reason\r\n100,出差深圳\r\n"
    response = _login(client, org.requester).post(BATCH, {"file": _csv(text, encoding)})
    assert response.status_code == 302
    assert Case.objects.get().form_data["reason"] == "出差深圳"


def test_pasted_rows_copied_from_a_sheet_are_tab_separated(
    client: Client, org: Org, expense: ProcessDefinition
) -> None:
    pasted = "amount\treason\n1\ta\n2\tb, with a comma\n"
    response = _login(client, org.requester).post(BATCH, {"rows": pasted})
    assert response.status_code == 302
    assert [c.form_data["reason"] for c in Case.objects.order_by("pk")] == ["a", "b, with a comma"]


def _refused(client: Client, data: dict[str, Any]) -> str:
    response = client.post(BATCH, data)
    assert response.status_code == 422
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0
    return str(response.content.decode())


def test_bad_number_in_row_3_names_row_line_and_field(
    client: Client, org: Org, expense: ProcessDefinition
) -> None:
    text = "amount,reason\n1,a\n2,b\nlots,c\n4,d\n"
    page = _refused(_login(client, org.requester), {"file": _csv(text)})
    assert "Nothing was started: 1 of 4 rows have problems." in page
    assert '<tr data-row="3" data-column="amount"><td>3</td><td>row 3 (line 4), amount</td>' in page
    assert "amount: enter a number" in page


def test_missing_and_unknown_columns_are_named(
    client: Client, org: Org, expense: ProcessDefinition
) -> None:
    _login(client, org.requester)
    page = _refused(client, {"file": _csv("reason,colour\ntaxi,red\n")})
    assert "the required column &quot;amount&quot; (amount) is missing" in page
    assert (
        "&quot;colour&quot; is not a field of this form (fields: amount, reason, day, receipt)"
        in page
    )
    page = _refused(client, {"file": _csv("amount,receipt\n1,x.pdf\n")})
    assert "&quot;receipt&quot; is an attachment; files cannot be given in a CSV file" in page
    page = _refused(client, {"file": _csv("amount,reason\n1,a,extra\n")})
    assert "line 2 has 3 cells; the header has 2" in page


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"file": _csv("")}, "The file is empty"),
        ({"file": _csv("  \n\n")}, "The file is empty"),
        ({"file": _csv("amount,reason\n")}, "The file has a header row but no rows of values."),
        ({"file": _csv("amount,reason\n1,a\n", "utf-16")}, "The file is UTF-16 or binary"),
        (
            {"file": SimpleUploadedFile("rows.csv", b"amount,reason\n1,\xff\xfe\xfa\n")},
            "The file is neither UTF-8 nor GB18030 text",
        ),
        ({}, "Choose a CSV file or paste the rows."),
        ({"file": _csv("amount\n1\n"), "rows": "amount\n1\n"}, "Give a file or pasted rows"),
    ],
)
def test_unreadable_input_is_refused_with_a_reason(
    client: Client, org: Org, expense: ProcessDefinition, data: dict[str, Any], said: str
) -> None:
    page = _refused(_login(client, org.requester), data)
    assert said in page


def test_batch_page_needs_sign_in(client: Client, org: Org, expense: ProcessDefinition) -> None:
    response = client.get(BATCH)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
