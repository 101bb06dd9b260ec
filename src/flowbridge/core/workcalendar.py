"""Working-time arithmetic on the Chinese statutory calendar (a pure library, no Django).

A :class:`WorkingCalendar` knows which days are working days and which
periods of such a day are working time. Working days come from the
``holidays`` package (statutory holidays and the State Council's make-up
working days, 调休), with company overrides winning over it. A year the
package has no official arrangement for is refused with
:class:`CalendarYearUnavailable` unless the admin has confirmed it (after
entering that year's whole arrangement as overrides); nothing is guessed.

Semantics:

* Naive datetimes are read in the calendar's time zone; every result is an
  aware datetime in that zone. Working time is real elapsed time.
* *Normalizing* a moment: a moment inside a working period, or exactly at the
  end of one, stays; any other moment (a break, the evening, a day off) moves
  forward to the start of the next working period.
* ``add_hours(m, h)`` normalizes ``m`` and then consumes ``h`` of working time
  period by period. A result that exactly exhausts a period is that period's
  end (``12:00``, not ``13:30``). Adding 0 returns the normalized moment.
* ``add_days(m, n)`` normalizes ``m`` and returns the same clock time on the
  n-th following working day (even when that clock time is in a break).
  ``2026-09-30T17:00 + 3d`` is ``2026-10-10T17:00+08:00``: 1-7 October are
  the National Day holiday and Saturday 10 October is a make-up working day.
* ``add(m, WorkingDuration)`` adds the days first, then the hours and minutes.
* ``between(a, b)`` is the working time in ``[a, b]``, negative when ``b < a``;
  ``between(a, add_hours(a, h)) == h`` for every ``a``.

Loops advance a whole day at a time, so adding 1000 working days is fast.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from holidays import HolidayBase
from holidays.countries.china import China, ChinaStaticHolidays

from flowbridge.core.errors import InvalidInput, Problem

DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_PERIODS: tuple[tuple[str, str], ...] = (("09:00", "12:00"), ("13:30", "18:00"))

# Years with an official State Council arrangement in the installed package.
SUPPORTED_YEARS: frozenset[int] = frozenset(ChinaStaticHolidays.special_public_holidays)

_translator: Callable[[str], str] = lambda text: text  # noqa: E731


def set_translator(translator: Callable[[str], str]) -> None:
    """Let the web app translate this library's messages (Django's ``gettext``)."""
    global _translator
    _translator = translator


def _(text: str) -> str:
    return _translator(text)


class CalendarYearUnavailable(InvalidInput):
    """The year has no official holiday arrangement, so working days cannot be known."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            _(
                "No official holiday arrangement for %(year)s; working days in %(year)s are "
                "unknown. Update the holidays package once the State Council publishes it, "
                "or enter that year's arrangement as calendar overrides and confirm the year."
            )
            % {"year": year}
        )


# ---------------------------------------------------------------- durations

_COMPACT = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")
_ISO = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")


@dataclass(frozen=True, order=True)
class WorkingDuration:
    """Working days plus working time: ``3d``, ``4h``, ``1d4h30m``, ``P1DT2H``."""

    days: int = 0
    time: timedelta = timedelta(0)

    def __post_init__(self) -> None:
        if self.days < 0 or self.time < timedelta(0):
            raise InvalidInput(_("A working duration cannot be negative."))

    @classmethod
    def parse(cls, text: str) -> WorkingDuration:
        """Read ``3d``/``4h``/``30m``/``1d4h30m`` or ISO 8601 ``P3D``/``PT4H30M``/``P1DT2H``."""
        raw = text.strip()
        compact = _COMPACT.fullmatch(raw.lower())
        iso = _ISO.fullmatch(raw.upper())
        if raw and compact and any(compact.groups()):
            d, h, m = (int(g or 0) for g in compact.groups())
            return cls(d, timedelta(hours=h, minutes=m))
        if raw.upper() not in {"P", "PT"} and iso and any(iso.groups()) and not raw.endswith("T"):
            d, h, m, s = (int(g or 0) for g in iso.groups())
            return cls(d, timedelta(hours=h, minutes=m, seconds=s))
        raise InvalidInput(
            _(
                "Cannot read the duration “%(text)s”. Write working days, hours and minutes "
                "such as 3d, 4h, 30m or 1d4h30m, or ISO 8601 such as P3D, PT4H30M or P1DT2H."
            )
            % {"text": text}
        )

    def isoformat(self) -> str:
        return duration_isoformat(self.time, days=self.days)

    def __str__(self) -> str:
        return self.isoformat()


