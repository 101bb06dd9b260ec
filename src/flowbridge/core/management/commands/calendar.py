"""``flowbridge calendar``: working-time arithmetic on the company calendar.

    flowbridge calendar add 2026-09-30T17:00 3d        → 2026-10-10T17:00:00+08:00
    flowbridge calendar between A B [--seconds]         → PT7H30M
    flowbridge calendar is-working-day 2026-10-10       → yes: make-up working day (调休)

Errors go to stderr with exit code 2.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from flowbridge.core.calendar_services import company_calendar
from flowbridge.core.errors import DomainError
from flowbridge.core.models import CalendarOverride
from flowbridge.core.workcalendar import (
    WorkingCalendar,
    WorkingDuration,
    duration_isoformat,
    parse_day,
    parse_moment,
)


class Command(BaseCommand):
    help = "Working-time arithmetic on the company calendar: add, between, is-working-day."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="action")
        add = sub.add_parser("add", help="moment + working duration (3d, 4h30m, P1DT2H)")
        add.add_argument("start", help="ISO 8601 moment, e.g. 2026-09-30T17:00")
        add.add_argument("duration", help="3d, 4h, 30m, 1d4h30m, P3D, PT4H30M …")
        between = sub.add_parser("between", help="working time from A to B")
        between.add_argument("start")
        between.add_argument("end")
        between.add_argument("--seconds", action="store_true", help="print seconds")
        day = sub.add_parser("is-working-day", help="yes/no with the reason")
        day.add_argument("date", help="YYYY-MM-DD")

    @no_translations  # output for scripts and operators stays English
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            calendar = company_calendar()
            action = options["action"]
            if action == "add":
                start = parse_moment(options["start"], "start")
                duration = WorkingDuration.parse(options["duration"])
                self.stdout.write(calendar.add(start, duration).isoformat())
            elif action == "between":
                worked = calendar.between(
                    parse_moment(options["start"], "start"), parse_moment(options["end"], "end")
                )
                if options["seconds"]:
                    self.stdout.write(str(int(worked.total_seconds())))
                else:
                    self.stdout.write(duration_isoformat(worked))
            else:
                self.stdout.write(_day_answer(calendar, options["date"]))
        except DomainError as error:
            raise CommandError(str(error), returncode=2) from error


def _day_answer(calendar: WorkingCalendar, text: str) -> str:
    day = parse_day(text, "date")
    info = calendar.day_info(day)
    answer = "yes" if info.is_working_day else "no"
    if info.override is not None:
        reason = CalendarOverride.objects.filter(date=day).values_list("reason", flat=True).first()
        kind = "extra working day" if info.override else "company closure"
        return f"{answer}: company override, {kind}" + (f" ({reason})" if reason else "")
    if info.makeup_day:
        return f"{answer}: make-up working day (调休)"
    if info.holiday:
        return f"{answer}: {info.holiday}"
    if day.weekday() >= 5:
        return f"{answer}: weekend"
    return f"{answer}: ordinary weekday" if info.is_working_day else f"{answer}: day off"
