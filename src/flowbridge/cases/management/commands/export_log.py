"""``flowbridge export-log --process KEY [--format xes|csv] [--from D --to D] OUT``."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from flowbridge.cases import export
from flowbridge.cases.management.commands._cli import add_language, reported


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from error


class Command(BaseCommand):
    help = "Export a process's event log as XES (default) or CSV to OUT ('-': standard output)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("out", help="file to write, or - for standard output")
        parser.add_argument("--process", required=True, help="process key")
        parser.add_argument("--format", choices=["xes", "csv"], default=None)
        parser.add_argument("--process-version", dest="number", type=int, help="only this version")
        parser.add_argument("--from", dest="since", help="first day, YYYY-MM-DD (inclusive)")
        parser.add_argument("--to", dest="until", help="last day, YYYY-MM-DD (inclusive)")
        parser.add_argument("--lifecycle", default="", help="e.g. complete or assign,complete")
        add_language(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        out: str = options["out"]
        kind = options["format"] or ("csv" if out.lower().endswith(".csv") else "xes")
        since = _day(options["since"]) if options["since"] else None
        until = _day(options["until"]) if options["until"] else None
        with reported(self.stderr, options["language"]):
            selection = export.Selection(
                process=options["process"],
                version=options["number"],
                since=since,
                until=until,
                lifecycles=export.lifecycles_from(options["lifecycle"]),
            )
            rows = export.events(selection)
            count = rows.count()
            chunks: Iterator[bytes]
            if kind == "csv":
                chunks = (line.encode() for line in export.events_csv(rows))
            else:
                chunks = export.events_xes(rows)
            if out == "-":
                for chunk in chunks:
                    sys.stdout.buffer.write(chunk)
                sys.stdout.flush()
                return
            try:
                with Path(out).open("wb") as handle:
                    for chunk in chunks:
                        handle.write(chunk)
            except OSError as error:
                raise CommandError(f"cannot write {out}: {error.strerror or error}") from error
        self.stderr.write(f"{count} events written to {out} ({kind})")
