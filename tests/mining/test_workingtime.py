"""Working time on a company calendar: known cases, a day-by-day reference, bad calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowbridge.mining.workingtime import CalendarError, WorkingTime

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2024: 4-6 April Qingming off (Thu-Sat), Sunday 7 April a make-up working day.
QINGMING = WorkingTime(
    days_off=frozenset({date(2024, 4, 4), date(2024, 4, 5)}),
    extra_workdays=frozenset({date(2024, 4, 7)}),
)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def between(
    calendar: WorkingTime, pairs: list[tuple[datetime | None, datetime | None]]
) -> list[float | None]:
    frame = pl.DataFrame(
        {"a": [p[0] for p in pairs], "b": [p[1] for p in pairs]},
        schema={"a": pl.Datetime("us", "UTC"), "b": pl.Datetime("us", "UTC")},
    )
    return frame.select(calendar.seconds_between(pl.col("a"), pl.col("b"))).to_series().to_list()


def hours(calendar: WorkingTime, start: datetime, end: datetime) -> float:
    seconds = between(calendar, [(start, end)])[0]
    assert seconds is not None
    return seconds / 3600


def reference(calendar: WorkingTime, start: datetime, end: datetime) -> float:
    """Working seconds by walking the days one by one (the slow obvious way)."""
    sign = 1.0
    if end < start:
        start, end, sign = end, start, -1.0
    zone = ZoneInfo(calendar.timezone)
    a = start.astimezone(zone).replace(tzinfo=None)
    b = end.astimezone(zone).replace(tzinfo=None)
    total = 0.0
    day = a.date()
    while day <= b.date():
        if calendar.is_working_day(day):
            midnight = datetime(day.year, day.month, day.day)
            for s, e in calendar.periods:
                lo = max(a, midnight + timedelta(minutes=s))
                hi = min(b, midnight + timedelta(minutes=e))
                if hi > lo:
                    total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return sign * total


def test_within_one_morning() -> None:
    assert hours(WorkingTime(), local(2024, 3, 4, 9, 30), local(2024, 3, 4, 11, 0)) == 1.5


def test_lunch_break_is_not_worked() -> None:
    calendar = WorkingTime()  # 09:00-12:00, 13:30-18:00
    assert hours(calendar, local(2024, 3, 4, 11, 0), local(2024, 3, 4, 14, 0)) == 1.5
    assert hours(calendar, local(2024, 3, 4, 12, 10), local(2024, 3, 4, 13, 20)) == 0


def test_a_weekend_is_not_worked() -> None:
    # Friday 17:00 to Monday 10:00: one hour on Friday, one on Monday.
    assert hours(WorkingTime(), local(2024, 3, 8, 17, 0), local(2024, 3, 11, 10, 0)) == 2


def test_a_holiday_is_not_worked_and_a_make_up_day_is() -> None:
    # Wednesday 3 April 17:00 to Monday 8 April 10:00: Wed 1h, Sun 7 April 7.5h, Mon 1h.
    assert hours(QINGMING, local(2024, 4, 3, 17, 0), local(2024, 4, 8, 10, 0)) == 9.5
    assert hours(QINGMING, local(2024, 4, 4, 9, 0), local(2024, 4, 6, 18, 0)) == 0


def test_a_make_up_saturday() -> None:
    calendar = WorkingTime(extra_workdays=frozenset({date(2024, 2, 18), date(2024, 2, 24)}))
    assert hours(calendar, local(2024, 2, 24, 0, 0), local(2024, 2, 25, 0, 0)) == 7.5


def test_times_are_read_in_the_calendars_zone() -> None:
    # 01:00 UTC is 09:00 in Shanghai.
    start = datetime(2024, 3, 4, 1, 0, tzinfo=UTC)
    assert hours(WorkingTime(), start, start + timedelta(hours=3)) == 3
    assert hours(WorkingTime(timezone="UTC"), start, start + timedelta(hours=3)) == 0


def test_intervals_spanning_years() -> None:
    calendar = WorkingTime(periods=((0, 1440),), weekdays=frozenset(range(7)))
    start, end = local(1965, 6, 1), local(2031, 6, 1)
    assert between(calendar, [(start, end)])[0] == (end - start).total_seconds()
    weekdays_only = WorkingTime(periods=((540, 1020),))
    # 2020-01-06 and 2025-01-06 are Mondays; 261 weeks of 5 eight-hour days in between.
    assert hours(weekdays_only, local(2020, 1, 6), local(2025, 1, 6)) == 261 * 5 * 8


def test_reversed_interval_is_negative_and_null_stays_null() -> None:
    start, end = local(2024, 3, 4, 10, 0), local(2024, 3, 4, 11, 0)
    assert between(WorkingTime(), [(end, start), (None, end), (start, None)]) == [-3600, None, None]


def test_from_days_keeps_only_exceptions_to_the_weekday_rule() -> None:
    calendar = WorkingTime.from_days(
        periods=[("09:00", "12:00"), (810, 1080)],
        days={date(2024, 4, 4): False, date(2024, 4, 7): True, date(2024, 4, 8): True},
    )
    assert calendar.periods == ((540, 720), (810, 1080))
    assert calendar.days_off == {date(2024, 4, 4)}
    assert calendar.extra_workdays == {date(2024, 4, 7)}
    assert calendar.seconds_per_day == 7.5 * 3600


# Berlin has daylight saving: both sides count wall-clock time.
ZONES = st.sampled_from(["Asia/Shanghai", "UTC", "Europe/Berlin"])
DAYS = st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 12, 31))
MOMENTS = st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2026, 12, 31))


@st.composite
def calendars(draw: st.DrawFn) -> WorkingTime:
    cuts = sorted(draw(st.sets(st.integers(0, 1440), min_size=2, max_size=6)))
    periods = tuple(zip(cuts[0::2], cuts[1::2], strict=False))
    weekdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    days = draw(st.dictionaries(DAYS, st.booleans(), max_size=8))
    return WorkingTime.from_days(
        timezone=draw(ZONES),
        periods=periods,
        weekdays=weekdays,
        days=days,
    )


@settings(max_examples=60, deadline=None)
@given(calendar=calendars(), moments=st.lists(st.tuples(MOMENTS, MOMENTS), min_size=1, max_size=8))
def test_equals_a_day_by_day_reference(
    calendar: WorkingTime, moments: list[tuple[datetime, datetime]]
) -> None:
    pairs: list[tuple[datetime | None, datetime | None]] = [
        (a.replace(tzinfo=UTC), b.replace(tzinfo=UTC)) for a, b in moments
    ]
    got = between(calendar, pairs)
    for (a, b), seconds in zip(pairs, got, strict=True):
        assert a is not None and b is not None
        assert seconds == pytest.approx(reference(calendar, a, b), abs=1e-6)


@pytest.mark.parametrize(
    ("fields", "where", "words"),
    [
        ({"periods": ()}, "periods", "no working period"),
        ({"periods": ((540, 720), (700, 1080))}, "periods[1]", "overlap"),
        ({"periods": ((810, 1080), (540, 720))}, "periods[1]", "in order"),
        ({"periods": ((600, 540),)}, "periods[0]", "later one"),
        ({"periods": ((0, 1500),)}, "periods[0]", "later one"),
        ({"weekdays": frozenset()}, "weekdays", "no working day"),
        ({"weekdays": frozenset({1, 7})}, "weekdays", "not 7"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Mars/Olympus"),
        (
            {
                "days_off": frozenset({date(2024, 1, 1)}),
                "extra_workdays": frozenset({date(2024, 1, 1)}),
            },
            "extra_workdays",
            "2024-01-01",
        ),
    ],
)
def test_a_calendar_that_cannot_work_says_what_and_where(
    fields: dict[str, object], where: str, words: str
) -> None:
    with pytest.raises(CalendarError) as raised:
        WorkingTime(**fields)  # type: ignore[arg-type]
    assert raised.value.where == where
    assert words in str(raised.value) and str(raised.value).startswith(where)
    assert isinstance(raised.value, ValueError)


def test_from_days_refuses_an_unreadable_time_of_day() -> None:
    with pytest.raises(CalendarError, match=r"periods\[0\].*HH:MM"):
        WorkingTime.from_days(periods=[("9h", "12:00")])


def test_worked_until_differences_and_use_inside_a_group_by() -> None:
    calendar = WorkingTime()
    frame = pl.DataFrame(
        {
            "case": ["a", "a", "b"],
            "start": [local(2024, 3, 4, 9), local(2024, 3, 4, 9), local(2024, 3, 8, 17)],
            "end": [local(2024, 3, 4, 10), local(2024, 3, 4, 14), local(2024, 3, 11, 10)],
        }
    )
    w = frame.select(
        (calendar.worked_until(pl.col("end")) - calendar.worked_until(pl.col("start"))) / 1e6
    )
    assert w.to_series().to_list() == [3600, 3.5 * 3600, 2 * 3600]
    per_case = frame.group_by("case", maintain_order=True).agg(
        calendar.seconds_between(pl.col("start"), pl.col("end")).sum().alias("s")
    )
    assert per_case.rows() == [("a", 4.5 * 3600), ("b", 2 * 3600)]
    assert (
        frame.head(0).select(calendar.seconds_between(pl.col("start"), pl.col("end"))).height == 0
    )
