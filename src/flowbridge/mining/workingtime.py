"""Working time on a company calendar, as Polars expressions over whole columns.

A :class:`WorkingTime` says when people work: the same working periods on
every working day (minutes after local midnight, e.g. 09:00-12:00 and
13:30-18:00), which weekdays are working days, and the exceptions — days
off (public holidays) and extra working days (the make-up days of China's
调休, a Saturday worked to bridge a holiday). It is plain data: the caller
brings the holidays; the web app builds one from its own calendar with
:meth:`WorkingTime.from_days`.

:meth:`WorkingTime.seconds_between` is the working time between two
timestamp columns. It never loops over rows: it computes, for every
moment ``t``, ``W(t)``, the working seconds from 1970-01-01 up to ``t``
(working days before ``t``'s date by arithmetic over whole weeks, with the
exceptions counted by a binary search in their sorted list, plus the worked
part of ``t``'s own day), and returns ``W(end) - W(start)`` — negative when
``end`` is before ``start``.

Times are read as wall-clock time in the calendar's time zone. In zones
with daylight saving a period crossing the clock change counts its
wall-clock length; ``Asia/Shanghai`` has no such days.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from flowbridge.mining.i18n import _

MINUTES_PER_DAY = 24 * 60
_US_PER_MINUTE = 60_000_000
_US_PER_DAY = MINUTES_PER_DAY * _US_PER_MINUTE
_EPOCH = date(1970, 1, 1)
_EPOCH_WEEKDAY = _EPOCH.weekday()  # a Thursday: 3
_WORKDAYS = frozenset({0, 1, 2, 3, 4})


class CalendarError(ValueError):
    """A working-time calendar that cannot be used: what is wrong and in which field."""

    def __init__(self, message: str, *, where: str) -> None:
        super().__init__(f"{where}: {message}")
        self.message = message
        self.where = where


@dataclass(frozen=True)
class WorkingTime:
    """When a company works: periods of a working day, working weekdays and exceptions.

    * ``timezone``: IANA name; timestamps are read as wall-clock time there.
    * ``periods``: ``(start, end)`` minutes after midnight, in order, not
      overlapping, within one day (``end`` may be 1440).
    * ``weekdays``: working weekdays, Monday = 0.
    * ``days_off``: dates not worked although their weekday is a working one.
    * ``extra_workdays``: dates worked although their weekday is not one.

    Raises :class:`CalendarError` (a ``ValueError``) naming the field when
    the calendar has no working time or its periods are out of order.
    """

    timezone: str = "Asia/Shanghai"
    periods: tuple[tuple[int, int], ...] = ((540, 720), (810, 1080))
    weekdays: frozenset[int] = _WORKDAYS
    days_off: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise CalendarError(
                _("unknown time zone %(zone)r") % {"zone": self.timezone}, where="timezone"
            ) from None
        _check_periods(self.periods)
        bad = sorted(d for d in self.weekdays if d not in range(7))
        if bad:
            raise CalendarError(
                _("weekdays are 0 (Monday) to 6 (Sunday), not %(days)s")
                % {"days": ", ".join(map(str, bad))},
                where="weekdays",
            )
        if not self.weekdays and not self.extra_workdays:
            raise CalendarError(_("the calendar has no working day"), where="weekdays")
        both = sorted(self.days_off & self.extra_workdays)
        if both:
            raise CalendarError(
                _("%(day)s is both a day off and an extra working day") % {"day": both[0]},
                where="extra_workdays",
            )

    @classmethod
    def from_days(
        cls,
        *,
        timezone: str = "Asia/Shanghai",
        periods: Iterable[tuple[int | str, int | str]] = (("09:00", "12:00"), ("13:30", "18:00")),
        weekdays: Iterable[int] = _WORKDAYS,
        days: Mapping[date, bool] | None = None,
    ) -> WorkingTime:
        """A calendar from plain data: periods as minutes or ``"HH:MM"``, and known days.

        ``days`` maps dates to whether they are worked (a statutory
        calendar's holidays and make-up days, company overrides applied);
        only those that differ from their weekday's rule become exceptions.
        """
        minutes = tuple(
            (_minutes(s, f"periods[{i}]"), _minutes(e, f"periods[{i}]"))
            for i, (s, e) in enumerate(periods)
        )
        working_weekdays = frozenset(weekdays)
        known = dict(days or {})
        off = frozenset(d for d, w in known.items() if not w and d.weekday() in working_weekdays)
        extra = frozenset(d for d, w in known.items() if w and d.weekday() not in working_weekdays)
        return cls(timezone, minutes, working_weekdays, off, extra)

    @property
    def seconds_per_day(self) -> int:
        """Working seconds of one whole working day."""
        return sum(end - start for start, end in self.periods) * 60

    def is_working_day(self, day: date) -> bool:
        """Whether the date is worked."""
        if day in self.extra_workdays:
            return True
        return day.weekday() in self.weekdays and day not in self.days_off

    def seconds_between(self, start: pl.Expr, end: pl.Expr) -> pl.Expr:
        """Working seconds from ``start`` to ``end`` (Float64; negative when ``end`` is earlier).

        Both are timestamp expressions (aware, or naive taken as UTC); a
        null on either side gives null.
        """
        worked = self.worked_until(end) - self.worked_until(start)
        return worked.cast(pl.Float64) / 1_000_000

    def worked_until(self, moment: pl.Expr) -> pl.Expr:
        """W(t): working microseconds (Int64) from 1970-01-01 00:00 local time up to ``t``.

        ``W(b) - W(a)`` is the working time from ``a`` to ``b``; computing W
        once per column and subtracting is cheaper than pairing columns.
        """
        # One batch through staged columns: the time-zone conversion and the day
        # number are used a dozen times below and must be computed once each.
        return moment.map_batches(self._worked_until, return_dtype=pl.Int64, is_elementwise=True)

    def _worked_until(self, moments: pl.Series) -> pl.Series:
        day, of_day = pl.col("day"), pl.col("of_day")
        worked_today = pl.sum_horizontal(
            (of_day - start * _US_PER_MINUTE).clip(0, (end - start) * _US_PER_MINUTE)
            for start, end in self.periods
        )
        return (
            moments.to_frame("t")
            .lazy()
            .select(_wall_clock_microseconds(pl.col("t"), self.timezone).alias("wall"))
            .with_columns(pl.col("wall").floordiv(_US_PER_DAY).alias("day"))
            .with_columns((pl.col("wall") - pl.col("day") * _US_PER_DAY).alias("of_day"))
            .select(
                # A null moment gives a null day, and so a null W.
                self._working_days_before(day) * (self.seconds_per_day * 1_000_000)
                + pl.when(self._is_working(day)).then(worked_today).otherwise(0).alias("worked")
            )
            .collect()
            .to_series()
        )

    def _working_days_before(self, day: pl.Expr) -> pl.Expr:
        """Working days in [1970-01-01, day), negative for days before 1970."""
        # Of the first r days of a week that starts on a Thursday, how many are worked.
        partial = [
            sum((_EPOCH_WEEKDAY + j) % 7 in self.weekdays for j in range(r)) for r in range(7)
        ]
        weeks = day.floordiv(7)
        rest = day - weeks * 7
        in_partial_week = rest.replace_strict(list(range(7)), partial, return_dtype=pl.Int64)
        count = weeks * len(self.weekdays) + in_partial_week
        # Exceptions before the day, counted by a binary search in their sorted numbers.
        off = self._day_numbers(d for d in self.days_off if d.weekday() in self.weekdays)
        extra = self._day_numbers(
            d for d in self.extra_workdays if d.weekday() not in self.weekdays
        )
        if off:
            count = count - _count_before(off, day)
        if extra:
            count = count + _count_before(extra, day)
        return count

    def _is_working(self, day: pl.Expr) -> pl.Expr:
        weekday = (day + _EPOCH_WEEKDAY) % 7
        working = weekday.is_in(sorted(self.weekdays))
        if self.days_off:
            working = working & ~day.is_in(self._day_numbers(self.days_off))
        if self.extra_workdays:
            working = working | day.is_in(self._day_numbers(self.extra_workdays))
        return working

    @staticmethod
    def _day_numbers(days: Iterable[date]) -> list[int]:
        return sorted((d - _EPOCH).days for d in days)


def _count_before(sorted_days: list[int], day: pl.Expr) -> pl.Expr:
    """How many of the sorted day numbers are smaller than ``day``."""
    days = pl.lit(pl.Series(sorted_days, dtype=pl.Int64))
    return days.search_sorted(day, side="left").cast(pl.Int64)


def _wall_clock_microseconds(moment: pl.Expr, timezone: str) -> pl.Expr:
    """Microseconds since 1970-01-01 00:00 of the wall clock in ``timezone``."""
    local = moment.dt.cast_time_unit("us").dt.convert_time_zone(timezone)
    return local.dt.replace_time_zone(None).dt.epoch("us")


def _check_periods(periods: tuple[tuple[int, int], ...]) -> None:
    if not periods:
        raise CalendarError(_("the calendar has no working period in a day"), where="periods")
    previous_end = 0
    for index, (start, end) in enumerate(periods):
        where = f"periods[{index}]"
        if not 0 <= start < end <= MINUTES_PER_DAY:
            raise CalendarError(
                _("a period runs from a minute of the day to a later one (0-1440), not %(period)s")
                % {"period": f"{start}-{end}"},
                where=where,
            )
        if start < previous_end:
            raise CalendarError(
                _("periods must be in order and not overlap: %(period)s starts before %(end)s")
                % {"period": f"{start}-{end}", "end": previous_end},
                where=where,
            )
        previous_end = end


def _minutes(value: int | str, where: str) -> int:
    if isinstance(value, int):
        return value
    hours, _sep, minutes = value.partition(":")
    if not (hours.isdigit() and minutes.isdigit()):
        raise CalendarError(
            _("a time of day is written HH:MM, not %(text)r") % {"text": value}, where=where
        )
    return int(hours) * 60 + int(minutes)
