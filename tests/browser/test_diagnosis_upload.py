"""Uploading receipt.xes through the page: the job runs in the background and the page sees it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from flowbridge.diagnosis.models import Dataset, Status
from flowbridge.diagnosis.worker import start_in_thread
from tests.browser.harness import SignIn, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def background_worker(settings: Any, tmp_path: Path, transactional_db: None) -> Iterator[None]:
    """The worker thread ``flowbridge serve`` starts, polling often; stopped after the test."""
    settings.DIAGNOSIS_ROOT = tmp_path / "diagnosis"
    background = start_in_thread(interval=0.1)
    yield
    background.stop()


def test_upload_receipt_xes_and_see_the_job_finish(
    signed_in_page: SignIn, background_worker: None, shared_data: Path
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
    # The page polls the job's status and shows the result when it is done.
    expect(page.locator("#job-done")).to_be_visible(timeout=60_000)
    expect(page.locator("#job-counts")).to_have_text("8577 events in 1434 cases.")
    assert page.locator("#job-progress").get_attribute("value") == "1.0000"
    dataset.refresh_from_db()
    assert dataset.status == Status.READY
    screenshot(page, "diagnosis-upload-done")
    page.click("#job-open")
    expect(page).to_have_url(f"{page.url.split('/diagnosis/')[0]}/diagnosis/{dataset.pk}/overview/")
    assert page.js_errors == []  # type: ignore[attr-defined]
