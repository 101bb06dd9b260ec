"""Phone width (360 px): the org chart and the matrix are usable without sideways page scrolling."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import CJK, PHONE, SignIn, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Elements reaching past the right edge of the viewport, except inside a
# .table-scroll (wide tables scroll inside their own box, not the page).
OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.parentElement && el.parentElement.closest('.table-scroll')) continue;
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) {
      offenders.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(box.right)}`);
    }
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, offenders};
}
"""


def assert_no_page_overflow(page: Page) -> None:
    result: dict[str, Any] = page.evaluate(OVERFLOW_JS)
    assert result["width"] == PHONE["width"]
    assert result["offenders"] == [], result["offenders"][:10]
    assert result["scrollWidth"] <= result["width"], result


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
