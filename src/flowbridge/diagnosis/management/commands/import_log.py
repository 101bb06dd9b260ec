"""``flowbridge import-log FILE --name NAME``: import an event log as a dataset, now, and report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flowbridge.core.errors import DomainError
from flowbridge.diagnosis import importing, services
from flowbridge.diagnosis.models import Dataset, Status

CHUNK = 1024 * 1024


def _chunks(path: Path) -> Any:
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            yield block


class Command(BaseCommand):
    help = (
        "Import an event log (XES, XES.GZ, CSV, Parquet, OCEL 2.0) as a diagnosis dataset, "
        "without a worker, and print what was read and what was skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the log file")
        parser.add_argument("--name", default="", help="the dataset's name (default: file name)")
        for role in services.MAPPING_ROLES:
            flag = "--" + role.replace("_", "-")
            parser.add_argument(flag, dest=role, default=None, help=f"CSV column of the {role}")
        parser.add_argument("--timezone", default=None, help="zone of times without offset")
        parser.add_argument("--object-type", default=None, help="OCEL: the object type to follow")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        mapping = {role: options[role] for role in services.MAPPING_ROLES if options[role]}
        if options["timezone"]:
            mapping["timezone"] = options["timezone"]
        if options["object_type"]:
            mapping["object_type"] = options["object_type"]
        try:
            dataset = services.create_upload(
                None,
                filename=path.name,
                chunks=_chunks(path),
                size=path.stat().st_size,
                name=options["name"],
                mapping=mapping,
                enqueue=False,
            )
        except DomainError as error:
            where = "; ".join(f"{p.where}: {p.message}" for p in error.problems if p.where)
            raise CommandError(where or error.message, returncode=2) from error
        importing.run(dataset.pk, importing.build_from_upload)
        dataset.refresh_from_db()
        if dataset.status != Status.READY:
            message = dataset.error.replace("\n", " ").strip()
            services.remove_failed(dataset)
            raise CommandError(message, returncode=2)
        self._report(dataset)

    def _report(self, dataset: Dataset) -> None:
        report = dataset.import_report
        self.stdout.write(
            f"dataset {dataset.pk} {dataset.name!r}: {dataset.events} events, {dataset.cases} cases"
        )
        for entry in report.get("skipped", []):
            examples = "; ".join(entry["examples"])
            line = f"  {entry['count']} rows skipped: {entry['reason']}"
            self.stdout.write(line + (f" (e.g. {examples})" if examples else ""))
        for entry in report.get("notes", []):
            self.stdout.write(f"  {entry['count']} time(s): {entry['reason']}")
