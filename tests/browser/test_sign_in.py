"""Signing in through the real form: lock-out after repeated wrong passwords."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from playwright.sync_api import Page

from tests.browser.harness import DEMO_PASSWORD, sign_in_through_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCKED = "Too many failed sign-ins"


def test_wrong_password_five_times_locks_the_account(
    demo_company: str, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    attempts = settings.FLOWBRIDGE_LOGIN_MAX_FAILURES
    assert attempts == 5
    for attempt in range(1, attempts + 1):
        sign_in_through_form(page, "pmo", f"wrong-password-{attempt}")
        assert "/accounts/login/" in page.url
        body = page.locator("body").inner_text()
        assert "Traceback" not in body and "Server Error" not in body
        if attempt < attempts:
            assert LOCKED not in body, f"locked after only {attempt} failures"
    assert LOCKED in page.locator("body").inner_text()

    # Even the right password is refused while the lock lasts.
    sign_in_through_form(page, "pmo", DEMO_PASSWORD)
    assert "/accounts/login/" in page.url
    assert LOCKED in page.locator("body").inner_text()
    assert page.js_errors == []  # type: ignore[attr-defined]
