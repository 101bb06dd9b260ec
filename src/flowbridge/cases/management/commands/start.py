"""``flowbridge start KEY --as EMPLOYEE_NO [--value k=v ...] [--json FILE]``: start a request.

``--rows FILE`` (a .csv with a header row of field ids, or a .json list of
objects) starts one request per row instead (批量发起), all or none, and
prints ``<reference> <id>`` for each.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from flowbridge.cases import bulk, services
from flowbridge.cases import rows as _rows
from flowbridge.cases.management.commands._cli import actor, add_language, reported
from flowbridge.core.errors import InvalidInput
from flowbridge.processes import forms
from flowbridge.processes.services import get_definition, get_version


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


def _read(path: Path) -> bytes:
    if path.suffix.lower() not in (".csv", ".json"):
        raise CommandError(f"--rows {path}: give a .csv or .json file")
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}") from error


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
        parser.add_argument(
            "--rows",
            type=Path,
            metavar="FILE",
            help="start one request per row: a .csv (header row of field ids) or a .json list",
        )
        add_language(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = actor(options["employee_no"])
        if options["rows"] is not None:
            if options["value"] or options["json"] or options["title"]:
                raise CommandError("--rows cannot be combined with --value, --json or --title")
            self._start_many(user, options)
            return
        values = _values(options)
        with reported(self.stderr, options["language"]):
            case = services.start_case(user, options["key"], values, title=options["title"])
        self.stdout.write(f"{case.reference} {case.pk}")

    def _start_many(self, user: Any, options: dict[str, Any]) -> None:
        path: Path = options["rows"]
        data = _read(path)
        with reported(self.stderr, options["language"]):
            definition = get_definition(options["key"])
            rows = _rows.Rows()
            try:
                if path.suffix.lower() == ".json":
                    rows = _rows.parse_json(_rows.decode(data))
                else:
                    spec = forms.form_for(get_version(definition))
                    rows = _rows.parse_csv(_rows.decode(data), spec)
                cases = bulk.start_many(user, definition, rows.values)
            except InvalidInput as error:
                raise _rows.located(error, rows) from error
        for case in cases:
            self.stdout.write(f"{case.reference} {case.pk}")
