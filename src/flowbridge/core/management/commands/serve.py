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

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from flowbridge.wsgi import application

        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"Flowbridge is running on {url}  (Ctrl+C stops it)"))
        serve(
            application,
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            ident="flowbridge",
        )
