"""My profile in a real browser at phone width: no sideways scrolling, deputy search, tokens."""

from __future__ import annotations

import pytest

from tests.browser.harness import CJK, PHONE, SignIn, assert_no_page_overflow, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_profile_at_phone_width_in_chinese(signed_in_page: SignIn) -> None:
    page = signed_in_page("employee", viewport=PHONE, locale="zh-CN")
    page.goto("/me/")
    assert_no_page_overflow(page)
    assert "我的个人资料" in page.locator("h1").inner_text()
    assert CJK.search(page.locator("#person").inner_text())
    screenshot(page, "phone-profile")
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_deputy_search_and_token_creation(signed_in_page: SignIn) -> None:
    page = signed_in_page("employee", viewport=PHONE)
    page.goto("/me/")
    options = page.locator("#id_deputy option:not([value=''])")
    total = options.count()
    assert total > 10
    # Type a name from the list: the other people are hidden and the match is selected.
    target = options.nth(7).inner_text()
    page.fill("#deputy-search", target.split(" · ")[2])  # the employee number
    visible = page.evaluate(
        "() => [...document.querySelectorAll('#id_deputy option')]"
        ".filter(o => o.value && !o.hidden).map(o => o.text)"
    )
    assert visible == [target]
    assert page.eval_on_selector("#id_deputy", "s => s.options[s.selectedIndex].text") == target

    page.fill("#id_name", "phone script")
    with page.expect_navigation():
        page.click("#tokens button[type=submit]:has-text('Create token')")
    token = page.locator("#new-token-value").inner_text().strip()
    assert token.startswith("fb_")
    assert_no_page_overflow(page)
    page.goto("/me/")
    assert token not in page.content()
    assert "phone script" in page.locator("#tokens").inner_text()
    assert page.js_errors == []  # type: ignore[attr-defined]
