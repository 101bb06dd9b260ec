"""receipt.xes uploaded through the page, imported by the worker, then its map and findings
in real Chromium: nodes drawn, the slider hides rare ones, a click lists a node's cases."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from flowbridge.core.jobs import run_pending
from tests.browser.harness import PHONE, SignIn, assert_no_page_overflow, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def diagnosis_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "diagnosis"
    settings.DIAGNOSIS_ROOT = root
    return root


def upload_receipt(page: Page, shared_data: Path) -> int:
    page.goto("/diagnosis/upload/")
    page.set_input_files("#upload-form input[type=file]", str(shared_data / "logs" / "receipt.xes"))
    page.fill("#upload-form input[name=name]", "Receipt")
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    match = re.search(r"/diagnosis/(\d+)/", page.url)
    assert match, f"the upload did not lead to the dataset's job page: {page.url}"
    run_pending()  # the import job, run by the real worker code in this process
    return int(match.group(1))


def visible_nodes(page: Page) -> int:
    return int(
        page.evaluate(
            "() => [...document.querySelectorAll('#map-svg .fb-node')]"
            ".filter(n => getComputedStyle(n).display !== 'none').length"
        )
    )


def test_upload_receipt_then_map_slider_click_and_findings(
    signed_in_page: SignIn, shared_data: Path
) -> None:
    page = signed_in_page("pmo")
    dataset_id = upload_receipt(page, shared_data)

    page.goto(f"/diagnosis/{dataset_id}/map/")
    nodes = page.locator("#map-svg .fb-node")
    expect(nodes.first).to_be_visible()
    total = nodes.count()
    assert total >= 5, f"receipt.xes has more activities than {total}"
    assert page.locator("#map-svg .fb-edge").count() > 0

    # The slider hides rare activities at once (client side).
    slider = page.locator("#min-frequency")
    top = int(slider.get_attribute("max") or "1")
    slider.fill(str(top // 2))
    expect(page.locator("#min-frequency-value")).to_have_text(str(top // 2))
    assert 0 < visible_nodes(page) < total
    expect(page.locator("#hidden-note")).to_be_visible()
    slider.fill("1")
    assert visible_nodes(page) == total

    # Zoom changes the SVG's viewBox.
    before = page.locator("#map-svg svg").get_attribute("viewBox")
    page.click("[data-zoom=in]")
    assert page.locator("#map-svg svg").get_attribute("viewBox") != before
    page.click("[data-zoom=reset]")
    screenshot(page, "diagnosis-map-fit")

    # A click on the busiest node lists its cases beside the map.
    first = nodes.first
    name = first.get_attribute("data-activity")
    first.click()
    expect(page.locator("#map-cases .selected-title")).to_contain_text(name or "")
    expect(page.locator("#map-cases tr[data-case]").first).to_be_visible()
    screenshot(page, "diagnosis-map")

    page.goto(f"/diagnosis/{dataset_id}/findings/")
    findings = page.locator("article.finding")
    expect(findings.first).to_be_visible()
    assert findings.count() >= 1
    screenshot(page, "diagnosis-findings")
    assert page.js_errors == []  # type: ignore[attr-defined]

    phone = signed_in_page("pmo", viewport=PHONE)
    for tab in ("overview", "variants", "handoffs", "findings", "interviews", "targets", "map"):
        phone.goto(f"/diagnosis/{dataset_id}/{tab}/")
        assert_no_page_overflow(phone)
    screenshot(phone, "diagnosis-map-phone")
    assert phone.js_errors == []  # type: ignore[attr-defined]
