"""The calendar and audit pages in a real browser at phone width."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page

from flowbridge.core.permissions import Role
from tests.browser.harness import PHONE, sign_in_through_form
from tests.core.conftest import _person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.fixture
def phone_admin(transactional_db: None) -> User:
    """Created before Playwright starts: ORM calls inside its greenlet would open a
    connection in another context, which outlives the test (and blocks dropping
    the PostgreSQL test database)."""
    return _person("phoneadmin", Role.SYSTEM_ADMIN)


def test_calendar_and_audit_fit_a_phone(
    phone_admin: User,
    new_page: Callable[..., Page],
) -> None:
    assert phone_admin.pk
    page = new_page(viewport=PHONE)
    sign_in_through_form(page, "phoneadmin", "pw-for-tests-1")
    page.goto("/calendar/?year=2026&month=10")
    assert page.locator('td[data-date="2026-10-10"]').inner_text().startswith("10")
    assert _no_horizontal_scroll(page)
    page.fill("#add-start", "2026-09-30T17:00")
    page.fill("#duration", "3d")
    with page.expect_navigation():
        page.click("#calc-add button[type=submit]")
    assert "2026-10-10T17:00:00+08:00" in page.locator("#calc-added").inner_text()
    page.fill("#override-date", "2026-10-12")
    page.fill("#override-reason", "stocktaking")
    with page.expect_navigation():
        page.click("text=Save override")
    closed = page.locator('td[data-date="2026-10-12"]')
    assert "cal-override" in (closed.get_attribute("class") or "")
    assert "stocktaking" in (closed.get_attribute("title") or "")
    page.goto("/audit/")
    assert _no_horizontal_scroll(page)
    with page.expect_navigation():
        page.click("text=Verify chain")
    assert "Chain intact: 1 entry checked." in page.locator("#verification").inner_text()
    assert page.js_errors == []  # type: ignore[attr-defined]
