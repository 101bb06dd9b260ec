"""Phone width (360 px): the org chart and the matrix are usable without sideways page scrolling."""

from __future__ import annotations

import pytest

from tests.browser.harness import CJK, PHONE, SignIn, assert_no_page_overflow, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_org_chart_at_phone_width(signed_in_page: SignIn) -> None:
    page = signed_in_page("pmo", viewport=PHONE, locale="zh-CN")
    page.goto("/org/")
    assert_no_page_overflow(page)
    department = page.locator("main a[href*='/org/departments/']").first
    department.scroll_into_view_if_needed()
    assert department.is_visible()
    assert CJK.search(page.locator("main").inner_text())
    # The main menu folds behind a toggle; it must still open.
    page.locator(".nav-toggle-label").click()
    assert page.locator("nav.mainnav a[href='/responsibility/']").is_visible()
    screenshot(page, "phone-org-chart")


def test_matrix_at_phone_width(signed_in_page: SignIn) -> None:
    page = signed_in_page("pmo", viewport=PHONE, locale="zh-CN")
    page.goto("/responsibility/complaint/")
    assert_no_page_overflow(page)
    cells = page.locator(".table-scroll [data-step][data-department] select")
    assert cells.count() > 0, "the matrix should sit inside a .table-scroll box"
    last = cells.last
    last.scroll_into_view_if_needed()
    assert last.is_visible() and last.is_enabled()
    screenshot(page, "phone-matrix")
    assert page.js_errors == []  # type: ignore[attr-defined]
