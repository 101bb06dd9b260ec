"""``flowbridge demo``: load the demo company (idempotent) and print its sign-ins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flowbridge.core.errors import DomainError
from flowbridge.demo import history, loader
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
        # --- demo history (demo engineer) ---
        parser.add_argument(
            "--history",
            action="store_true",
            help="also deploy the demo processes and run a year of requests through the engine",
        )
        parser.add_argument(
            "--history-days",
            type=int,
            default=history.DAYS,
            metavar="N",
            help=f"with --history: how many days of requests up to now (default {history.DAYS})",
        )
        # --- end demo history ---
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
        if options["history"]:
            self._history(options["history_days"])
        self._print_sign_ins()

    def _history(self, days: int) -> None:
        """Run the demo history once; an existing one is kept (the command stays idempotent)."""
        if days < 1:
            raise CommandError("--history-days must be at least 1")
        if history.is_generated():
            self.stdout.write("The demo history is already there; nothing changed.")
            return
        self.stdout.write(f"Running {days} days of requests through the engine ...")
        try:
            summary = history.generate(days=days)
        except DomainError as exc:
            raise CommandError(f"could not generate the demo history: {exc}") from exc
        statuses = ", ".join(f"{count} {status}" for status, count in summary.by_status.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {summary.cases} requests from {summary.start:%Y-%m-%d} to "
                f"{summary.end:%Y-%m-%d} ({statuses}; {summary.actions} actions) "
                f"in {summary.seconds:.1f} s."
            )
        )

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
