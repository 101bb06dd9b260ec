"""The designer in a real browser: pmo builds a chain with a condition and a countersign node."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from flowbridge.processes.designer.services import chain_from_version
from flowbridge.processes.models import ProcessVersion
from tests.browser.harness import PHONE, SignIn, assert_no_page_overflow, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _add(page: Page, where: str, kind: str) -> None:
    page.click(f"[data-insert='{where}'] .dz-add")
    page.click(f"[data-insert='{where}'] [data-add='{kind}']")


def test_pmo_designs_previews_and_deploys(signed_in_page: SignIn) -> None:
    page = signed_in_page("pmo")
    page.goto("/processes/")
    with page.expect_navigation():
        page.click("#design-link")
    assert page.url.endswith("/processes/design/")
    page.fill("#dz-key", "leave-request")
    page.fill("#dz-name", "请假审批")
    page.fill("#dz-name-en", "Leave request")

    page.click("#dz-add-field")
    field = page.locator(".dz-field[data-field='0']")
    field.locator("[data-prop=id]").fill("days")
    field.locator("[data-prop=label]").fill("天数")
    field.locator("[data-prop=label_en]").fill("Days")
    field.locator("[data-prop=type]").select_option("long")

    # The starter chain has the department head's approval; a condition goes after it.
    assert page.locator(".dz-card[data-path='nodes[0]']").count() == 1
    _add(page, "nodes@1", "condition")
    panel = page.locator("#dz-panel")
    panel.locator("[data-prop=condition-kind]").select_option("structured")
    panel.locator("[data-prop=condition-field]").select_option("days")
    panel.locator("[data-prop=condition-op]").select_option(">=")
    panel.locator("[data-prop=condition-value]").fill("5")
    panel.locator("[data-prop=branch-name]").fill("长假")

    _add(page, "nodes[1].branches[0].nodes@0", "approval")
    panel.locator("[data-prop=name]").fill("管理层会签")
    panel.locator("[data-add-approver]").click()
    panel.locator("[data-approver='0'] [data-prop=type]").select_option("role")
    panel.locator("[data-approver='0'] [data-prop=role]").select_option("management")
    panel.locator("[data-prop=mode]").select_option("countersign")

    page.locator("#dz-problems .dz-ok").wait_for()
    preview = page.locator("#dz-preview svg")
    preview.wait_for()
    page.wait_for_function(
        "() => document.querySelector('#dz-preview svg').textContent.includes('管理层会签')"
    )
    assert "长假" in (preview.text_content() or "")
    assert page.locator(".dz-card.dz-problem").count() == 0
    screenshot(page, "designer-desktop")

    with page.expect_navigation():
        page.click("#dz-deploy")
    assert page.url.endswith("/processes/leave-request/")
    assert page.locator("#diagram svg").first.is_visible()
    assert "管理层会签" in (page.locator("#diagram svg").first.text_content() or "")
    assert page.locator("#edit-in-designer").is_visible()
    assert page.js_errors == []  # type: ignore[attr-defined]

    version = ProcessVersion.objects.get(definition__key="leave-request")
    chain = chain_from_version(version)
    assert chain is not None
    countersign = chain.nodes[1].branches[0].nodes[0]
    assert (countersign.name, countersign.mode) == ("管理层会签", "countersign")
    assert [a.rule() for a in countersign.approvers] == ["role:management"]
    condition = chain.nodes[1].branches[0].condition
    assert condition is not None and condition.text() == "days >= 5"


def test_phone_width_shows_problems_and_stacks(signed_in_page: SignIn) -> None:
    page = signed_in_page("employee", viewport=PHONE, locale="zh-CN")
    page.goto("/processes/design/")
    assert page.locator("#dz-readonly").is_visible()
    assert page.locator("#dz-deploy").count() == 0
    page.locator("#dz-preview svg").wait_for()
    # No key or name yet: the check lists both, in Chinese.
    problems = page.locator("#dz-problems li")
    problems.first.wait_for()
    texts = problems.all_inner_texts()
    assert any(t.startswith("key") and "必填" in t for t in texts), texts
    _add(page, "nodes@1", "parallel")
    page.locator(".dz-card[data-kind=parallel]").wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#dz-problems code')]"
        ".some(c => c.textContent === 'nodes[1].branches[0].nodes')"
    )
    assert page.locator(".dz-card[data-kind=parallel].dz-problem").count() == 1
    assert_no_page_overflow(page)
    screenshot(page, "designer-phone")
    assert page.js_errors == []  # type: ignore[attr-defined]
