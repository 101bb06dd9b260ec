"""Calendar services: permissions, validation, audit entries, the company calendar."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User

from flowbridge.core import audit
from flowbridge.core.calendar_services import (
    calendar_settings,
    company_calendar,
    confirm_year,
    remove_override,
    set_override,
    unconfirm_year,
    update_working_hours,
)
from flowbridge.core.errors import InvalidInput, NotAllowed, NotFound
from flowbridge.core.models import AuditEntry, CalendarOverride, ConfirmedYear
from flowbridge.core.workcalendar import SUPPORTED_YEARS, CalendarYearUnavailable

pytestmark = pytest.mark.django_db


def test_defaults_are_created_when_missing() -> None:
    settings = calendar_settings()
    assert settings.timezone == "Asia/Shanghai"
    assert settings.working_periods == [["09:00", "12:00"], ["13:30", "18:00"]]
    cal = company_calendar()
    assert cal.add(datetime(2026, 9, 30, 17), "3d").isoformat() == "2026-10-10T17:00:00+08:00"


def test_update_working_hours_writes_audit(system_admin: User, clock: Any) -> None:
    update_working_hours(system_admin, "Asia/Shanghai", [["08:30", "12:00"], ["13:00", "17:30"]])
    cal = company_calendar()
    assert cal.periods == (("08:30", "12:00"), ("13:00", "17:30"))
    entry = AuditEntry.objects.get(action="core.calendar.settings.update")
    assert entry.actor == system_admin
    assert entry.changes["working_periods"][1] == [["08:30", "12:00"], ["13:00", "17:30"]]
    assert calendar_settings().updated_at == clock.now()
    assert audit.verify().ok


def test_update_working_hours_lists_every_problem(system_admin: User) -> None:
    with pytest.raises(InvalidInput) as info:
        update_working_hours(system_admin, "Nowhere/City", [["9", "12:00"], ["13:00", "12:00"]])
    wheres = [p.where for p in info.value.problems]
    assert wheres == ["timezone", "period 1", "period 2"]
    assert not AuditEntry.objects.exists()


def test_only_system_admins_change_the_calendar(employee: User, auditor: User) -> None:
    for user in (employee, auditor):
        with pytest.raises(NotAllowed):
            set_override(user, date(2026, 3, 2), False, "stocktaking")
        with pytest.raises(NotAllowed):
            update_working_hours(user, "Asia/Shanghai", [["09:00", "17:00"]])
        with pytest.raises(NotAllowed):
            confirm_year(user, 2030)
    assert not CalendarOverride.objects.exists()


def test_overrides_set_update_remove(system_admin: User, clock: Any) -> None:
    set_override(system_admin, date(2026, 3, 2), False, "stocktaking")
    assert not company_calendar().is_working_day(date(2026, 3, 2))
    set_override(system_admin, date(2026, 3, 2), False, "annual stocktaking")
    assert CalendarOverride.objects.get().reason == "annual stocktaking"
    remove_override(system_admin, date(2026, 3, 2))
    assert company_calendar().is_working_day(date(2026, 3, 2))
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == [
        "core.calendar.override.create",
        "core.calendar.override.update",
        "core.calendar.override.delete",
    ]
    assert AuditEntry.objects.get(seq=2).changes == {
        "reason": ["stocktaking", "annual stocktaking"]
    }
    with pytest.raises(NotFound):
        remove_override(system_admin, date(2026, 3, 2))
    assert audit.verify().ok


def test_override_reason_length_is_checked(system_admin: User) -> None:
    with pytest.raises(InvalidInput):
        set_override(system_admin, date(2026, 3, 2), False, "x" * 201)


def test_confirming_a_year_lets_the_calendar_use_it(system_admin: User, clock: Any) -> None:
    year = max(SUPPORTED_YEARS) + 1
    with pytest.raises(CalendarYearUnavailable):
        company_calendar().is_working_day(date(year, 1, 4))
    set_override(system_admin, date(year, 1, 1), False, "New Year's Day")
    confirm_year(system_admin, year, "State Council notice entered by hand")
    cal = company_calendar()
    assert not cal.is_working_day(date(year, 1, 1))
    assert ConfirmedYear.objects.get(year=year).confirmed_at == clock.now()
    unconfirm_year(system_admin, year)
    with pytest.raises(CalendarYearUnavailable):
        company_calendar().is_working_day(date(year, 1, 4))
    assert AuditEntry.objects.filter(action__startswith="core.calendar.year").count() == 2


def test_confirming_an_official_or_absurd_year_is_refused(system_admin: User) -> None:
    with pytest.raises(InvalidInput) as info:
        confirm_year(system_admin, 2026)
    assert "2026" in info.value.problems[0].message
    with pytest.raises(InvalidInput):
        confirm_year(system_admin, 3000)


def test_system_actor_skips_the_permission_check() -> None:
    override = set_override(None, date(2026, 3, 2), False, "migration")
    assert override.pk is not None
    assert AuditEntry.objects.get().actor_name == "system"
