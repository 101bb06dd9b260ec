"""Uploading receipt.xes through the page: the job runs in the background and the page sees it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from flowbridge.core.jobs import run_pending
from flowbridge.diagnosis.models import Dataset, Status
from tests.browser.harness import SignIn, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def diagnosis_root(settings: Any, tmp_path: Path) -> Path:
    settings.DIAGNOSIS_ROOT = tmp_path / "diagnosis"
    return Path(settings.DIAGNOSIS_ROOT)


def test_upload_receipt_xes_and_see_the_job_finish(
    signed_in_page: SignIn, diagnosis_root: Path, shared_data: Path
) -> None:
    page = signed_in_page("pmo")
    page.goto("/diagnosis/")
    page.click("#upload-link")
    page.set_input_files("input[name=file]", str(shared_data / "logs" / "receipt.xes"))
    page.fill("input[name=name]", "Receipts")
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    dataset = Dataset.objects.get(name="Receipts")
    assert page.url.endswith(f"/diagnosis/{dataset.pk}/")
    expect(page.locator("#job-status")).to_have_text("Waiting")
    # The worker runs the job while the page polls its status. It runs in this thread:
    # the in-memory SQLite test database locks whole tables between connections, so a
    # worker thread with a connection of its own would collide with the live server's.
    run_pending()
    # The page sees the job end and shows the result.
    expect(page.locator("#job-done")).to_be_visible(timeout=60_000)
    expect(page.locator("#job-counts")).to_have_text("8577 events in 1434 cases.")
    assert page.locator("#job-progress").get_attribute("value") == "1.0000"
    dataset.refresh_from_db()
    assert dataset.status == Status.READY
    screenshot(page, "diagnosis-upload-done")
    page.click("#job-open")
    expect(page).to_have_url(f"{page.url.split('/diagnosis/')[0]}/diagnosis/{dataset.pk}/overview/")
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_a_file_over_the_limit_is_refused_before_sending(
    signed_in_page: SignIn, settings: Any, shared_data: Path
) -> None:
    settings.DIAGNOSIS_MAX_UPLOAD_BYTES = 1_000_000
    page = signed_in_page("pmo")
    page.goto("/diagnosis/upload/")
    page.set_input_files("input[name=file]", str(shared_data / "logs" / "receipt.xes"))
    page.click("#upload-form button[type=submit]")
    problem = page.locator("#upload-size-problem")
    expect(problem).to_be_visible()
    expect(problem).to_have_text("receipt.xes is 4 MB; the largest file this site accepts is 1 MB.")
    assert page.url.endswith("/diagnosis/upload/")
    assert not Dataset.objects.exists()
    assert page.js_errors == []  # type: ignore[attr-defined]
