"""``flowbridge complete ITEM_ID [ITEM_ID ...] --as EMPLOYEE_NO --decision approved|rejected|done``.

One id decides that task and prints the case's reference and status. More
ids are decided together (批量审批): one line per task, in the order given,
``<id> ok <reference> <status>`` or ``<id> failed: <reason>``; the exit code
is 1 when any of them failed.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from flowbridge.cases import bulk, services
from flowbridge.cases.management.commands._cli import actor, add_language, reported


class Command(BaseCommand):
    help = (
        "Decide tasks: approve, reject (with --comment) or mark done; prints the case status "
        "(one line per task when several ids are given)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "item_id", type=int, nargs="+", help="task (work item) ids, see `tasks`"
        )
        parser.add_argument("--as", dest="employee_no", required=True, help="who decides")
        parser.add_argument("--decision", required=True, choices=["approved", "rejected", "done"])
        parser.add_argument("--comment", default="", help="comment (required to reject)")
        add_language(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = actor(options["employee_no"])
        ids: list[int] = options["item_id"]
        if len(ids) == 1:
            with reported(self.stderr, options["language"]):
                case = services.decide(
                    user, ids[0], options["decision"], comment=options["comment"]
                )
            self.stdout.write(f"{case.reference} {case.status}")
            return
        with reported(self.stderr, options["language"]):
            outcomes = bulk.decide_many(user, ids, options["decision"], comment=options["comment"])
        for outcome in outcomes:
            if outcome.ok and outcome.case is not None:
                case = outcome.case
                self.stdout.write(f"{outcome.item_id} ok {case.reference} {case.status}")
            else:
                self.stdout.write(f"{outcome.item_id} failed: {outcome.error}")
        if not all(o.ok for o in outcomes):
            sys.exit(1)
