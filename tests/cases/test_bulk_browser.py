"""批量审批 in Chromium: tick two tasks in the inbox, approve them, see the result; reject the rest.

The company, the process and the requests are built in fixtures, before
Playwright starts its event loop; the test body clicks as the department head.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from flowbridge.cases import services
from flowbridge.cases.models import Case
from flowbridge.processes.models import ProcessDefinition
from tests.browser.harness import PHONE, assert_no_page_overflow, screenshot, sign_in_through_form
from tests.cases import bpmn
from tests.cases.conftest import Org, fresh, holders, item_for
from tests.org.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def requests(org: Org, deployed: Callable[..., ProcessDefinition]) -> list[Case]:
    """Three expense claims waiting for the sales head; then a payment task (E003)."""
    definition = deployed(
        bpmn.chain(
            bpmn.approval("head", "Head approval", "head:requester"),
            bpmn.task("pay", "Pay out", "person:E003"),
            process_id="Expense",
            name="Expense claim",
            fields=("amount:money:r", "reason:string"),
            process_props={"title": "Expense: {reason}"},
        ),
        key="expense",
    )
    return [
        services.start_case(org.requester.user, definition, {"amount": "10", "reason": reason})
        for reason in ("taxi", "hotel", "train")
    ]


@pytest.fixture
def head_page(new_page: Callable[..., Page], org: Org) -> Callable[..., Page]:
    def open_page(**options: object) -> Page:
        page = new_page(**options)
        sign_in_through_form(page, "sales_head", PASSWORD)
        assert "/accounts/login/" not in page.url
        return page

    return open_page


def test_approve_two_selected_tasks_then_reject_the_rest_with_a_reason(
    head_page: Callable[..., Page], org: Org, requests: list[Case]
) -> None:
    taxi, hotel, train = requests
    items = [item_for(c, org.sales_head).pk for c in requests]
    page = head_page()
    page.goto("/tasks/")
    assert page.locator(".bulk-pick").count() == 3
    assert page.locator("#bulk-done").is_hidden()  # no task to mark done, only approvals
    page.check(f".bulk-pick[value='{items[0]}']")
    page.check(f".bulk-pick[value='{items[1]}']")
    screenshot(page, "bulk-inbox-selected")
    with page.expect_navigation():
        page.click("#bulk-approve")
    assert page.url.endswith("/tasks/")
    assert page.locator(".msg-success").inner_text() == "You decided 2 tasks."
    assert page.locator(".bulk-pick").count() == 1
    assert holders(fresh(taxi)) == holders(fresh(hotel)) == ["E003"]
    assert holders(fresh(train)) == ["E002"]

    # "Select all" ticks what is left; a rejection without a reason is refused first.
    page.check("#bulk-all")
    assert page.locator(f".bulk-pick[value='{items[2]}']").is_checked()
    page.click("#bulk-reject-box summary")
    with page.expect_navigation():
        page.click("#bulk-reject")
    assert page.locator(".msg-error").inner_text() == "Say why you reject it."
    assert fresh(train).status == "running"
    page.check("#bulk-all")
    page.click("#bulk-reject-box summary")
    page.fill("#bulk-comment", "No receipt")
    with page.expect_navigation():
        page.click("#bulk-reject")
    assert page.locator(".msg-success").inner_text() == "You decided 1 task."
    assert fresh(train).status == "rejected"
    assert page.locator("#bulk-form").count() == 0  # nothing left to select
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_bulk_bar_fits_a_phone(head_page: Callable[..., Page], requests: list[Case]) -> None:
    page = head_page(viewport=PHONE)
    page.goto("/tasks/")
    page.click("#bulk-reject-box summary")
    assert_no_page_overflow(page)
    screenshot(page, "bulk-inbox-phone")
    assert page.js_errors == []  # type: ignore[attr-defined]
