"""The matrix editor's JavaScript in a real browser: refusals revert, swaps update the row."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from flowbridge.responsibility import services
from flowbridge.responsibility.models import CoreProcess, Part
from flowbridge.responsibility.specs import steps_of
from tests.browser.harness import PHONE, SignIn, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _responsible_cell(code: str) -> tuple[str, str, str]:
    """A step of the process, its responsible department and another department with no part."""
    m = services.matrix(services.current_version(CoreProcess.objects.get(code=code)))
    row = m.rows[0]
    assert row.responsible is not None
    empty = next(c.department.code for c in row.cells if c.part is None)
    return row.step.code, row.responsible.code, empty


def test_refused_cell_reverts_and_swap_updates_the_row(signed_in_page: SignIn) -> None:
    step, responsible, other = _responsible_cell("complaint")
    page = signed_in_page("pmo")
    page.goto("/responsibility/complaint/")
    before = page.locator("#current-version").inner_text()
    select = page.locator(f'td[data-step="{step}"][data-department="{other}"] select')
    select.select_option("responsible")
    expect(page.locator("#matrix-status")).to_contain_text("already has a responsible department")
    expect(select).to_have_value("")
    assert page.locator("#current-version").inner_text() == before

    select.select_option("swap")
    expect(page.locator("#current-version")).to_have_text(str(int(before) + 1))
    old = page.locator(f'td[data-step="{step}"][data-department="{responsible}"] select')
    expect(old).to_have_value("collaborator")
    expect(select).to_have_value("responsible")
    process = CoreProcess.objects.get(code="complaint")
    assert services.matrix(services.current_version(process)).part(step, other) == Part.RESPONSIBLE
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_stale_page_gets_the_conflict_message(signed_in_page: SignIn) -> None:
    step, _responsible, other = _responsible_cell("complaint")
    page = signed_in_page("pmo", viewport=PHONE)
    page.goto("/responsibility/complaint/")
    process = CoreProcess.objects.get(code="complaint")
    version = services.current_version(process)
    # another editor reorders the steps meanwhile
    services.save_version(
        None, process, list(reversed(steps_of(version))), base_version=version.number
    )
    select = page.locator(f'td[data-step="{step}"][data-department="{other}"] select')
    select.select_option("informed")
    expect(page.locator("#matrix-status")).to_contain_text("meanwhile")
    expect(select).to_have_value("")
    # the matrix scrolls sideways inside its box on a phone; the page itself does not
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1
    screenshot(page, "responsibility-matrix-phone")
