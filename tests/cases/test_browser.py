"""One request in Chromium: submit, countersign, return, resubmit, to the end; phone width.

The company and the process are built in fixtures, before Playwright starts
its event loop; the test body only clicks, as each person in turn.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from flowbridge.cases import services
from flowbridge.cases.models import Case
from flowbridge.processes.designer.bpmn_writer import chain_to_bpmn
from flowbridge.processes.designer.chain import parse_chain
from flowbridge.processes.models import ProcessDefinition
from flowbridge.processes.services import deploy
from tests.browser.harness import (
    CJK,
    PHONE,
    assert_no_page_overflow,
    screenshot,
    sign_in_through_form,
)
from tests.cases.conftest import Org
from tests.org.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRIP = {
    "key": "trip",
    "name": "出差申请",
    "name_en": "Business trip",
    "title": "出差 {city}",
    "fields": [
        {"id": "city", "label": "目的地", "label_en": "City", "type": "string", "required": True},
        {"id": "days", "label": "天数", "label_en": "Days", "type": "long", "required": True},
    ],
    "nodes": [
        {
            "type": "approval",
            "name": "部门负责人审批",
            "name_en": "Head approval",
            "approvers": [{"type": "requester_head"}],
        },
        {
            "type": "approval",
            "name": "财务会签",
            "name_en": "Finance countersign",
            "approvers": [{"type": "liaison", "department": "finance"}],
            "mode": "countersign",
        },
    ],
}


@pytest.fixture
def trip(org: Org) -> ProcessDefinition:
    # Designed as a process office member would: the designer's own output, unchanged.
    xml = chain_to_bpmn(parse_chain(TRIP))
    return deploy(org.pmo.user, xml.encode(), "trip.bpmn", key="trip").definition


@pytest.fixture
def as_person(new_page: Callable[..., Page], org: Org) -> Callable[..., Page]:
    def open_as(username: str, **options: object) -> Page:
        page = new_page(**options)
        sign_in_through_form(page, username, PASSWORD)
        assert "/accounts/login/" not in page.url
        return page

    return open_as


def _open_first_task(page: Page) -> None:
    page.goto("/tasks/")
    with page.expect_navigation():
        page.click("#inbox .inbox-link")
    assert page.locator("#task").is_visible()


def _approve(page: Page, comment: str = "") -> None:
    _open_first_task(page)
    if comment:
        page.fill("#action-approve textarea[name=comment]", comment)
    with page.expect_navigation():
        page.click("#action-approve button[type=submit]")
    assert page.url.endswith("/tasks/")
    assert page.locator(".msg-success").is_visible()


def test_request_through_countersign_return_and_resubmit(
    as_person: Callable[..., Page], trip: ProcessDefinition
) -> None:
    requester = as_person("requester")
    requester.goto("/requests/new/")
    requester.fill("#catalog-search", "trip")  # filters as one types
    with requester.expect_navigation():
        requester.click("#catalog [data-key='trip'] a")
    with requester.expect_navigation():
        requester.click("#start-form button[type=submit]")  # empty: refused, fields marked
    assert requester.locator("#field-city.pf-invalid").is_visible()
    requester.fill("input[name=city]", "深圳")
    requester.fill("input[name=days]", "3")
    with requester.expect_navigation():
        requester.click("#start-form button[type=submit]")
    assert "/requests/" in requester.url and requester.locator(".msg-success").is_visible()
    assert "李四" in requester.locator("#holders").inner_text()
    assert requester.locator("#diagram svg").count() == 1
    screenshot(requester, "case-submitted")

    _approve(as_person("sales_head"), "同意出差")

    liaison1 = as_person("liaison1")
    _open_first_task(liaison1)
    assert "countersign" in liaison1.locator("#task").inner_text()
    screenshot(liaison1, "task-countersign")
    with liaison1.expect_navigation():
        liaison1.click("#action-approve button[type=submit]")
    # Countersign: the second liaison still has to decide.
    liaison2 = as_person("liaison2")
    _open_first_task(liaison2)
    liaison2.click("#return-box summary")
    liaison2.select_option("#action-return select[name=target]", "requester")
    with liaison2.expect_navigation():
        liaison2.click("#action-return button[type=submit]")  # no reason: refused
    assert liaison2.locator("#action-return .pf-errors").is_visible()
    liaison2.fill("#action-return textarea[name=comment]", "请补充天数说明")
    with liaison2.expect_navigation():
        liaison2.click("#action-return button[type=submit]")
    assert liaison2.locator(".msg-success").is_visible()

    requester.goto("/tasks/")
    assert requester.locator("#inbox .badge.warn").first.is_visible()  # "returned to you"
    _open_first_task(requester)
    assert requester.input_value("#action-resubmit input[name=form-city]") == "深圳"
    requester.fill("#action-resubmit input[name=form-days]", "2")
    with requester.expect_navigation():
        requester.click("#action-resubmit button[type=submit]")
    assert requester.locator(".msg-success").is_visible()

    _approve(liaison1)
    _approve(liaison2)
    requester.goto("/requests/")
    with requester.expect_navigation():
        requester.click(".case-list tbody a")
    assert requester.locator("#case-status.status-completed").is_visible()
    history = requester.locator("#timeline").inner_text()
    for said in ("同意出差", "请补充天数说明", "resubmitted"):
        assert said in history
    screenshot(requester, "case-completed")
    for page in (requester, liaison1, liaison2):
        assert page.js_errors == []  # type: ignore[attr-defined]


@pytest.fixture
def long_trip(org: Org, trip: ProcessDefinition) -> Case:
    values = {"city": "一个很长很长的目的地名字" * 3, "days": 2}
    return services.start_case(org.requester.user, trip, values)


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_inbox_and_task_page_at_phone_width(
    as_person: Callable[..., Page], long_trip: Case, locale: str
) -> None:
    page = as_person("sales_head", viewport=PHONE, locale=locale)
    if locale == "zh-CN":
        assert CJK.search(page.locator("#nav-tasks").inner_text())
    page.goto("/tasks/")
    assert_no_page_overflow(page)
    screenshot(page, f"phone-inbox-{locale}")
    _open_first_task(page)
    assert_no_page_overflow(page)
    page.click("#add-approver-box summary")
    assert_no_page_overflow(page)
    screenshot(page, f"phone-task-{locale}")
    page.goto("/requests/new/")
    assert_no_page_overflow(page)
    page.goto("/notifications/")
    assert_no_page_overflow(page)
    assert page.js_errors == []  # type: ignore[attr-defined]
