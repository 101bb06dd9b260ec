# ruff: noqa: RUF001  (Chinese text uses full-width punctuation on purpose)
"""The demo company in Chromium: one 产品需求评审 from submission to the end.

A sales employee submits a requirement; their department head approves; at
the four-head countersign one head approves and R&D's head returns it to the
requester, who corrects the budget and resubmits; all four heads approve the
second round, the general manager approves the large budget and an R&D
liaison marks the kickoff done. Every step is clicked through the real pages
as the person who holds it, and the assertions read what those pages show.

The demo company (the real ``demo`` command) and the deployment of its
processes happen in fixtures, before Playwright starts its event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from playwright.sync_api import Page

from flowbridge.demo.company import DEMO_PASSWORD
from flowbridge.demo.flows import deploy_flows
from flowbridge.demo.processes import PROCESSES
from flowbridge.org.models import Department, Person
from flowbridge.org.routing import recipients_for_department
from tests.browser.harness import screenshot, sign_in_through_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOPIC = "AGV 小车自动充电对接"
TITLE = f"需求：{TOPIC}"  # the process's flowbridge.title
REVIEWERS = ("rd", "marketing", "quality", "finance")  # joint_review: head of each
RETURN_REASON = "预算缺少样机费用明细，请按实际报价修改"


@dataclass(frozen=True)
class Member:
    """A demo person with a sign-in; ``name`` as English pages show it."""

    username: str
    name: str


@dataclass(frozen=True)
class Cast:
    requester: Member
    requester_head: Member
    reviewers: dict[str, Member]
    gm: Member
    kickoff: Member


def _member(person: Person | None) -> Member:
    assert person is not None and person.user is not None, person
    return Member(person.user.get_username(), person.name_en or person.name)


def _head(code: str) -> Member:
    return _member(Department.objects.select_related("head__user").get(code=code).head)


@pytest.fixture
def cast(demo_company: str) -> Cast:
    """The demo processes deployed (no history) and who holds each step of the review."""
    deploy_flows(Person.objects.get(user__username="pmo"))
    requester = Person.objects.select_related("user", "department").get(user__username="employee")
    # The kickoff goes to the department responsible for the step in the responsibility list.
    launch = next(p for p in PROCESSES if p.code == "product-launch")
    responsible = next(s[3] for s in launch.steps if s[0] == "requirement-review")
    receivers = recipients_for_department(Department.objects.get(code=responsible))
    return Cast(
        requester=_member(requester),
        requester_head=_head(requester.department.code),
        reviewers={code: _head(code) for code in REVIEWERS},
        gm=_head("gmo"),
        kickoff=_member(Person.objects.select_related("user").get(pk=receivers[0].person.pk)),
    )


@pytest.fixture
def as_member(new_page: Callable[..., Page]) -> Callable[[Member], Page]:
    def open_as(member: Member) -> Page:
        page = new_page()
        sign_in_through_form(page, member.username, DEMO_PASSWORD)
        assert "/accounts/login/" not in page.url, member
        return page

    return open_as


def _open_task(page: Page) -> None:
    page.goto("/tasks/")
    with page.expect_navigation():
        page.locator("#inbox .inbox-link", has_text=TITLE).click()
    assert page.locator("#task").is_visible()


def _decide(page: Page, action: str, comment: str = "") -> None:
    """Approve (or mark done) the review's task waiting for ``page``'s person."""
    _open_task(page)
    if comment:
        page.fill(f"#action-{action} textarea[name=comment]", comment)
    with page.expect_navigation():
        page.click(f"#action-{action} button[type=submit]")
    assert page.url.endswith("/tasks/"), page.url
    assert page.locator(".msg-success").is_visible()


def _holders(page: Page) -> str:
    return page.locator("#holders").inner_text()


def test_demo_requirement_review_with_return_and_resubmission(
    as_member: Callable[[Member], Page], cast: Cast
) -> None:
    requester = as_member(cast.requester)
    requester.goto("/requests/new/")
    with requester.expect_navigation():
        requester.click("#catalog [data-key='requirement-review'] a")
    requester.fill("input[name=topic]", TOPIC)
    requester.fill("input[name=market]", "华东汽车零部件工厂")
    requester.select_option("select[name=priority]", "high")
    requester.fill("input[name=budget]", "-1")
    requester.fill("textarea[name=details]", "AGV 到站后自动对接充电桩，无需人工插拔。")
    with requester.expect_navigation():
        requester.click("#start-form button[type=submit]")  # a negative budget is refused
    assert requester.locator("#field-budget.pf-invalid .pf-errors").is_visible()
    assert requester.input_value("input[name=topic]") == TOPIC  # what was typed stays
    requester.fill("input[name=budget]", "80000")
    with requester.expect_navigation():
        requester.click("#start-form button[type=submit]")
    assert requester.locator(".msg-success").is_visible()
    case_url = requester.url
    assert "/requests/" in case_url
    assert requester.locator("#case-status.status-running").is_visible()
    assert cast.requester_head.name in _holders(requester)
    screenshot(requester, "demo-review-submitted")

    _decide(as_member(cast.requester_head), "approve", "同意，提交评审")

    # The countersign: every head of the four departments holds the step.
    heads = {code: as_member(member) for code, member in cast.reviewers.items()}
    requester.goto(case_url)
    for member in cast.reviewers.values():
        assert member.name in _holders(requester)
    _open_task(heads["marketing"])
    assert "countersign" in heads["marketing"].locator("#task").inner_text()
    _decide(heads["marketing"], "approve", "市场需求明确")
    requester.goto(case_url)
    assert cast.reviewers["marketing"].name not in _holders(requester)

    rd = heads["rd"]
    _open_task(rd)
    rd.click("#return-box summary")
    rd.select_option("#action-return select[name=target]", "requester")
    rd.fill("#action-return textarea[name=comment]", RETURN_REASON)
    with rd.expect_navigation():
        rd.click("#action-return button[type=submit]")
    assert rd.locator(".msg-success").is_visible()
    # The countersign's other decisions are off: quality's head has nothing left to do.
    heads["quality"].goto("/tasks/")
    assert heads["quality"].locator("#inbox .inbox-link", has_text=TITLE).count() == 0

    requester.goto("/tasks/")
    returned = requester.locator("#inbox .inbox-item", has_text=TITLE)
    assert returned.locator(".badge.warn").is_visible()  # "returned to you"
    _open_task(requester)
    assert RETURN_REASON in requester.locator("#timeline").inner_text()
    assert Decimal(requester.input_value("#action-resubmit input[name=form-budget]")) == 80000
    requester.fill("#action-resubmit input[name=form-budget]", "65000")
    requester.fill("#action-resubmit textarea[name=comment]", "已补充样机费用")
    with requester.expect_navigation():
        requester.click("#action-resubmit button[type=submit]")
    assert requester.locator(".msg-success").is_visible()

    # Into the same step again: all four heads decide anew, the earlier approval included.
    requester.goto(case_url)
    for member in cast.reviewers.values():
        assert member.name in _holders(requester)
    for code in REVIEWERS:
        _decide(heads[code], "approve")
    requester.goto(case_url)
    assert cast.gm.name in _holders(requester)  # 65 000 > 50 000: the general manager

    _decide(as_member(cast.gm), "approve", "同意立项")
    kickoff = as_member(cast.kickoff)
    _open_task(kickoff)
    assert "研发立项" in kickoff.locator("#task h2").inner_text()
    _decide(kickoff, "done", "已建立研发项目")

    requester.goto("/requests/")
    row = requester.locator(".case-list tbody tr", has_text=TITLE)
    assert row.locator(".badge.status-completed").is_visible()
    with requester.expect_navigation():
        row.locator("a").click()
    assert requester.locator("#case-status.status-completed").is_visible()
    assert "nobody" in _holders(requester)
    assert "65,000" in requester.locator("#form-values").inner_text()
    history = requester.locator("#timeline").inner_text()
    for said in (
        "returned it",
        RETURN_REASON,
        "got it back to correct",
        "resubmitted",
        "已补充样机费用",
        "同意立项",
        "已建立研发项目",
        "the request was completed",
    ):
        assert said in history, said
    assert history.index("returned it") < history.index("resubmitted") < history.index("同意立项")
    entries = requester.locator("#timeline li")
    returned_by = entries.filter(has_text=RETURN_REASON).inner_text()
    assert cast.reviewers["rd"].name in returned_by and "returned it" in returned_by
    resubmitted_by = entries.filter(has_text="已补充样机费用").inner_text()
    assert cast.requester.name in resubmitted_by and "resubmitted" in resubmitted_by
    screenshot(requester, "demo-review-completed")
    for page in (requester, rd, kickoff, *heads.values()):
        assert page.js_errors == []  # type: ignore[attr-defined]