def duration_isoformat(delta: timedelta, days: int = 0) -> str:
    """ISO 8601 text of working time, e.g. ``PT7H30M``; days are working days (``P3D``)."""
    sign = "-" if delta < timedelta(0) else ""
    total = abs(delta)
    seconds = int(total.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    clock_part = "".join(
        f"{value}{unit}" for value, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if value
    )
    day_part = f"{days}D" if days else ""
    if not day_part and not clock_part:
        return "PT0S"
    return f"{sign}P{day_part}" + (f"T{clock_part}" if clock_part else "")


# ---------------------------------------------------------------- settings


def parse_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            _("Unknown time zone “%(zone)s”.") % {"zone": name},
            [Problem(_("Unknown time zone “%(zone)s”.") % {"zone": name}, where="timezone")],
        ) from None


def _minutes(text: str) -> int | None:
    match = re.fullmatch(r"(\d{2}):(\d{2})", text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def period_problems(
    periods: Sequence[Sequence[str]],
) -> tuple[list[tuple[int, int]], list[Problem]]:
    """Parse ``[("09:00", "12:00"), …]`` to minutes of the day, listing every problem."""
    problems: list[Problem] = []
    parsed: list[tuple[int, int]] = []
    if not periods:
        problems.append(Problem(_("A working day needs at least one period."), where="periods"))
    for index, period in enumerate(periods, start=1):
        where = _("period %(n)s") % {"n": index}
        if not isinstance(period, list | tuple) or len(period) != 2:
            problems.append(Problem(_("Give a start and an end time."), where=where))
            continue
        start, end = _minutes(period[0]), _minutes(period[1])
        for value, minutes in ((period[0], start), (period[1], end)):
            if minutes is None:
                problems.append(
                    Problem(
                        _("“%(value)s” is not a time of day in HH:MM form.") % {"value": value},
                        where=where,
                    )
                )
        if start is None or end is None:
            continue
        if start >= end:
            problems.append(Problem(_("The period must end after it starts."), where=where))
        elif parsed and start < parsed[-1][1]:
            problems.append(
                Problem(
                    _("The period overlaps or precedes the previous one; list periods in order."),
                    where=where,
                )
            )
        parsed.append((start, end))
    return parsed, problems


def parse_periods(periods: Sequence[Sequence[str]]) -> list[tuple[int, int]]:
    parsed, problems = period_problems(periods)
    if problems:
        raise InvalidInput(_("The working periods are not valid."), problems)
    return parsed


@cache
def _statutory(language: str = "en_US") -> HolidayBase:
    return China(years=sorted(SUPPORTED_YEARS), expand=False, language=language)  # type: ignore[no-untyped-call]


# ---------------------------------------------------------------- calendar


@dataclass(frozen=True)
class DayInfo:
    """What the calendar knows about one date."""

    date: date
    is_working_day: bool
    holiday: str  # the statutory holiday's name, "" when none
    makeup_day: bool  # a weekend day the State Council made a working day (调休上班日)
    override: bool | None  # the company override (working or not), None when none


class WorkingCalendar:
    """Working days and working periods of one company; see the module docstring."""

    def __init__(
        self,
        timezone: str = DEFAULT_TIMEZONE,
        periods: Iterable[Sequence[str]] = DEFAULT_PERIODS,
        overrides: Mapping[date, bool] | None = None,
        confirmed_years: Iterable[int] = (),
    ) -> None:
        self.timezone = timezone
        self.zone = parse_timezone(timezone)
        self.periods: tuple[tuple[str, str], ...] = tuple((p[0], p[1]) for p in periods)
        self._minutes = parse_periods(self.periods)
        self.overrides: dict[date, bool] = dict(overrides or {})
        self.confirmed_years = frozenset(confirmed_years)

    def __repr__(self) -> str:
        return f"WorkingCalendar({self.timezone!r}, {list(self.periods)!r})"

    # -- days

    def check_year(self, year: int) -> None:
        if year not in SUPPORTED_YEARS and year not in self.confirmed_years:
            raise CalendarYearUnavailable(year)

    def is_working_day(self, day: date) -> bool:
        if isinstance(day, datetime):
            day = self.localize(day).date()
        self.check_year(day.year)
        if day in self.overrides:
            return self.overrides[day]
        if day.year not in SUPPORTED_YEARS:
            # A confirmed year: its whole arrangement is in the overrides.
            return day.weekday() < 5
        return bool(_statutory().is_working_day(day))

    def day_info(self, day: date, language: str = "en_US") -> DayInfo:
        working = self.is_working_day(day)
        holiday, makeup = "", False
        if day.year in SUPPORTED_YEARS:
            statutory = _statutory(language)
            holiday = str(statutory.get(day) or "")
            makeup = day.weekday() >= 5 and bool(statutory.is_working_day(day))
        return DayInfo(day, working, holiday, makeup, self.overrides.get(day))

    def next_working_day(self, day: date) -> date:
        """The first working day after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    # -- moments

    def localize(self, moment: datetime) -> datetime:
        """``moment`` as an aware datetime in the calendar's zone (naive means that zone)."""
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.zone)
        return moment.astimezone(self.zone)

    def _wall(self, day: date, minutes: int) -> datetime:
        local = datetime.combine(day, time(0), tzinfo=self.zone) + timedelta(minutes=minutes)
        if minutes == 24 * 60:
            local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone)
        return local.astimezone(UTC)

    def _periods_utc(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return []
        spans = [(self._wall(day, a), self._wall(day, b)) for a, b in self._minutes]
        return [(a, b) for a, b in spans if a < b]

    def working_periods_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working periods of ``day`` as aware datetimes; empty on a day off."""
        zone = self.zone
        return [(a.astimezone(zone), b.astimezone(zone)) for a, b in self._periods_utc(day)]

    def normalize(self, moment: datetime) -> datetime:
        """The moment itself in working time or at a period's end, else the next working moment."""
        return self.add_hours(moment, 0)

    def add_working_time(self, moment: datetime, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise InvalidInput(_("A working duration cannot be negative."))
        current = self.localize(moment).astimezone(UTC)
        day = current.astimezone(self.zone).date()
        remaining = delta
        while True:
            for start, end in self._periods_utc(day):
                if end < current:
                    continue
                begin = max(start, current)
                available = end - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(self.zone)
                remaining -= available
            day += timedelta(days=1)

    def add_hours(self, moment: datetime, hours: float) -> datetime:
        return self.add_working_time(moment, timedelta(hours=hours))

    def add_days(self, moment: datetime, days: int) -> datetime:
        if days < 0:
            raise InvalidInput(_("A working duration cannot be negative."))
        start = self.normalize(moment)
        day = start.date()
        for _step in range(days):
            day = self.next_working_day(day)
        wall = start.replace(tzinfo=None).time()
        return datetime.combine(day, wall, tzinfo=self.zone).astimezone(self.zone)

    def add(self, moment: datetime, duration: WorkingDuration | str) -> datetime:
        if isinstance(duration, str):
            duration = WorkingDuration.parse(duration)
        result = self.add_days(moment, duration.days) if duration.days else moment
        return self.add_working_time(result, duration.time)

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Working time from ``a`` to ``b``; negative when ``b`` is before ``a``."""
        start = self.localize(a).astimezone(UTC)
        end = self.localize(b).astimezone(UTC)
        if end < start:
            return -self.between(b, a)
        total = timedelta(0)
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last and self._wall(day, 0) < end:
            for p_start, p_end in self._periods_utc(day):
                overlap = min(p_end, end) - max(p_start, start)
                if overlap > timedelta(0):
                    total += overlap
            day += timedelta(days=1)
        return total


# ---------------------------------------------------------------- reading input


def parse_day(text: str, where: str = "") -> date:
    """A date written ``YYYY-MM-DD``; anything else is refused with a clear message."""
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        message = _("“%(value)s” is not a date; write YYYY-MM-DD.") % {"value": text}
        raise InvalidInput(message, [Problem(message, where=where)]) from None


def parse_moment(text: str, where: str = "") -> datetime:
    """An ISO 8601 moment (``2026-09-30T17:00``, optionally with an offset); a date means 00:00."""
    try:
        return datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        message = _("“%(value)s” is not a date and time; write e.g. 2026-09-30T17:00.") % {
            "value": text
        }
        raise InvalidInput(message, [Problem(message, where=where)]) from None
