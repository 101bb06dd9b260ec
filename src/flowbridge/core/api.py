"""JSON API of the working-time calendar (see flowbridge.api).

Reading needs a signed-in user; changing needs a system admin (the services
check). Unsupported years, bad durations and bad dates answer 422 with the
message, like every other service error.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from flowbridge.core import calendar_services as services
from flowbridge.core.models import CalendarOverride, CalendarSettings, ConfirmedYear
from flowbridge.core.permissions import Action, require
from flowbridge.core.workcalendar import (
    SUPPORTED_YEARS,
    WorkingDuration,
    duration_isoformat,
    parse_day,
    parse_moment,
)

router = Router(tags=["calendar"])


class SettingsOut(Schema):
    timezone: str
    periods: list[list[str]]
    supported_years: list[int]
    confirmed_years: list[int]


class SettingsIn(Schema):
    timezone: str = "Asia/Shanghai"
    periods: list[list[str]]


class OverrideOut(Schema):
    date: date
    is_working_day: bool
    reason: str


class OverrideIn(Schema):
    date: str
    is_working_day: bool
    reason: str = ""


class ConfirmIn(Schema):
    year: int
    note: str = ""


class ConfirmedOut(Schema):
    year: int
    note: str


class AddOut(Schema):
    start: str
    duration: str
    result: str


class BetweenOut(Schema):
    start: str
    end: str
    working_time: str
    seconds: int


class DayOut(Schema):
    date: date
    weekday: int
    is_working_day: bool
    holiday: str
    makeup_day: bool
    override: bool | None
    override_reason: str


class MonthOut(Schema):
    year: int
    month: int
    days: list[DayOut]


def _settings_out() -> SettingsOut:
    settings = services.calendar_settings()
    return SettingsOut(
        timezone=settings.timezone,
        periods=[list(p) for p in settings.working_periods],
        supported_years=sorted(SUPPORTED_YEARS),
        confirmed_years=list(ConfirmedYear.objects.values_list("year", flat=True)),
    )


@router.get("/calendar/settings", response=SettingsOut)
def get_settings(request: HttpRequest) -> SettingsOut:
    require(request.user, Action.VIEW, CalendarSettings)
    return _settings_out()


@router.put("/calendar/settings", response=SettingsOut)
def put_settings(request: HttpRequest, payload: SettingsIn) -> SettingsOut:
    services.update_working_hours(request.user, payload.timezone, payload.periods)
    return _settings_out()


@router.get("/calendar/overrides", response=list[OverrideOut])
def list_overrides(request: HttpRequest, year: int | None = None) -> list[CalendarOverride]:
    require(request.user, Action.VIEW, CalendarOverride)
    overrides = CalendarOverride.objects.order_by("date")
    if year is not None:
        overrides = overrides.filter(date__year=year)
    return list(overrides)


@router.post("/calendar/overrides", response={200: OverrideOut})
def post_override(request: HttpRequest, payload: OverrideIn) -> CalendarOverride:
    day = parse_day(payload.date, "date")
    return services.set_override(request.user, day, payload.is_working_day, payload.reason)


@router.delete("/calendar/overrides/{day}", response={204: None})
def delete_override(request: HttpRequest, day: str) -> Status[None]:
    services.remove_override(request.user, parse_day(day, "date"))
    return Status(204, None)


@router.get("/calendar/confirmed-years", response=list[ConfirmedOut])
def list_confirmed(request: HttpRequest) -> list[ConfirmedYear]:
    require(request.user, Action.VIEW, ConfirmedYear)
    return list(ConfirmedYear.objects.order_by("year"))


@router.post("/calendar/confirmed-years", response=ConfirmedOut)
def post_confirmed(request: HttpRequest, payload: ConfirmIn) -> ConfirmedYear:
    return services.confirm_year(request.user, payload.year, payload.note)


@router.get("/calendar/add", response=AddOut)
def add(request: HttpRequest, start: str, duration: str) -> AddOut:
    require(request.user, Action.VIEW, CalendarSettings)
    moment = parse_moment(start, "start")
    parsed = WorkingDuration.parse(duration)
    result = services.company_calendar().add(moment, parsed)
    return AddOut(start=start, duration=parsed.isoformat(), result=result.isoformat())


@router.get("/calendar/between", response=BetweenOut)
def between(request: HttpRequest, start: str, end: str) -> BetweenOut:
    require(request.user, Action.VIEW, CalendarSettings)
    worked = services.company_calendar().between(
        parse_moment(start, "start"), parse_moment(end, "end")
    )
    return BetweenOut(
        start=start,
        end=end,
        working_time=duration_isoformat(worked),
        seconds=int(worked.total_seconds()),
    )


@router.get("/calendar/days", response=MonthOut)
def days(request: HttpRequest, year: int, month: int) -> MonthOut:
    require(request.user, Action.VIEW, CalendarSettings)
    listed = [
        DayOut(
            date=d.date,
            weekday=d.date.isoweekday(),
            is_working_day=d.info.is_working_day,
            holiday=d.info.holiday,
            makeup_day=d.info.makeup_day,
            override=d.info.override,
            override_reason=d.reason,
        )
        for d in services.month_days(year, month)
    ]
    return MonthOut(year=year, month=month, days=listed)
