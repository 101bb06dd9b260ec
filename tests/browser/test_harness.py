"""The harness itself: live server, static files, the real login form, ORM access from tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page

from tests.browser.harness import sign_in_through_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_loads_with_its_stylesheet(new_page: Callable[..., Page]) -> None:
    page = new_page()
    css_statuses: list[int] = []
    page.on(
        "response",
        lambda r: css_statuses.append(r.status) if r.url.endswith("/app.css") else None,
    )
    response = page.goto("/accounts/login/")
    assert response is not None and response.status == 200
    assert css_statuses == [200]
    assert page.evaluate("document.styleSheets[0].cssRules.length") > 0
    assert page.locator("input[name=username]").is_visible()
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_a_user_created_by_the_test_signs_in(new_page: Callable[..., Page]) -> None:
    get_user_model().objects.create_user("harness", password="harness-password-1")
    page = new_page()
    sign_in_through_form(page, "harness", "harness-password-1")
    assert "/accounts/login/" not in page.url
    # The browser now has a session the live server recognises.
    assert any(cookie["name"] == "sessionid" for cookie in page.context.cookies())
