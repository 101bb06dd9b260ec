"""The company's working-time calendar: settings, overrides, confirmed years.

:func:`company_calendar` builds the :class:`WorkingCalendar` every deadline
uses; the other functions are the only way the calendar changes, each in one
transaction with an audit entry. Only system admins change the calendar.
"""

from __future__ import annotations

import calendar as gregorian
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from flowbridge.core import audit, clock
from flowbridge.core.errors import InvalidInput, NotFound, Problem
from flowbridge.core.models import CalendarOverride, CalendarSettings, ConfirmedYear
from flowbridge.core.permissions import Action, require
from flowbridge.core.workcalendar import (
    DEFAULT_PERIODS,
    DEFAULT_TIMEZONE,
    SUPPORTED_YEARS,
    DayInfo,
    WorkingCalendar,
    parse_timezone,
    period_problems,
)

REASON_MAX = 200


def calendar_settings() -> CalendarSettings:
    """The single settings row, created with the default working hours when missing."""
    settings, _created = CalendarSettings.objects.get_or_create(
        id=1,
        defaults={
            "timezone": DEFAULT_TIMEZONE,
            "working_periods": [list(p) for p in DEFAULT_PERIODS],
        },
    )
    return settings


def company_calendar() -> WorkingCalendar:
    """The calendar as configured now: working hours, overrides and confirmed years.

    Built fresh on each call (three small queries) so every process sees a
    change at once; the statutory data itself is cached by the library.
    """
    settings = calendar_settings()
    overrides = dict(CalendarOverride.objects.values_list("date", "is_working_day"))
    confirmed = ConfirmedYear.objects.values_list("year", flat=True)
    return WorkingCalendar(
        settings.timezone,
        settings.working_periods or DEFAULT_PERIODS,
        overrides=overrides,
        confirmed_years=list(confirmed),
    )


@dataclass(frozen=True)
class CalendarDay:
    """One day of a month view: what the calendar says, and the override's reason."""

    info: DayInfo
    reason: str

    @property
    def date(self) -> date:
        return self.info.date


def holiday_language() -> str:
    """The ``holidays`` package's language matching the active interface language."""
    return "zh_CN" if (get_language() or "zh-hans").startswith("zh") else "en_US"


def month_days(year: int, month: int, calendar: WorkingCalendar | None = None) -> list[CalendarDay]:
    """Every day of a month; raises CalendarYearUnavailable for a year without official data."""
    problems = []
    if not 1900 <= year <= 2200:
        problems.append(Problem(_("Give a year between 1900 and 2200."), where="year"))
    if not 1 <= month <= 12:
        problems.append(Problem(_("Give a month between 1 and 12."), where="month"))
    if problems:
        raise InvalidInput(_("There is no such month."), problems)
    calendar = calendar or company_calendar()
    calendar.check_year(year)
    reasons = dict(
        CalendarOverride.objects.filter(date__year=year, date__month=month).values_list(
            "date", "reason"
        )
    )
    language = holiday_language()
    return [
        CalendarDay(
            calendar.day_info(date(year, month, d), language), reasons.get(date(year, month, d), "")
        )
        for d in range(1, gregorian.monthrange(year, month)[1] + 1)
    ]


def _check(actor: Any, model: type) -> None:
    if actor is not None:
        require(actor, Action.CHANGE, model)


def working_hours_problems(timezone: str, periods: Sequence[Sequence[str]]) -> list[Problem]:
    """Every problem with a time zone and working periods (empty when they are fine)."""
    problems: list[Problem] = []
    try:
        parse_timezone(timezone)
    except InvalidInput as error:
        problems += error.problems
    problems += period_problems(periods)[1]
    return problems


def update_working_hours(
    actor: Any, timezone: str, periods: Sequence[Sequence[str]]
) -> CalendarSettings:
    """Set the company's time zone and the ordered, non-overlapping periods of a working day."""
    _check(actor, CalendarSettings)
    timezone = timezone.strip()
    problems = working_hours_problems(timezone, periods)
    if problems:
        raise InvalidInput(_("The working hours are not valid."), problems)
    new_periods = [[str(a).strip(), str(b).strip()] for a, b in periods]
    with transaction.atomic():
        settings = calendar_settings()
        settings = CalendarSettings.objects.select_for_update().get(pk=settings.pk)
        changes: dict[str, Any] = {}
        if settings.timezone != timezone:
            changes["timezone"] = [settings.timezone, timezone]
        if settings.working_periods != new_periods:
            changes["working_periods"] = [settings.working_periods, new_periods]
        settings.timezone = timezone
        settings.working_periods = new_periods
        settings.updated_at = clock.now()
        settings.save()
        audit.record(actor, "core.calendar.settings.update", settings, changes=changes)
    return settings


