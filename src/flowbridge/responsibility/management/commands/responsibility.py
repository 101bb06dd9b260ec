"""``flowbridge responsibility import FILE`` / ``flowbridge responsibility export OUT``."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from flowbridge.core.errors import DomainError
from flowbridge.responsibility import exporter, services
from flowbridge.responsibility.importer import import_table


class Command(BaseCommand):
    help = "Import or export responsibility lists (XLSX or CSV, one row per step)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="import a file: every process, or nothing")
        load.add_argument("file", type=Path)
        load.add_argument("--dry-run", action="store_true", help="only show what would change")
        load.add_argument("--as", dest="username", help="user recorded as author (default: system)")
        load.add_argument("--note", default="", help="note stored with each new version")
        save = actions.add_parser("export", help="export to OUT.xlsx or OUT.csv")
        save.add_argument("out", type=Path)
        save.add_argument("--process", help="only this process code")
        save.add_argument("--version", type=int, help="version of --process (default: current)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)
        else:
            self._export(options)

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        actor = None
        if options["username"]:
            actor = get_user_model().objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(f"no user named {options['username']}")
        try:
            data = path.read_bytes()
            dry_run, note = options["dry_run"], options["note"]
            result = import_table(actor, data, path.name, dry_run=dry_run, note=note)
        except DomainError as error:
            self.stderr.write(error.message)
            for problem in error.problems:
                self.stderr.write(str(problem))
            sys.exit(1)
        prefix = "would be " if result.dry_run else ""
        for plan in result.plans:
            version = f" → v{plan.version.number}" if plan.version else ""
            renamed = ", renamed" if plan.renamed else ""
            self.stdout.write(
                f"{plan.code}: {prefix}{plan.status}{renamed} {plan.diff.summary}{version}"
            )

    def _export(self, options: dict[str, Any]) -> None:
        out: Path = options["out"]
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in {"xlsx", "csv"}:
            raise CommandError("the output file must end in .xlsx or .csv")
        try:
            if options["version"] is not None:
                if not options["process"]:
                    raise CommandError("--version needs --process")
                process = services.get_process(options["process"])
                versions = [services.get_version(process, options["version"])]
            else:
                if options["process"]:
                    services.get_process(options["process"])
                versions = exporter.current_versions(options["process"])
        except DomainError as error:
            raise CommandError(error.message) from error
        out.write_bytes(exporter.export(fmt, versions))
        steps = len(exporter.rows_of(versions))
        self.stdout.write(f"wrote {len(versions)} process(es), {steps} step(s) to {out}")
