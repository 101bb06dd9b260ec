"""``flowbridge refresh-logs``: (re)build the datasets of Flowbridge's own processes, now.

For a nightly cron job, or after loading the demo: every process with
requests gets (or refreshes) its dataset, built in this process without a
worker; one line per process says what was read.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from flowbridge.diagnosis import importing, services
from flowbridge.diagnosis.engine_log import processes_with_cases
from flowbridge.diagnosis.models import Status
from flowbridge.diagnosis.tasks import build_from_engine


class Command(BaseCommand):
    help = "Build or refresh the diagnosis dataset of every process that has requests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("process", nargs="*", help="process keys (default: all with requests)")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = set(options["process"])
        for process in processes_with_cases():
            if wanted and process.key not in wanted:
                continue
            dataset = services.refresh_engine(None, process, enqueue=False)
            importing.run(dataset.pk, build_from_engine)
            dataset.refresh_from_db()
            if dataset.status == Status.READY:
                self.stdout.write(
                    f"{process.key}: {dataset.events} events, {dataset.cases} cases "
                    f"(dataset {dataset.pk})"
                )
            else:
                self.stderr.write(f"{process.key}: {dataset.error}")
