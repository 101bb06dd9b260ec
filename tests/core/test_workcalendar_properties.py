"""Properties of working-time arithmetic (hypothesis) and a cross-check with chinese-calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowbridge.core.workcalendar import SUPPORTED_YEARS, CalendarYearUnavailable, WorkingCalendar

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkingCalendar()
BERLIN_CAL = WorkingCalendar("Europe/Berlin", [("08:00", "12:00"), ("12:45", "16:30")])

# A moment anywhere in 2004-2025, to the minute, so results stay inside supported years.
moments = st.datetimes(min_value=datetime(2004, 1, 1), max_value=datetime(2025, 12, 1)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=SH)
)
working_minutes = st.integers(min_value=0, max_value=60 * 7 * 200)

# chinese-calendar misses the make-up Saturday before the 2006 New Year holiday
# (liriansu-opus/chinese-calendar#125); the State Council notice and `holidays` have it.
KNOWN_DISAGREEMENTS = {date(2005, 12, 31)}


@settings(max_examples=300, deadline=None)
@given(start=moments, minutes=working_minutes)
def test_between_undoes_add(start: datetime, minutes: int) -> None:
    delta = timedelta(minutes=minutes)
    end = CAL.add_working_time(start, delta)
    assert CAL.between(start, end) == delta
    assert CAL.between(end, start) == -delta
    assert end >= start


@settings(max_examples=150, deadline=None)
@given(start=moments, minutes=working_minutes)
def test_between_undoes_add_in_a_daylight_saving_zone(start: datetime, minutes: int) -> None:
    delta = timedelta(minutes=minutes)
    end = BERLIN_CAL.add_working_time(start, delta)
    assert BERLIN_CAL.between(start, end) == delta


@settings(max_examples=200, deadline=None)
@given(start=moments, a=working_minutes, b=working_minutes)
def test_adding_more_never_ends_earlier(start: datetime, a: int, b: int) -> None:
    small, large = sorted((a, b))
    assert CAL.add_working_time(start, timedelta(minutes=small)) <= CAL.add_working_time(
        start, timedelta(minutes=large)
    )


@settings(max_examples=200, deadline=None)
@given(first=moments, gap=st.integers(min_value=0, max_value=60 * 24 * 30), days=st.integers(0, 60))
def test_add_days_is_monotonic_in_the_start(first: datetime, gap: int, days: int) -> None:
    second = first + timedelta(minutes=gap)
    assert CAL.add_days(first, days) <= CAL.add_days(second, days)


@settings(max_examples=200, deadline=None)
@given(start=moments, days=st.integers(min_value=0, max_value=60))
def test_add_days_lands_on_a_working_day_at_the_normalized_clock_time(
    start: datetime, days: int
) -> None:
    result = CAL.add_days(start, days)
    normalized = CAL.normalize(start)
    assert result.time() == normalized.time()
    assert CAL.is_working_day(result.date())
    working_days_passed = sum(
        CAL.is_working_day(normalized.date() + timedelta(days=n))
        for n in range(1, (result.date() - normalized.date()).days + 1)
    )
    assert working_days_passed == days


@settings(max_examples=200, deadline=None)
@given(start=moments)
def test_normalize_is_idempotent_and_in_working_time(start: datetime) -> None:
    once = CAL.normalize(start)
    assert CAL.normalize(once) == once
    assert once >= start
    assert CAL.between(start, once) == timedelta(0)
    periods = CAL.working_periods_on(once.date())
    assert any(a <= once <= b for a, b in periods)


def test_every_day_2004_to_2026_agrees_with_chinese_calendar() -> None:
    disagreements = set()
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        if CAL.is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.add(day)
        day += timedelta(days=1)
    assert disagreements == KNOWN_DISAGREEMENTS
    # and on that date `holidays` follows the State Council: a worked Saturday
    assert CAL.is_working_day(date(2005, 12, 31))
    assert CAL.day_info(date(2005, 12, 31)).makeup_day


def test_the_year_after_the_last_official_one_is_refused() -> None:
    after = max(SUPPORTED_YEARS) + 1
    for month in (1, 6, 12):
        with pytest.raises(CalendarYearUnavailable) as info:
            CAL.is_working_day(date(after, month, 15))
        assert str(after) in info.value.message
