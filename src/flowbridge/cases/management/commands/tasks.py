"""``flowbridge tasks --as EMPLOYEE_NO [--json]``: a person's open work items."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from flowbridge.cases import queries
from flowbridge.cases.management.commands._cli import actor, add_language, reported
from flowbridge.cases.services import person_of


class Command(BaseCommand):
    help = "List a person's open tasks: item id, request, step, title (or JSON)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--as", dest="employee_no", required=True, help="whose tasks")
        parser.add_argument("--json", action="store_true", help="print a JSON array")
        add_language(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = actor(options["employee_no"])
        with reported(self.stderr, options["language"]):
            items = list(queries.inbox(person_of(user)))
            rows = [
                {
                    "item_id": item.pk,
                    "case_id": item.case_id,
                    "reference": item.case.reference,
                    "title": item.case.title,
                    "process": item.case.definition.key,
                    "step": item.step.name,
                    "purpose": item.purpose,
                    "due_at": item.due_at.isoformat() if item.due_at else None,
                }
                for item in items
            ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['item_id']}\t{row['reference']}\t{row['step']}\t{row['title']}"
            )
