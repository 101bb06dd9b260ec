"""Process pages in a real browser at phone width: upload (refused and accepted), diagram."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowbridge.processes import services
from flowbridge.processes.models import ProcessVersion
from tests.browser.harness import PHONE, SignIn, assert_no_page_overflow, screenshot
from tests.processes import files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_and_diagram_at_phone_width(signed_in_page: SignIn, tmp_path: Path) -> None:
    services.deploy(None, files.approval(), "purchase.bpmn", key="purchase")
    page = signed_in_page("pmo", viewport=PHONE, locale="zh-CN")
    page.goto("/processes/")
    assert_no_page_overflow(page)
    assert page.locator("tr[data-key='purchase']").is_visible()

    bad = tmp_path / "A.4.0.bpmn"
    bad.write_bytes(files.SCRIPT_TASK)
    page.set_input_files("#deploy-form input[type=file]", str(bad))
    with page.expect_navigation():
        page.click("#deploy-form button[type=submit]")
    refusal = page.locator("#refusal")
    assert refusal.is_visible() and "ScriptTask_1" in refusal.inner_text()
    assert_no_page_overflow(page)

    good = tmp_path / "purchase.bpmn"
    good.write_bytes(files.approval(review_name="经理审批"))
    page.set_input_files("#deploy-form input[type=file]", str(good))
    page.fill("#deploy-form input[name=key]", "purchase")
    with page.expect_navigation():
        page.click("#deploy-form button[type=submit]")
    assert page.url.endswith("/processes/purchase/")
    assert page.locator("#version-list tr[data-version='2']").count() == 1
    assert page.locator("#diagram svg").first.is_visible()
    assert_no_page_overflow(page)
    screenshot(page, "phone-process-detail")
    assert ProcessVersion.objects.filter(definition__key="purchase").count() == 2
    assert page.js_errors == []  # type: ignore[attr-defined]
