"""Pages of the core app: home, working-time calendar, audit log."""

from __future__ import annotations

import calendar as gregorian
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from flowbridge.core import calendar_services as services
from flowbridge.core.audit_views import audit_log
from flowbridge.core.clock import now
from flowbridge.core.errors import DomainError, InvalidInput, Problem
from flowbridge.core.home import panels_for
from flowbridge.core.models import CalendarOverride, CalendarSettings, ConfirmedYear
from flowbridge.core.permissions import Action, may, require
from flowbridge.core.workcalendar import (
    SUPPORTED_YEARS,
    WorkingCalendar,
    WorkingDuration,
    duration_isoformat,
    parse_day,
    parse_moment,
)

__all__ = ["audit_log", "calendar_page", "home"]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"panels": panels_for(request)})


@dataclass(frozen=True)
class Cell:
    """One square of the month grid; ``day`` is None outside the month."""

    day: services.CalendarDay | None

    @property
    def css(self) -> str:
        if self.day is None:
            return "cal-out"
        info = self.day.info
        classes = ["cal-work" if info.is_working_day else "cal-off"]
        if info.holiday:
            classes.append("cal-holiday")
        if info.makeup_day:
            classes.append("cal-makeup")
        if info.override is not None:
            classes.append("cal-override")
        return " ".join(classes)


def _month_from(request: HttpRequest, calendar: WorkingCalendar) -> tuple[int, int]:
    today = now().astimezone(calendar.zone).date()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
    except ValueError:
        return today.year, today.month
    if not (1900 <= year <= 2200 and 1 <= month <= 12):
        return today.year, today.month
    return year, month


def _grid(year: int, month: int, days: list[services.CalendarDay]) -> list[list[Cell]]:
    by_date = {d.date: d for d in days}
    weeks = gregorian.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[Cell(by_date.get(d) if d.month == month else None) for d in week] for week in weeks]


def _calculate(request: HttpRequest, calendar: WorkingCalendar) -> dict[str, Any]:
    """Run the calculator forms given in the query string; errors become problems."""
    result: dict[str, Any] = {}
    start = request.GET.get("start", "")
    try:
        if start and request.GET.get("duration"):
            duration = WorkingDuration.parse(request.GET["duration"])
            result["added"] = calendar.add(parse_moment(start, "start"), duration)
        elif start and request.GET.get("end"):
            worked = calendar.between(
                parse_moment(start, "start"), parse_moment(request.GET["end"], "end")
            )
            result["between"] = duration_isoformat(worked)
            result["between_hours"] = round(worked.total_seconds() / 3600, 2)
    except DomainError as error:
        result["error"] = error
    return result


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW, CalendarSettings)
    calendar = services.company_calendar()
    year, month = _month_from(request, calendar)
    unavailable = None
    days: list[services.CalendarDay] = []
    try:
        days = services.month_days(year, month, calendar)
    except InvalidInput as error:
        unavailable = error
    previous = date(year, month, 1) - timedelta(days=1)
    following = date(year + month // 12, month % 12 + 1, 1)
    context = {
        "year": year,
        "month": month,
        "month_start": date(year, month, 1),
        "previous": previous,
        "following": following,
        "weeks": _grid(year, month, days) if days else [],
        "weekday_names": [WEEKDAYS_ABBR[d] for d in range(7)],
        "unavailable": unavailable,
        "calendar": calendar,
        "settings": services.calendar_settings(),
        "calc": _calculate(request, calendar),
        "query": request.GET,
        "overrides": CalendarOverride.objects.filter(date__year=year).order_by("date"),
        "confirmed_years": ConfirmedYear.objects.order_by("year"),
        "supported_first": min(SUPPORTED_YEARS),
        "supported_last": max(SUPPORTED_YEARS),
        "can_change": may(request.user, Action.CHANGE, CalendarSettings),
    }
    return render(request, "core/calendar.html", context)


def _back(request: HttpRequest) -> HttpResponseRedirect:
    url = reverse("core:calendar")
    year, month = request.POST.get("year", ""), request.POST.get("month", "")
    if year.isdigit() and month.isdigit():
        url += f"?year={year}&month={month}"
    return redirect(url)


def _report(request: HttpRequest, error: DomainError) -> None:
    lines = [error.message, *(str(p) for p in error.problems)]
    messages.error(request, " · ".join(lines))


def _periods_from(text: str) -> list[list[str]]:
    """``09:00-12:00, 13:30-18:00`` → ``[["09:00", "12:00"], ["13:30", "18:00"]]``."""
    periods = []
    for chunk in text.replace("\uff0c", ",").split(","):
        if chunk.strip():
            bounds = [b.strip() for b in chunk.replace("\u2013", "-").split("-")]
            periods.append(bounds)
    return periods


@login_required
@require_POST
def calendar_hours(request: HttpRequest) -> HttpResponse:
    try:
        services.update_working_hours(
            request.user,
            request.POST.get("timezone", ""),
            _periods_from(request.POST.get("periods", "")),
        )
        messages.success(request, _("Working hours saved."))
    except DomainError as error:
        _report(request, error)
    return _back(request)


@login_required
@require_POST
def calendar_override(request: HttpRequest) -> HttpResponse:
    try:
        day = parse_day(request.POST.get("date", ""), _("date"))
        kind = request.POST.get("kind", "")
        if kind not in {"working", "closed"}:
            message = _("Choose a working day or a closure.")
            raise InvalidInput(message, [Problem(message, where=_("kind"))])
        services.set_override(request.user, day, kind == "working", request.POST.get("reason", ""))
        messages.success(request, _("Override for %(date)s saved.") % {"date": day.isoformat()})
    except DomainError as error:
        _report(request, error)
    return _back(request)


@login_required
@require_POST
def calendar_override_remove(request: HttpRequest) -> HttpResponse:
    try:
        day = parse_day(request.POST.get("date", ""), _("date"))
        services.remove_override(request.user, day)
        messages.success(request, _("Override for %(date)s removed.") % {"date": day.isoformat()})
    except DomainError as error:
        _report(request, error)
    return _back(request)


@login_required
@require_POST
def calendar_confirm_year(request: HttpRequest) -> HttpResponse:
    try:
        text = request.POST.get("confirm_year", "").strip()
        if not text.isdigit():
            message = _("Give the year as a number, e.g. 2027.")
            raise InvalidInput(message, [Problem(message, where=_("year"))])
        services.confirm_year(request.user, int(text), request.POST.get("note", ""))
        messages.success(request, _("Year %(year)s confirmed.") % {"year": text})
    except DomainError as error:
        _report(request, error)
    return _back(request)
