"""Rows of form values for 批量发起 (bulk start): read from CSV (or JSON), located in the file.

Shared by ``flowbridge start --rows`` and the bulk start page. A CSV file's
header row names the fields by id; every other row is one request. The
bytes may be UTF-8 (with or without the BOM Excel writes) or GB18030
(Chinese Excel's "CSV"); pasted text may be tab-separated (copied from a
spreadsheet). Values stay strings: the form's own cleaning parses numbers,
dates and choices. An empty cell is left out so the field's default applies.
Attachments cannot be given in a file of values.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from flowbridge.core.errors import InvalidInput, Problem
from flowbridge.processes.formfields import FormSpec

ENCODINGS = ("utf-8-sig", "gb18030")
# Several choices in one cell: "a,b", "a;b" or with Chinese punctuation.
_CHOICE_SEPARATORS = re.compile("[,;\uff0c\uff1b\u3001]")
_ROW_WHERE = re.compile(r"^rows\[(\d+)\](?:\.(.+))?$")


@dataclass
class Rows:
    """The rows of values, and for each the line of the file it came from."""

    values: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def _refuse(message: str, where: str = "file", **located: Any) -> InvalidInput:
    return InvalidInput(message, problems=[Problem(message, where=where, **located)])


def decode(data: bytes) -> str:
    """The text of an uploaded file: UTF-8 (BOM or not), else GB18030; anything else is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise _refuse(
            _("The file is UTF-16 or binary, not CSV text; save it as CSV UTF-8 and try again.")
        )
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _refuse(
        _("The file is neither UTF-8 nor GB18030 text; save it as CSV UTF-8 and try again.")
    )


def _header_problems(header: list[str], spec: FormSpec) -> list[Problem]:
    known = {f.id: f for f in spec.fields if not f.readonly}
    problems: list[Problem] = []
    seen: set[str] = set()
    for number, name in enumerate(header, start=1):
        if not name:
            message = _("column %(number)d has no name in the header row") % {"number": number}
        elif name in seen:
            message = _('column "%(name)s" appears twice') % {"name": name[:60]}
        elif name not in known:
            message = _('"%(name)s" is not a field of this form (fields: %(fields)s)') % {
                "name": name[:60],
                "fields": ", ".join(known),
            }
        elif known[name].type == "attachment":
            message = _('"%(name)s" is an attachment; files cannot be given in a CSV file') % {
                "name": name
            }
        else:
            seen.add(name)
            continue
        problems.append(Problem(message, where=_("header"), column=name[:60]))
    for spec_field in known.values():
        wanted = spec_field.required and not spec_field.default
        if wanted and spec_field.type != "attachment" and spec_field.id not in header:
            message = _('the required column "%(id)s" (%(label)s) is missing') % {
                "id": spec_field.id,
                "label": spec_field.label,
            }
            problems.append(Problem(message, where=_("header"), column=spec_field.id))
    return problems


def _cell(spec: FormSpec, name: str, text: str) -> Any:
    spec_field = spec.field(name)
    if spec_field is not None and spec_field.type == "multichoice":
        return [part.strip() for part in _CHOICE_SEPARATORS.split(text) if part.strip()]
    return text


def parse_csv(text: str, spec: FormSpec) -> Rows:
    """The rows of a CSV text whose header row names the fields; InvalidInput naming each line."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise _refuse(
            _("The file is empty: give a header row of field ids and one row per request.")
        )
    first = text.lstrip().splitlines()[0]
    reader = csv.reader(io.StringIO(text.lstrip()), delimiter="\t" if "\t" in first else ",")
    try:
        header = [name.strip() for name in next(reader)]
        problems = _header_problems(header, spec)
        rows = Rows()
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            line = reader.line_num
            if len(cells) > len(header):
                message = _("line %(line)d has %(cells)d cells; the header has %(columns)d") % {
                    "line": line,
                    "cells": len(cells),
                    "columns": len(header),
                }
                problems.append(Problem(message, where=_("line %(line)d") % {"line": line}))
                continue
            values = {
                name: _cell(spec, name, cell.strip())
                for name, cell in zip(header, cells, strict=False)
                if cell.strip()
            }
            rows.values.append(values)
            rows.lines.append(line)
    except csv.Error as error:
        message = _("line %(line)d is not valid CSV: %(error)s") % {
            "line": reader.line_num,
            "error": error,
        }
        raise _refuse(message) from error
    if problems:
        raise InvalidInput(_("Nothing was started: the file has problems."), problems=problems)
    if not rows.values:
        raise _refuse(_("The file has a header row but no rows of values."))
    return rows


def parse_json(text: str) -> Rows:
    """A JSON list of objects of field values (rows numbered from 1, no lines)."""
    try:
        loaded = json.loads(text)
    except ValueError as error:
        raise _refuse(_("The file is not valid JSON: %(error)s") % {"error": error}) from error
    if not isinstance(loaded, list) or not all(isinstance(row, dict) for row in loaded):
        raise _refuse(_("The JSON file must hold a list of objects of field ids and values."))
    return Rows(values=loaded, lines=[])


def located(error: InvalidInput, rows: Rows) -> InvalidInput:
    """The service's ``rows[3].amount`` problems as row 4 (line 5), column amount."""
    problems: list[Problem] = []
    for problem in error.problems:
        match = _ROW_WHERE.match(problem.where)
        if match is None:
            problems.append(problem)
            continue
        index, column = int(match.group(1)), match.group(2) or ""
        if index < len(rows.lines):
            where = _("row %(row)d (line %(line)d)") % {
                "row": index + 1,
                "line": rows.lines[index],
            }
        else:
            where = _("row %(row)d") % {"row": index + 1}
        if column:
            where = f"{where}, {column}"
        problems.append(Problem(problem.message, where=where, row=index + 1, column=column or None))
    return InvalidInput(error.message, problems=problems)
