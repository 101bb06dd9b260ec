"""``flowbridge export-org OUT.xlsx`` or ``flowbridge export-org OUTDIR --format csv``."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from flowbridge.org.importexport import export_csv_dir, export_xlsx
from flowbridge.org.management.commands._actor import actor_for


class Command(BaseCommand):
    help = (
        "Export the organization in the import format: an XLSX workbook, or with "
        "--format csv a folder of CSV files (UTF-8 with BOM)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("out", type=Path, help="OUT.xlsx, or a folder for --format csv")
        parser.add_argument("--format", choices=["xlsx", "csv"], default=None)
        parser.add_argument("--as", dest="username", help="export what this user may see")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        fmt = options["format"] or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
        actor = actor_for(options["username"])
        if fmt == "xlsx":
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(export_xlsx(actor))
            self.stdout.write(f"wrote {out}")
        else:
            for path in export_csv_dir(actor, out):
                self.stdout.write(f"wrote {path}")
