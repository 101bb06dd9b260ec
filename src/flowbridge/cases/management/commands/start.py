"""``flowbridge start KEY --as EMPLOYEE_NO [--value k=v ...] [--json FILE]``: start a request."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from flowbridge.cases import services
from flowbridge.cases.management.commands._cli import actor, add_language, reported


def _values(options: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if options["json"]:
        path: Path = options["json"]
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror or error}") from error
        except ValueError as error:
            raise CommandError(f"{path} is not valid JSON: {error}") from error
        if not isinstance(loaded, dict):
            raise CommandError(f"{path} must hold a JSON object of field ids and values")
        values.update(loaded)
    for pair in options["value"] or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CommandError(f"--value {pair!r} is not KEY=VALUE")
        values[key] = value
    return values


class Command(BaseCommand):
    help = "Start a request of process KEY as a person; prints its reference and id."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("key", help="process key")
        parser.add_argument("--as", dest="employee_no", required=True, help="requester")
        parser.add_argument(
            "--value", action="append", metavar="KEY=VALUE", help="a form value (repeatable)"
        )
        parser.add_argument("--json", type=Path, help="a JSON file of form values")
        parser.add_argument("--title", default="", help="title (default: from the process)")
        add_language(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = actor(options["employee_no"])
        values = _values(options)
        with reported(self.stderr, options["language"]):
            case = services.start_case(user, options["key"], values, title=options["title"])
        self.stdout.write(f"{case.reference} {case.pk}")
