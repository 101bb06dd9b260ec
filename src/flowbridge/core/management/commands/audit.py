"""``flowbridge audit``: verify the hash chain of the audit log, list entries.

flowbridge audit verify        → OK: N entries, chain intact   (exit 0)
                               → TAMPERED: entry #K: reason    (exit 1)
flowbridge audit list [--limit N] [--object-type T]
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, no_translations

from flowbridge.core.audit import verify
from flowbridge.core.models import AuditEntry


class Command(BaseCommand):
    help = "Audit log: verify the hash chain, list entries."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="action")
        sub.add_parser("verify", help="check that no entry was edited, deleted or inserted")
        listing = sub.add_parser("list", help="the newest entries, newest first")
        listing.add_argument("--limit", type=int, default=20)
        listing.add_argument("--object-type", default="", help="e.g. org.department")

    @no_translations  # output for scripts and operators stays English
    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            result = verify()
            if result.ok:
                self.stdout.write(f"OK: {result.checked} entries, chain intact")
                return
            self.stdout.write(f"TAMPERED: entry #{result.problem_seq}: {result.reason}")
            raise SystemExit(1)
        entries = AuditEntry.objects.order_by("-seq")
        if options["object_type"]:
            entries = entries.filter(object_type=options["object_type"])
        for entry in entries[: max(options["limit"], 0)]:
            changes = json.dumps(entry.changes, ensure_ascii=False, sort_keys=True)
            self.stdout.write(
                f"#{entry.seq}\t{entry.at.isoformat(timespec='seconds')}\t{entry.actor_name}\t"
                f"{entry.action}\t{entry.object_type}:{entry.object_id}\t{entry.object_repr}\t"
                f"{changes}"
            )
