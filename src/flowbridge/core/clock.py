"""The one clock every part of Flowbridge reads.

No code calls ``datetime.now()`` directly: it calls :func:`now`, so tests and
simulations move time by installing a :class:`ManualClock` instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Return the current moment as an aware datetime."""
        ...


class SystemClock:
    """Wall-clock time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to; for tests and simulation."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time does not run backwards")
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = moment


_clock: Clock = SystemClock()


def now() -> datetime:
    """The current moment according to the installed clock."""
    return _clock.now()


def install(clock: Clock) -> Clock:
    """Install ``clock`` process-wide and return the one it replaces."""
    global _clock
    previous, _clock = _clock, clock
    return previous


@contextmanager
def using(clock: Clock) -> Iterator[Clock]:
    """Run a block under ``clock``, restoring the previous one afterwards."""
    previous = install(clock)
    try:
        yield clock
    finally:
        install(previous)
