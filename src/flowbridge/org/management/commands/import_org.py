"""``flowbridge import-org FILE [FILE...] [--dry-run] [--as USERNAME]``."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from flowbridge.core.errors import DomainError
from flowbridge.org.importexport import import_org
from flowbridge.org.management.commands._actor import actor_for


class Command(BaseCommand):
    help = (
        "Import departments, people, liaisons and delegations from an XLSX workbook or CSV "
        "files (one per sheet). All or nothing: on any problem nothing is written, every "
        "problem is printed and the command exits with status 1."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, help="XLSX workbook or CSV files")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--as", dest="username", help="act as this user (default: the system)")
        parser.add_argument(
            "--language", default="en", help="language of the problems: en (default) or zh-hans"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files = []
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            files.append((path.name, path.read_bytes()))
        actor = actor_for(options["username"])
        try:
            with translation.override(options["language"]):
                result = import_org(actor, files, dry_run=options["dry_run"])
        except DomainError as exc:
            with translation.override(options["language"]):
                self.stderr.write(exc.message)
                for problem in exc.problems:
                    self.stderr.write(str(problem))
            raise SystemExit(1) from exc
        for line in result.summary_lines():
            self.stdout.write(line)
