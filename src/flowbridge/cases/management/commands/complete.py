"""``flowbridge complete ITEM_ID --as EMPLOYEE_NO --decision approved|rejected|done``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from flowbridge.cases import services
from flowbridge.cases.management.commands._cli import actor, add_language, reported


class Command(BaseCommand):
    help = "Decide a task: approve, reject (with --comment) or mark done; prints the case status."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("item_id", type=int, help="task (work item) id, see `tasks`")
        parser.add_argument("--as", dest="employee_no", required=True, help="who decides")
        parser.add_argument("--decision", required=True, choices=["approved", "rejected", "done"])
        parser.add_argument("--comment", default="", help="comment (required to reject)")
        add_language(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = actor(options["employee_no"])
        with reported(self.stderr, options["language"]):
            case = services.decide(
                user, options["item_id"], options["decision"], comment=options["comment"]
            )
        self.stdout.write(f"{case.reference} {case.status}")