def set_override(actor: Any, day: date, is_working_day: bool, reason: str = "") -> CalendarOverride:
    """Make ``day`` a working day or a closure, whatever the statutory calendar says."""
    _check(actor, CalendarOverride)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        message = _("The reason is longer than %(n)s characters.") % {"n": REASON_MAX}
        raise InvalidInput(message, [Problem(message, where="reason")])
    with transaction.atomic():
        override = CalendarOverride.objects.select_for_update().filter(date=day).first()
        if override is None:
            override = CalendarOverride.objects.create(
                date=day, is_working_day=is_working_day, reason=reason
            )
            changes: dict[str, Any] = {
                "date": [None, day.isoformat()],
                "is_working_day": [None, is_working_day],
                "reason": [None, reason],
            }
            action = "core.calendar.override.create"
        else:
            changes = {}
            if override.is_working_day != is_working_day:
                changes["is_working_day"] = [override.is_working_day, is_working_day]
            if override.reason != reason:
                changes["reason"] = [override.reason, reason]
            override.is_working_day = is_working_day
            override.reason = reason
            override.save()
            action = "core.calendar.override.update"
        audit.record(actor, action, override, changes=changes)
    return override


def remove_override(actor: Any, day: date) -> None:
    """Drop the company's exception for ``day``: the statutory calendar applies again."""
    _check(actor, CalendarOverride)
    with transaction.atomic():
        override = CalendarOverride.objects.select_for_update().filter(date=day).first()
        if override is None:
            raise NotFound(_("There is no override on %(date)s.") % {"date": day.isoformat()})
        audit.record(
            actor,
            "core.calendar.override.delete",
            override,
            changes={
                "date": [day.isoformat(), None],
                "is_working_day": [override.is_working_day, None],
                "reason": [override.reason, None],
            },
        )
        override.delete()


def confirm_year(actor: Any, year: int, note: str = "") -> ConfirmedYear:
    """Declare ``year``'s arrangement complete in the overrides, so deadlines may use it.

    For a confirmed year without official data the calendar counts Monday to
    Friday as working days and applies the overrides: enter every holiday and
    make-up working day of the State Council's notice before confirming.
    """
    _check(actor, ConfirmedYear)
    note = (note or "").strip()
    problems: list[Problem] = []
    if not 1900 <= year <= 2200:
        problems.append(Problem(_("Give a year between 1900 and 2200."), where="year"))
    elif year in SUPPORTED_YEARS:
        problems.append(
            Problem(
                _("%(year)s already has the official arrangement; there is nothing to confirm.")
                % {"year": year},
                where="year",
            )
        )
    if len(note) > REASON_MAX:
        problems.append(
            Problem(_("The note is longer than %(n)s characters.") % {"n": REASON_MAX}, "note")
        )
    if problems:
        raise InvalidInput(_("The year cannot be confirmed."), problems)
    with transaction.atomic():
        confirmed, created = ConfirmedYear.objects.select_for_update().get_or_create(
            year=year, defaults={"note": note, "confirmed_at": clock.now()}
        )
        if created:
            changes: dict[str, Any] = {"year": [None, year], "note": [None, note]}
        else:
            changes = {"note": [confirmed.note, note]} if confirmed.note != note else {}
            confirmed.note = note
            confirmed.save(update_fields=["note"])
        audit.record(actor, "core.calendar.year.confirm", confirmed, changes=changes)
    return confirmed


def unconfirm_year(actor: Any, year: int) -> None:
    """Withdraw a confirmation: the year is refused again until the package covers it."""
    _check(actor, ConfirmedYear)
    with transaction.atomic():
        confirmed = ConfirmedYear.objects.select_for_update().filter(year=year).first()
        if confirmed is None:
            raise NotFound(_("%(year)s is not confirmed.") % {"year": year})
        audit.record(
            actor,
            "core.calendar.year.unconfirm",
            confirmed,
            changes={"year": [year, None], "note": [confirmed.note, None]},
        )
        confirmed.delete()
