"""Reading and writing the one-row-per-step table as CSV or XLSX.

This module knows files, headers and cell text, not the responsibility list:
:mod:`importer` and :mod:`exporter` give the cells their meaning.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from zipfile import BadZipFile

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FIELDS = (
    "process_code",
    "process_name",
    "process_name_en",
    "step_code",
    "step_name",
    "step_name_en",
    "responsible",
    "collaborators",
    "consulted",
    "informed",
)
REQUIRED = ("process_code", "step_code", "step_name", "responsible")

# Headers people write, normalized (see _normalize) → field.
ALIASES: dict[str, str] = {
    "流程编码": "process_code",
    "流程代码": "process_code",
    "流程名称": "process_name",
    "流程英文名称": "process_name_en",
    "流程名称(英文)": "process_name_en",
    "步骤编码": "step_code",
    "步骤代码": "step_code",
    "步骤名称": "step_name",
    "步骤英文名称": "step_name_en",
    "步骤名称(英文)": "step_name_en",
    "责任主体": "responsible",
    "责任部门": "responsible",
    "协同角色": "collaborators",
    "协同部门": "collaborators",
    "咨询": "consulted",
    "知会": "informed",
    "collaborator": "collaborators",
    "process_name_(english)": "process_name_en",
    "step_name_(english)": "step_name_en",
}

# Several departments in one cell: any of these separators, full-width or not.
SEPARATORS = re.compile("[;\uff1b\u3001,\uff0c\n]")


class TableError(ValueError):
    """The file cannot be read as a table at all."""


@dataclass
class Table:
    """Header cells and data rows, each row with its 1-based sheet row number."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def _normalize(header: str) -> str:
    text = header.strip().lower().replace("\uff08", "(").replace("\uff09", ")")
    return re.sub(r"[\s\-]+", "_", text)


def field_of(header: str) -> str | None:
    """The field a header names, or None for a column the import ignores."""
    key = _normalize(header)
    if key in FIELDS:
        return key
    return ALIASES.get(key)


def split_names(cell: str) -> list[str]:
    """The department names in one cell."""
    return [name.strip() for name in SEPARATORS.split(cell) if name.strip()]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("The CSV file is neither UTF-8 nor GB18030 text."))


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def is_xlsx(data: bytes, filename: str = "") -> bool:
    return data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx")


def read_table(data: bytes, filename: str = "") -> Table:
    """Read a CSV (UTF-8 with or without BOM, or GB18030) or XLSX file; blank rows are dropped."""
    cells = _read_xlsx(data) if is_xlsx(data, filename) else _read_csv(data)
    if not cells:
        raise TableError(_("The file is empty."))
    table = Table(header=cells[0])
    for number, row in enumerate(cells[1:], 2):
        if any(c for c in row):
            table.rows.append((number, row))
    return table


def column_letter(index: int) -> str:
    """The spreadsheet letter of 0-based column ``index`` (0 → A)."""
    return get_column_letter(index + 1)


def write_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELDS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(rows: list[list[str]], title: str = "responsibility") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(FIELDS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, name in enumerate(FIELDS):
        sheet.column_dimensions[column_letter(index)].width = 14 if "code" in name else 24
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
