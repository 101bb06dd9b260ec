"""Request and task pages through the Django test client: pages, actions, permissions, errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from flowbridge.cases import services
from flowbridge.cases.models import Attachment, Case, CaseStatus, Comment, WorkItem
from flowbridge.core.clock import ManualClock
from flowbridge.notify.models import Notification
from flowbridge.processes.models import ProcessDefinition
from tests.cases import bpmn
from tests.cases.conftest import Org, fresh, holders, item_for

pytestmark = pytest.mark.usefixtures("english_site")

Deploy = Callable[..., ProcessDefinition]


@pytest.fixture
def expense(deployed: Deploy) -> ProcessDefinition:
    """start (amount, reason, receipt) → head approval → finance countersign → pay task."""
    xml = bpmn.chain(
        bpmn.approval("head", "Head approval", "head:requester"),
        bpmn.approval("finance", "Finance review", "liaison:finance", mode="countersign"),
        bpmn.task("pay", "Pay out", "person:E003"),
        process_id="Expense",
        name="Expense claim",
        fields=("amount:long:r", "reason:string:r", "receipt:attachment"),
        process_props={"title": "Expense: {reason}"},
    )
    return deployed(xml, key="expense")


def _login(client: Client, person: Any) -> Client:
    client.force_login(person.user)
    return client


def _start(org: Org, definition: ProcessDefinition, **values: Any) -> Case:
    data = {"amount": "120", "reason": "taxi", **values}
    return services.start_case(org.requester.user, definition, data)


def test_pages_need_sign_in(client: Client, org: Org) -> None:
    for url in ("/requests/", "/requests/new/", "/tasks/", "/notifications/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_catalog_lists_startable_processes_and_searches(
    client: Client, org: Org, expense: ProcessDefinition
) -> None:
    page = _login(client, org.requester).get("/requests/new/").content.decode()
    assert 'data-key="expense"' in page and "/requests/new/expense/" in page
    assert 'data-key="expense"' not in client.get("/requests/new/?q=holiday").content.decode()
    assert 'data-key="expense"' in client.get("/requests/new/?q=EXPENSE").content.decode()


def test_start_form_errors_next_to_fields_and_nothing_stored(
    client: Client, org: Org, expense: ProcessDefinition, clock: ManualClock
) -> None:
    _login(client, org.requester)
    response = client.post("/requests/new/expense/", {"amount": "lots", "reason": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="field-amount"' in page and "pf-invalid" in page
    assert "nothing was saved" in page
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0


def test_start_with_a_file_redirects_to_the_case(
    client: Client, org: Org, expense: ProcessDefinition, clock: ManualClock
) -> None:
    _login(client, org.requester)
    receipt = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")
    response = client.post(
        "/requests/new/expense/", {"amount": "120", "reason": "taxi", "receipt": receipt}
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/requests/{case.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert f"Request {case.reference} submitted." in page
    assert "taxi" in page and "李四" in page  # form value, and who holds it now
    attachment = Attachment.objects.get()
    download = client.get(f"/requests/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 receipt"  # type: ignore[attr-defined]
    assert 'filename="receipt.pdf"' in download["Content-Disposition"]
    # Someone with no part in the request gets neither the file nor the page.
    _login(client, org.outsider)
    assert client.get(f"/requests/attachments/{attachment.pk}/").status_code in (403, 404)
    assert client.get(f"/requests/{case.pk}/").status_code == 403


def test_inbox_shows_my_items_with_badges_and_filters(
    client: Client, org: Org, expense: ProcessDefinition, clock: ManualClock
) -> None:
    case = _start(org, expense, reason="hotel in Shenzhen")
    _login(client, org.sales_head)
    page = client.get("/tasks/").content.decode()
    item = item_for(case, org.sales_head)
    assert f'data-item="{item.pk}"' in page and "hotel in Shenzhen" in page
    assert f'data-item="{item.pk}"' not in client.get("/tasks/?q=nothing").content.decode()
    assert f'data-item="{item.pk}"' in client.get("/tasks/?q=Head").content.decode()
    assert f'data-item="{item.pk}"' not in client.get("/tasks/?tab=overdue").content.decode()
    WorkItem.objects.filter(pk=item.pk).update(due_at=clock.now() - timedelta(hours=1))
    overdue = client.get("/tasks/?tab=overdue").content.decode()
    assert f'data-item="{item.pk}"' in overdue and "overdue" in overdue
    # The requester has nothing to do; the header counts the head's one task.
    assert 'id="nav-tasks"' in page and '<span class="nav-count">1</span>' in page
    assert "Nothing waits for you." in _login(client, org.requester).get("/tasks/").content.decode()


def test_inbox_query_count_stays_flat(
    client: Client,
    org: Org,
    expense: ProcessDefinition,
    clock: ManualClock,
    django_assert_max_num_queries: Any,
) -> None:
    _start(org, expense, reason="first trip")
    _login(client, org.sales_head)
    with CaptureQueriesContext(connection) as one:
        client.get("/tasks/")
    for n in range(29):
        _start(org, expense, reason=f"trip {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get("/tasks/").content.decode()
    assert page.count('class="card inbox-item') == 30
    assert len(one.captured_queries) <= 16


def test_task_page_shows_the_case_and_approve_moves_it_on(
    client: Client, org: Org, expense: ProcessDefinition, clock: ManualClock
) -> None:
    case = _start(org, expense)
    item = item_for(case, org.sales_head)
    _login(client, org.sales_head)
    page = client.get(f"/tasks/{item.pk}/").content.decode()
    for part in (case.reference, "张三", "Expense claim", "taxi", 'id="timeline"'):
        assert part in page
    assert 'id="action-approve"' in page
    assert f'name="expected_revision" value="{case.revision}"' in page
    response = client.post(
        f"/tasks/{item.pk}/approve/",
        {"comment": "fine", "expected_revision": case.revision},
    )
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    assert holders(case) == ["E004", "E005"]
    assert f"You approved {case.reference}." in client.get("/tasks/").content.decode()
    # The task is done: its page now leads to the request.
    again = client.get(f"/tasks/{item.pk}/")
    assert again.status_code == 302 and again["Location"] == f"/requests/{case.pk}/"


def test_reject_needs_a_reason_and_stores_nothing_without(
    client: Client, org: Org, expense: ProcessDefinition, clock: ManualClock
) -> None:
    case = _start(org, expense)
    item = item_for(case, org.sales_head)
    _login(client, org.sales_head)
    revision = fresh(case).revision
    response = client.post(f"/tasks/{item.pk}/reject/", {"expected_revision": revision})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert fresh(case).revision == revision and fresh(case).status == CaseStatus.RUNNING
    client.post(f"/tasks/{item.pk}/reject/", {"comment": "no", "expected_revision": revision})
    assert fresh(case).status == CaseStatus.REJECTED


def test_a_stale_page_gets_a_conflict_message(
    client: Client, org: Org, expense: ProcessDefinition, clock: ManualClock
) -> None:
    case = _start(org, expense)
    services.decide(org.sales_head.user, item_for(case, org.sales_head).pk, "approved")
    first = item_for(case, org.liaison1)
    stale = fresh(case).revision
    services.decide(org.liaison2.user, item_for(case, org.liaison2).pk, "approved")
    _login(client, org.liaison1)
    response = client.post(f"/tasks/{first.pk}/approve/", {"expected_revision": stale}, follow=True)
    assert "changed since you opened it" in response.content.decode()
    assert item_for(case, org.liaison1).pk == first.pk  # still open, nothing done


def test_someone_elses_task_is_not_offered(
    client: Client, org: Org, expense: ProcessDefinition, clock: ManualClock
) -> None:
    case = _start(org, expense)
    item = item_for(case, org.sales_head)
    _login(client, org.outsider)
    assert client.get(f"/tasks/{item.pk}/").status_code == 403
    assert client.post(f"/tasks/{item.pk}/approve/", {}).status_code == 403
    _login(client, org.requester)  # may read the case, may not decide
    assert client.get(f"/tasks/{item.pk}/").status_code == 302
    assert client.post(f"/tasks/{item.pk}/approve/", {}).status_code == 403
    assert item_for(case, org.sales_head).status == "open"
    assert client.get("/tasks/999999/").status_code == 404
    assert client.post(f"/tasks/{item.pk}/explode/", {}).status_code == 404


def test_return_to_requester_and_resubmit_through_pages(
    client: Client, org: Org, expense: ProcessDefinition, clock: ManualClock
) -> None:
    case = _start(org, expense)
    item = item_for(case, org.sales_head)
    _login(client, org.sales_head)
    page = client.get(f"/tasks/{item.pk}/").content.decode()
    assert 'id="action-return"' in page and 'value="requester"' in page
    bad = client.post(f"/tasks/{item.pk}/return/", {"target": "requester"})
    assert bad.status_code == 422 and holders(case) == ["E002"]
    client.post(
        f"/tasks/{item.pk}/return/",
        {"target": "requester", "comment": "receipt missing", "expected_revision": ""},
    )
    back = item_for(case, org.requester)
    assert back.purpose == "resubmit"
    _login(client, org.requester)
    page = client.get(f"/tasks/{back.pk}/").content.decode()
    assert 'id="action-resubmit"' in page and 'name="form-reason" value="taxi"' in page
    refused = client.post(f"/tasks/{back.pk}/resubmit/", {"form-amount": "x"})
    assert refused.status_code == 422 and holders(case) == ["E001"]
    client.post(
        f"/tasks/{back.pk}/resubmit/",
        {"form-amount": "150", "form-reason": "taxi", "comment": "added"},
    )
    assert holders(case) == ["E002"]
    assert fresh(case).form_data["amount"] == 150


def test_add_approver_transfer_and_delegate(
    client: Client, org: Org, expense: ProcessDefinition, clock: ManualClock
) -> None:
    case = _start(org, expense)
    item = item_for(case, org.sales_head)
    _login(client, org.sales_head)
    client.post(
        f"/tasks/{item.pk}/add_approver/",
        {"people": [org.gm.pk], "position": "before", "comment": "please check"},
    )
    assert holders(case) == ["E006"]
    gm_item = item_for(case, org.gm)
    _login(client, org.gm)
    client.post(f"/tasks/{gm_item.pk}/transfer/", {"to": org.finance_head.pk})
    assert holders(case) == ["E003"]
    fh_item = item_for(case, org.finance_head)
    _login(client, org.finance_head)
    client.post(f"/tasks/{fh_item.pk}/delegate/", {"to": org.liaison1.pk})
    assert holders(case) == ["E004"]
    empty = client.post(f"/tasks/{fh_item.pk}/transfer/", {})
    assert empty.status_code in (302, 403, 422)
    assert holders(case) == ["E004"]


def test_requester_actions_on_the_case_page(
    client: Client, org: Org, expense: ProcessDefinition, clock: ManualClock
) -> None:
    case = _start(org, expense)
    _login(client, org.requester)
    page = client.get(f"/requests/{case.pk}/").content.decode()
    for action in ("action-comment", "action-urge", "action-cc", "action-withdraw"):
        assert action in page
    note = SimpleUploadedFile("note.txt", b"details", content_type="text/plain")
    client.post(f"/requests/{case.pk}/comment/", {"text": "see file", "attachments": note})
    comment = Comment.objects.get()
    assert comment.text == "see file" and comment.attachments.count() == 1
    page = client.get(f"/requests/{case.pk}/").content.decode()
    assert "see file" in page and "note.txt" in page
    empty = client.post(f"/requests/{case.pk}/comment/", {"text": ""})
    assert empty.status_code == 422 and Comment.objects.count() == 1
    client.post(f"/requests/{case.pk}/urge/", {"message": "please"})
    assert Notification.objects.filter(kind="urged", recipient=org.sales_head).exists()
    again = client.post(f"/requests/{case.pk}/urge/", {"message": "again"}, follow=True)
    assert "msg-error" in again.content.decode()
    client.post(f"/requests/{case.pk}/cc/", {"people": [org.gm.pk]})
    assert case.carbon_copies.filter(person=org.gm).exists()
    client.post(f"/requests/{case.pk}/withdraw/", {"reason": "no longer needed"})
    assert fresh(case).status == CaseStatus.WITHDRAWN
    _login(client, org.outsider)
    assert client.post(f"/requests/{case.pk}/comment/", {"text": "hi"}).status_code == 403


def test_my_requests_copies_and_all_requests(
    client: Client, org: Org, expense: ProcessDefinition, clock: ManualClock
) -> None:
    case = _start(org, expense)
    _login(client, org.requester)
    page = client.get("/requests/").content.decode()
    assert f'data-case="{case.pk}"' in page
    completed = client.get("/requests/?status=completed").content.decode()
    assert f'data-case="{case.pk}"' not in completed
    assert client.get("/requests/all/").status_code == 403
    _login(client, org.pmo)
    everything = client.get("/requests/all/?process=expense&status=running").content.decode()
    assert f'data-case="{case.pk}"' in everything
    other = client.get("/requests/all/?process=other").content.decode()
    assert f'data-case="{case.pk}"' not in other


def test_notifications_page_and_bell(
    client: Client, org: Org, expense: ProcessDefinition, clock: ManualClock
) -> None:
    case = _start(org, expense)
    _login(client, org.sales_head)
    page = client.get("/notifications/").content.decode()
    assert case.reference in page and "waiting for you" in page
    assert 'id="nav-bell"' in page and '<span class="nav-count">1</span>' in page
    note = Notification.objects.get(recipient=org.sales_head)
    response = client.post(f"/notifications/{note.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/requests/{case.pk}/"
    note.refresh_from_db()
    assert note.read_at is not None
    _login(client, org.outsider)
    assert client.post(f"/notifications/{note.pk}/").status_code == 404


def test_home_panel_lists_my_tasks(
    client: Client, org: Org, expense: ProcessDefinition, clock: ManualClock
) -> None:
    _start(org, expense)
    page = _login(client, org.sales_head).get("/").content.decode()
    assert 'id="panel-my-tasks"' in page and "1 open task" in page


def test_process_page_shows_the_overview_to_the_process_office(
    client: Client, org: Org, expense: ProcessDefinition, clock: ManualClock
) -> None:
    _start(org, expense)
    _start(org, expense)
    page = _login(client, org.pmo).get("/processes/expense/").content.decode()
    assert 'id="process-overview"' in page
    assert "Running 2" in page and "0 overdue tasks" in page
    assert "/requests/all/?process=expense" in page
    assert 'id="process-overview"' not in (
        _login(client, org.requester).get("/processes/expense/").content.decode()
    )


def test_a_task_form_is_filled_in_when_marking_done(
    client: Client, org: Org, deployed: Deploy, clock: ManualClock
) -> None:
    xml = bpmn.chain(bpmn.task("ship", "Ship", "person:E003"), fields=("item:string",))
    xml = xml.replace(
        '<bpmn:userTask id="ship" name="Ship"><bpmn:extensionElements>',
        '<bpmn:userTask id="ship" name="Ship"><bpmn:extensionElements>'
        '<camunda:formData><camunda:formField id="tracking" label="tracking" type="string">'
        '<camunda:validation><camunda:constraint name="required"/></camunda:validation>'
        "</camunda:formField></camunda:formData>",
    )
    case = services.start_case(org.requester.user, deployed(xml, key="ship"), {"item": "pen"})
    item = item_for(case, org.finance_head)
    _login(client, org.finance_head)
    page = client.get(f"/tasks/{item.pk}/").content.decode()
    assert 'name="task-tracking"' in page and 'id="action-done"' in page
    refused = client.post(f"/tasks/{item.pk}/done/", {"task-tracking": ""})
    assert refused.status_code == 422 and "pf-invalid" in refused.content.decode()
    assert fresh(case).status == CaseStatus.RUNNING
    client.post(f"/tasks/{item.pk}/done/", {"task-tracking": "SF123"})
    assert fresh(case).status == CaseStatus.COMPLETED
    assert fresh(case).form_data["tracking"] == "SF123"


def test_the_history_does_not_say_that_closed_items_acted() -> None:
    from datetime import datetime

    from flowbridge.cases.casepage import _event_entry
    from flowbridge.cases.models import CaseEvent

    closed = CaseEvent(
        activity="会签", activity_id="joint", lifecycle="ate_abort", operation="return",
        timestamp=datetime(2026, 3, 2, 9, 0), process_key="x", version_number=1,
    )  # fmt: skip
    returned = CaseEvent(
        activity="会签", activity_id="joint", lifecycle="complete", operation="return",
        timestamp=datetime(2026, 3, 2, 9, 0), process_key="x", version_number=1,
    )  # fmt: skip
    assert _event_entry(closed).what != _event_entry(returned).what
    assert _event_entry(closed).what == "no longer needed to act"
