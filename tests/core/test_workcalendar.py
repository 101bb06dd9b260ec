"""Working-time arithmetic: explicit examples around breaks, weekends and holidays."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from flowbridge.core.errors import InvalidInput
from flowbridge.core.workcalendar import (
    SUPPORTED_YEARS,
    CalendarYearUnavailable,
    WorkingCalendar,
    WorkingDuration,
    duration_isoformat,
)

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkingCalendar()


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)  # type: ignore[misc]


def test_supported_years_come_from_the_package() -> None:
    assert {2004, 2025, 2026} <= SUPPORTED_YEARS
    assert min(SUPPORTED_YEARS) == 2001


def test_national_day_week_plus_three_days_lands_on_make_up_saturday() -> None:
    assert CAL.add(datetime(2026, 9, 30, 17), "3d").isoformat() == "2026-10-10T17:00:00+08:00"
    assert CAL.is_working_day(date(2026, 10, 10))  # a Saturday made a working day
    assert not CAL.is_working_day(date(2026, 10, 7))


def test_hours_skip_the_lunch_break() -> None:
    assert CAL.add_hours(sh(2026, 3, 2, 11), 2) == sh(2026, 3, 2, 14, 30)
    # exactly exhausting the morning ends at 12:00, not 13:30
    assert CAL.add_hours(sh(2026, 3, 2, 11), 1) == sh(2026, 3, 2, 12)


def test_hours_run_over_the_weekend() -> None:
    friday = sh(2026, 3, 6, 17)
    assert CAL.add_hours(friday, 2) == sh(2026, 3, 9, 10)


def test_adding_zero_normalizes() -> None:
    assert CAL.add_hours(sh(2026, 3, 2, 12, 30), 0) == sh(2026, 3, 2, 13, 30)  # lunch
    assert CAL.add_hours(sh(2026, 3, 2, 12), 0) == sh(2026, 3, 2, 12)  # period end stays
    assert CAL.add_hours(sh(2026, 3, 2, 7), 0) == sh(2026, 3, 2, 9)
    assert CAL.add_hours(sh(2026, 3, 7, 10), 0) == sh(2026, 3, 9, 9)  # Saturday
    assert CAL.add_hours(sh(2026, 3, 2, 18), 0) == sh(2026, 3, 2, 18)


def test_days_keep_the_clock_time_even_in_a_break() -> None:
    # 12:00 is the end of the morning period: it stays, and stays 12:00 on the target day.
    assert CAL.add_days(sh(2026, 3, 2, 12), 1) == sh(2026, 3, 3, 12)
    # in the lunch break the moment first moves to 13:30
    assert CAL.add_days(sh(2026, 3, 2, 12, 45), 1) == sh(2026, 3, 3, 13, 30)
    # at the end of the day it stays at that day's end
    assert CAL.add_days(sh(2026, 3, 6, 18), 1) == sh(2026, 3, 9, 18)
    # after the end of the day it moves to the next morning first
    assert CAL.add_days(sh(2026, 3, 6, 19), 1) == sh(2026, 3, 10, 9)
    assert CAL.add_days(sh(2026, 3, 2, 10), 0) == sh(2026, 3, 2, 10)


def test_spring_festival_2026() -> None:
    # 15-23 Feb 2026 off; Saturday 14 Feb and Saturday 28 Feb are make-up working days.
    assert CAL.is_working_day(date(2026, 2, 14))
    assert not any(CAL.is_working_day(date(2026, 2, d)) for d in range(15, 24))
    assert CAL.add_days(sh(2026, 2, 13, 10), 1) == sh(2026, 2, 14, 10)
    assert CAL.add_days(sh(2026, 2, 14, 10), 1) == sh(2026, 2, 24, 10)
    assert CAL.between(sh(2026, 2, 14, 17), sh(2026, 2, 24, 10)) == timedelta(hours=2)


def test_mixed_duration_adds_days_then_time() -> None:
    assert CAL.add(sh(2026, 3, 2, 10), "1d4h30m") == sh(2026, 3, 3, 16)
    assert CAL.add(sh(2026, 3, 2, 10), "P1DT2H") == sh(2026, 3, 3, 12)


def test_between_is_signed_and_counts_only_working_time() -> None:
    a, b = sh(2026, 3, 2, 9), sh(2026, 3, 2, 18)
    assert CAL.between(a, b) == timedelta(hours=7, minutes=30)
    assert CAL.between(b, a) == -timedelta(hours=7, minutes=30)
    assert CAL.between(sh(2026, 3, 7, 9), sh(2026, 3, 8, 18)) == timedelta(0)  # weekend
    assert duration_isoformat(CAL.between(a, b)) == "PT7H30M"
    # the end of the last supported year needs nothing from the next one
    assert CAL.between(sh(2026, 12, 31, 9), sh(2027, 1, 1, 0)) == timedelta(hours=7, minutes=30)


def test_naive_datetimes_are_in_the_calendar_zone_and_results_aware() -> None:
    result = CAL.add_hours(datetime(2026, 3, 2, 10), 1)
    assert result == sh(2026, 3, 2, 11)
    assert result.utcoffset() == timedelta(hours=8)
    utc_start = datetime(2026, 3, 2, 2, tzinfo=ZoneInfo("UTC"))  # 10:00 in Shanghai
    assert CAL.add_hours(utc_start, 1).isoformat() == "2026-03-02T11:00:00+08:00"


def test_other_time_zone_with_daylight_saving() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    cal = WorkingCalendar("Europe/Berlin", [("09:00", "17:00")])
    # 29 March 2026 is the DST switch (a Sunday; the calendar is still China's working days)
    friday = datetime(2026, 3, 27, 16, tzinfo=berlin)
    result = cal.add_hours(friday, 2)
    assert result == datetime(2026, 3, 30, 10, tzinfo=berlin)
    assert result.utcoffset() == timedelta(hours=2)
    assert cal.between(friday, result) == timedelta(hours=2)


def test_overrides_win_over_the_statutory_calendar() -> None:
    cal = WorkingCalendar(overrides={date(2026, 3, 2): False, date(2026, 3, 7): True})
    assert not cal.is_working_day(date(2026, 3, 2))
    assert cal.is_working_day(date(2026, 3, 7))
    assert cal.add_hours(sh(2026, 3, 1, 10), 1) == sh(2026, 3, 3, 10)
    info = cal.day_info(date(2026, 3, 7))
    assert info.override is True and info.is_working_day and not info.makeup_day


def test_day_info_names_holidays_and_make_up_days() -> None:
    info = CAL.day_info(date(2026, 10, 1))
    assert info.holiday == "National Day" and not info.is_working_day
    assert CAL.day_info(date(2026, 10, 1), language="zh_CN").holiday == "国庆节"
    makeup = CAL.day_info(date(2026, 10, 10))
    assert makeup.makeup_day and makeup.is_working_day and makeup.holiday == ""


def test_working_periods_on() -> None:
    periods = CAL.working_periods_on(date(2026, 3, 2))
    assert periods == [
        (sh(2026, 3, 2, 9), sh(2026, 3, 2, 12)),
        (sh(2026, 3, 2, 13, 30), sh(2026, 3, 2, 18)),
    ]
    assert CAL.working_periods_on(date(2026, 3, 7)) == []


def test_year_without_official_arrangement_is_refused() -> None:
    year = max(SUPPORTED_YEARS) + 1
    with pytest.raises(CalendarYearUnavailable) as info:
        CAL.is_working_day(date(year, 3, 1))
    assert f"No official holiday arrangement for {year}" in info.value.message
    assert isinstance(info.value, InvalidInput)
    with pytest.raises(CalendarYearUnavailable):
        CAL.add_days(sh(2026, 12, 30, 10), 5)
    with pytest.raises(CalendarYearUnavailable):
        CAL.is_working_day(date(1999, 6, 1))


def test_confirmed_year_uses_weekdays_plus_overrides() -> None:
    year = max(SUPPORTED_YEARS) + 1
    cal = WorkingCalendar(overrides={date(year, 1, 1): False}, confirmed_years=[year])
    assert not cal.is_working_day(date(year, 1, 1))
    first_monday = next(date(year, 1, d) for d in range(2, 9) if date(year, 1, d).weekday() == 0)
    assert cal.is_working_day(first_monday)
    assert not cal.is_working_day(first_monday - timedelta(days=1))


def test_adding_a_thousand_days_is_fast() -> None:
    started = time.perf_counter()
    result = CAL.add_days(sh(2020, 1, 2, 10), 1000)
    hours = CAL.add_hours(sh(2020, 1, 2, 10), 7000)
    assert time.perf_counter() - started < 1.0
    assert result.year == 2024 and hours.year == 2023
    assert CAL.between(sh(2020, 1, 2, 10), hours) == timedelta(hours=7000)


@pytest.mark.parametrize(
    ("text", "days", "delta"),
    [
        ("3d", 3, timedelta(0)),
        ("4h", 0, timedelta(hours=4)),
        ("30m", 0, timedelta(minutes=30)),
        ("1d4h30m", 1, timedelta(hours=4, minutes=30)),
        ("P3D", 3, timedelta(0)),
        ("PT4H30M", 0, timedelta(hours=4, minutes=30)),
        ("P1DT2H", 1, timedelta(hours=2)),
        (" 2H ", 0, timedelta(hours=2)),
    ],
)
def test_duration_parse(text: str, days: int, delta: timedelta) -> None:
    parsed = WorkingDuration.parse(text)
    assert (parsed.days, parsed.time) == (days, delta)


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "-3d", "3 d", "3w", "PT1.5H", "d"])
def test_bad_durations_say_what_is_accepted(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        WorkingDuration.parse(text)
    assert "1d4h30m" in info.value.message and "PT4H30M" in info.value.message


def test_duration_isoformat() -> None:
    assert WorkingDuration.parse("1d4h30m").isoformat() == "P1DT4H30M"
    assert duration_isoformat(timedelta(0)) == "PT0S"
    assert duration_isoformat(-timedelta(hours=2)) == "-PT2H"


def test_periods_are_validated_listing_every_problem() -> None:
    with pytest.raises(InvalidInput) as info:
        WorkingCalendar(periods=[("9:00", "12:00"), ("13:00", "12:30"), ("11:00", "25:00")])
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 3, messages
    with pytest.raises(InvalidInput):
        WorkingCalendar(periods=[("09:00", "12:00"), ("11:00", "13:00")])  # overlap
    with pytest.raises(InvalidInput):
        WorkingCalendar(periods=[])
    with pytest.raises(InvalidInput):
        WorkingCalendar("Mars/Olympus")
    assert WorkingCalendar(periods=[("00:00", "24:00")]).add_hours(sh(2026, 3, 2, 23), 2) == sh(
        2026, 3, 3, 1
    )
