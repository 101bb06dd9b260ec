"""Browser-test harness: Playwright (Python) driving Debian's Chromium against live_server.

Registered once as a pytest plugin by ``tests/conftest.py``, so its fixtures
are available to every test folder.

Never downloads a browser: it launches ``/usr/bin/chromium``. Without it the
tests skip on a laptop and fail in CI (``skip_or_fail``). Every browser test is
marked ``@pytest.mark.browser`` and ``@pytest.mark.django_db(transaction=True)``
so the live server thread sees the data the test writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.conftest import skip_or_fail

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
DEMO_PASSWORD = "flowbridge-demo"  # the demo company's documented password, not a secret
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
CJK = re.compile(r"[\u4e00-\u9fff]")

SignIn = Callable[..., Page]


@pytest.fixture
def playwright(monkeypatch: pytest.MonkeyPatch) -> Iterator[Playwright]:
    """Playwright's sync API, started for one test only.

    The sync API runs an asyncio event loop in the test thread. Django then
    believes it is inside async code and refuses ORM calls from that thread
    (SynchronousOnlyOperation), although the calls are in fact synchronous and
    never overlap a request. DJANGO_ALLOW_ASYNC_UNSAFE switches that guard off,
    only while this fixture lives; starting and stopping Playwright per test
    keeps the loop from leaking into tests that run afterwards.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        yield pw
        # Connections the test opened while the loop ran live in the loop's context
        # and outlive it unclosed: PostgreSQL then refuses to drop the test database.
        connections.close_all()


@pytest.fixture
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Headless system Chromium; ``launch`` gives it a fresh temporary profile every time."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} not found (apt-get install chromium)")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def demo_company(transactional_db: None) -> str:
    """Load the demo company through the real ``demo`` command; returns what it printed."""
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def new_page(browser: Browser, live_server: LiveServer) -> Callable[..., Page]:
    """Open a page in a fresh browser context (own cookies), English unless told otherwise.

    Uncaught JavaScript errors are collected in ``page.js_errors`` (a list) so
    tests can assert the page's scripts ran cleanly.
    """

    def open_page(*, viewport: dict[str, int] | None = None, locale: str = "en-US") -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or DESKTOP,  # type: ignore[arg-type]
            locale=locale,
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors  # type: ignore[attr-defined]
        return page

    return open_page


def sign_in_through_form(page: Page, username: str, password: str) -> None:
    """Fill and submit the real login form at /accounts/login/."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")


@pytest.fixture
def signed_in_page(demo_company: str, new_page: Callable[..., Page]) -> SignIn:
    """``signed_in_page("pmo")``: a page signed in as a demo user through the login form."""

    def sign_in(username: str, **page_options: object) -> Page:
        page = new_page(**page_options)
        sign_in_through_form(page, username, DEMO_PASSWORD)
        assert "/accounts/login/" not in page.url, f"sign-in as {username!r} failed: {page.url}"
        return page

    return sign_in


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-results/ for people to look at."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


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
