"""``flowbridge migrate-cases KEY --to N [--dry-run]``: move running requests to version N."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from flowbridge.cases.migration import migrate_running
from flowbridge.core.errors import DomainError
from flowbridge.processes.services import get_definition


class Command(BaseCommand):
    help = "Move the running requests of a process to another version (checked per request)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key", help="process key")
        parser.add_argument("--to", type=int, required=True, help="target version number")
        parser.add_argument("--dry-run", action="store_true", help="only check, change nothing")
        parser.add_argument("--as", dest="username", default="", help="act as this user")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["username"]:
            actor = get_user_model().objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(f"no user {options['username']}")
        try:
            moved, refused = migrate_running(
                actor, get_definition(options["key"]), options["to"], dry_run=options["dry_run"]
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        verb = "can move" if options["dry_run"] else "moved"
        for case in moved:
            self.stdout.write(f"{verb} {case.reference}")
        for case, problems in refused.items():
            reasons = "; ".join(p.message for p in problems)
            self.stdout.write(f"REFUSED {case.reference}: {reasons}")
        self.stdout.write(f"{len(moved)} {verb}, {len(refused)} refused")
