"""The form include in real Chromium at phone width: widgets fit, errors sit by their fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import translation
from playwright.sync_api import Browser

from flowbridge.processes.forms import django_form, form_for, value_rows
from flowbridge.processes.services import deploy
from tests.browser.harness import PHONE, assert_no_page_overflow, screenshot
from tests.org.factories import make_department, make_person
from tests.processes.formfiles import with_forms
from tests.processes.test_form_pages import EVERY_TYPE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATIC = Path(__file__).resolve().parents[2] / "src" / "flowbridge"
CSS = [
    STATIC / "core" / "static" / "flowbridge" / "app.css",
    STATIC / "processes" / "static" / "processes" / "forms.css",
]


def test_form_and_values_fit_a_phone(browser: Browser) -> None:
    department = make_department("procurement", "采购与供应链管理中心-华东区域")
    make_person("E0777", department, "欧阳一个名字很长的采购专员")
    version = deploy(None, with_forms(EVERY_TYPE), "every.bpmn")
    with translation.override("zh-hans"):
        spec = form_for(version)
        form = django_form(spec, data=QueryDict("title=&count=0&due=2025-12-31"))
        assert not form.is_valid()
        fields = render_to_string("processes/form_fields.html", {"form": form})
        values = render_to_string(
            "processes/form_values.html",
            {"rows": value_rows(spec, {"title": "很长的标题" * 12, "amount": "1234567.00"})},
        )
    style = "".join(path.read_text() for path in CSS)
    html = (
        f'<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{style}</style></head><body><main class='page'><form class='card'>"
        f"{fields}</form><section class='card'>{values}</section></main></body></html>"
    )
    page = browser.new_page(viewport=PHONE)  # type: ignore[arg-type]
    page.set_content(html)
    assert_no_page_overflow(page)
    title_error = page.locator("#field-title .pf-errors")
    assert title_error.inner_text() == "title\uff1a此项必填"
    # the error sits directly under its own input
    input_box = page.locator("#id_title").bounding_box()
    error_box = title_error.bounding_box()
    assert (
        input_box and error_box and 0 <= error_box["y"] - input_box["y"] - input_box["height"] < 40
    )
    assert page.locator("#id_buyer optgroup[label='采购与供应链管理中心-华东区域']").count() == 1
    assert page.locator("dl.form-values dd").nth(4).inner_text() == "¥1,234,567.00"
    screenshot(page, "process-form-phone")
    page.close()
