"""The responsibility matrix in a real browser: edit a cell, see the new version and its diff."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from flowbridge.org.models import Department
from tests.browser.harness import SignIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MATRIX = "/responsibility/complaint/"
CELL_SELECT = "[data-step][data-department] select"


def version_number(page: Page) -> int:
    text = page.locator("#current-version").inner_text()
    match = re.search(r"\d+", text)
    assert match, f"#current-version shows no number: {text!r}"
    return int(match.group())


def first_empty_cell(page: Page) -> Locator:
    """The first matrix cell whose department plays no part in the step yet."""
    selects = page.locator(CELL_SELECT)
    for index in range(selects.count()):
        select = selects.nth(index)
        if select.input_value() == "":
            return select
    raise AssertionError("the demo matrix has no empty cell to fill")


def department_names(value: str) -> set[str]:
    """Both names of the department a cell's ``data-department`` names (code or id)."""
    query = Department.objects.filter(code=value)
    if value.isdigit():
        query = query | Department.objects.filter(pk=int(value))
    department = query.get()
    return {name for name in (department.name, department.name_en) if name}


def test_pmo_edits_a_cell_and_sees_the_new_version_and_its_diff(signed_in_page: SignIn) -> None:
    page = signed_in_page("pmo")
    page.goto(MATRIX)
    before = version_number(page)

    select = first_empty_cell(page)
    cell = select.locator("xpath=ancestor::*[@data-department][1]")
    names = department_names(cell.get_attribute("data-department") or "")
    select.select_option("consulted")

    expect(page.locator("#current-version")).to_contain_text(str(before + 1))
    assert version_number(page) == before + 1
    assert page.js_errors == []  # type: ignore[attr-defined]

    page.locator("#diff-link").click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert any(name in body for name in names), f"diff does not name {names}: {body[:500]}"
    assert "Consulted" in body


def test_employee_sees_the_matrix_read_only(signed_in_page: SignIn) -> None:
    page = signed_in_page("employee")
    response = page.goto(MATRIX)
    assert response is not None and response.status == 200
    assert page.locator("[data-step][data-department]").count() > 0
    assert page.locator(CELL_SELECT).count() == 0
    assert page.locator("main select").count() == 0
