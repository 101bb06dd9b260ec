"""``flowbridge demo``: load the demo company (idempotent) and print its sign-ins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flowbridge.core.errors import DomainError
from flowbridge.demo import loader
from flowbridge.demo.company import DEMO_PASSWORD

URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = "Load the demo company, its people and responsibility lists; print the sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="wipe departments, people and responsibility lists first, then load again",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="with --reset: wipe even when the database holds data that is not the demo's",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["force"] and not options["reset"]:
            raise CommandError("--force only makes sense with --reset")
        if options["reset"]:
            foreign = loader.foreign_data()
            if foreign and not options["force"]:
                raise CommandError(
                    "refusing to reset: the database holds data that is not the demo's ("
                    + "; ".join(foreign)
                    + "). Add --force to wipe it anyway."
                )
            loader.reset()
            self.stdout.write("Removed the organization and responsibility lists.")
        if loader.is_loaded():
            self.stdout.write("The demo company is already loaded; nothing changed.")
        else:
            try:
                summary = loader.load()
            except DomainError as exc:
                raise CommandError(f"could not load the demo: {exc}") from exc
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the demo company: {summary.departments} departments, "
                    f"{summary.people} people, {summary.processes} responsibility lists "
                    f"({summary.versions} versions)."
                )
            )
        self._print_sign_ins()

    def _print_sign_ins(self) -> None:
        rows = loader.sign_ins()
        width = max(len(r.username) for r in rows)
        self.stdout.write("")
        self.stdout.write(f"Open {URL} (start the server with `flowbridge serve`) and sign in as:")
        self.stdout.write("")
        self.stdout.write(f"  {'user name'.ljust(width)}  who")
        for row in rows:
            self.stdout.write(f"  {row.username.ljust(width)}  {row.name}, {row.description}")
        self.stdout.write("")
        self.stdout.write(f"Password for all: {DEMO_PASSWORD}")
