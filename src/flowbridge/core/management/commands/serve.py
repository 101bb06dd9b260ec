"""Serve the web UI and API with waitress (a production WSGI server in pure Python)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Flowbridge over HTTP (default http://127.0.0.1:8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not run background jobs in this process (run `flowbridge worker` instead)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from flowbridge.core.jobs import start_in_thread
        from flowbridge.wsgi import application

        if not options["no_worker"]:
            # The embedded set-up (SQLite, one machine) then needs no second command.
            start_in_thread()

        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"Flowbridge is running on {url}  (Ctrl+C stops it)"))
        serve(
            application,
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            ident="flowbridge",
        )
