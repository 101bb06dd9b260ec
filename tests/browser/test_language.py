"""The language switch in the header turns a page from Chinese to English and back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.harness import CJK, SignIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_language(page: Page, code: str) -> None:
    with page.expect_navigation():
        page.select_option("header select[name=language]", code)


def test_header_switch_changes_the_page_language(signed_in_page: SignIn) -> None:
    page = signed_in_page("employee", locale="zh-CN")
    page.goto("/org/")
    nav = page.locator("nav.mainnav")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert CJK.search(nav.inner_text()), nav.inner_text()
    assert "Organization" not in nav.inner_text()

    switch_language(page, "en")
    assert page.url.endswith("/org/"), "the switch should stay on the same page"
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Organization" in nav.inner_text()
    assert not CJK.search(nav.inner_text()), nav.inner_text()

    switch_language(page, "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert CJK.search(nav.inner_text())
    assert page.js_errors == []  # type: ignore[attr-defined]
