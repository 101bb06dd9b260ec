"""``flowbridge bpmn validate FILE...``: judge BPMN files without storing them."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from flowbridge.processes.bpmn import judge


class Command(BaseCommand):
    help = "Judge BPMN files: one line per file, OK <file> or REFUSED <file>: <reason>."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        validate = actions.add_parser(
            "validate", help="judge each file; exit 0 once all are judged"
        )
        validate.add_argument("files", nargs="+", type=Path)
        validate.add_argument(
            "--language", default="en", help="language of the reasons (en or zh-hans)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unreadable = 0
        with translation.override(options["language"]):
            for path in options["files"]:
                try:
                    data = path.read_bytes()
                except OSError as error:
                    unreadable += 1
                    self.stdout.write(f"REFUSED {path}: cannot read: {error.strerror or error}")
                    continue
                self.stdout.write(judge(data, path.name).line(str(path)))
        if unreadable:
            # A file that cannot be read was not judged: a usage error, like a bad option.
            sys.exit(2)
