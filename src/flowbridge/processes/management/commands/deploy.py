"""``flowbridge deploy FILE [--key K] [--note N] [--as USER]``: deploy a BPMN file as a version."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from flowbridge.core.errors import DomainError
from flowbridge.processes import services


class Command(BaseCommand):
    help = "Deploy a BPMN file as the next version of its process definition."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--key", help="definition key (default: from the BPMN process id)")
        parser.add_argument("--note", default="", help="note stored with the version")
        parser.add_argument("--name", help="display name of a new definition")
        parser.add_argument(
            "--as", dest="username", help="user recorded as deployer (default: system)"
        )
        parser.add_argument("--language", default="en", help="language of messages (en or zh-hans)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror or error}") from error
        actor = None
        if options["username"]:
            actor = get_user_model().objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(f"no user named {options['username']}")
        with translation.override(options["language"]):
            try:
                version = services.deploy(
                    actor,
                    data,
                    path.name,
                    key=options["key"],
                    name=options["name"],
                    note=options["note"],
                )
            except DomainError as error:
                self.stderr.write(error.message)
                for problem in error.problems[1:]:
                    self.stderr.write(f"  - {problem}")
                sys.exit(1)
        self.stdout.write(f"deployed {version.definition.key} version {version.number}")
