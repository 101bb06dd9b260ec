"""The organization file format: four sheets, their columns, XLSX and CSV reading and writing.

A workbook has the sheets ``Departments``, ``People``, ``Liaisons`` and
``Delegations`` (or their Chinese names), each with a header row. As CSV,
each sheet is its own file and is recognized from its header row. Headers
may be the English column names or the Chinese ones of :data:`SHEETS`.
CSV files may be UTF-8 (with or without BOM) or GB18030, as Chinese Excel
writes them. Rows are numbered as the user sees them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from flowbridge.core.errors import Problem

Cell = str | date  # what a read cell becomes
Value = str | int | date  # what an export writes


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    name: str
    zh: str
    columns: tuple[Column, ...]
    required: tuple[str, ...]
    filename: str

    @property
    def field_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def field_for(self, header: str) -> str | None:
        wanted = _normal(header)
        for column in self.columns:
            if wanted in {_normal(h) for h in (column.name, column.zh, *column.aliases)}:
                return column.name
        return None


def _normal(header: str) -> str:
    return header.strip().lower().replace(" ", "_").replace("\ufeff", "")


# The one mapping table of sheet and column names, English and Chinese.
DEPARTMENTS = Sheet(
    "Departments",
    "部门",
    (
        Column("code", "部门编码", ("编码",)),
        Column("name", "名称", ("部门名称",)),
        Column("name_en", "英文名称"),
        Column("kind", "类型"),
        Column("parent_code", "上级部门编码"),
        Column("head_employee_no", "负责人工号"),
        Column("sort_order", "排序"),
    ),
    required=("code", "name"),
    filename="departments.csv",
)
PEOPLE = Sheet(
    "People",
    "人员",
    (
        Column("employee_no", "工号"),
        Column("name", "姓名"),
        Column("name_en", "英文名", ("英文姓名",)),
        Column("department_code", "部门编码"),
        Column("title", "职务", ("职位",)),
        Column("email", "邮箱", ("电子邮箱",)),
        Column("phone", "电话", ("手机",)),
        Column("roles", "角色"),
        Column("username", "用户名", ("账号",)),
    ),
    required=("employee_no", "name", "department_code"),
    filename="people.csv",
)
LIAISONS = Sheet(
    "Liaisons",
    "协作接口人",
    (
        Column("department_code", "部门编码"),
        Column("employee_no", "工号"),
        Column("position", "序号"),
    ),
    required=("department_code", "employee_no"),
    filename="liaisons.csv",
)
DELEGATIONS = Sheet(
    "Delegations",
    "委托",
    (
        Column("employee_no", "工号", ("委托人工号",)),
        Column("deputy_employee_no", "代理人工号"),
        Column("starts_on", "开始日期"),
        Column("ends_on", "结束日期"),
        Column("reason", "原因", ("事由",)),
    ),
    required=("employee_no", "deputy_employee_no", "starts_on", "ends_on"),
    filename="delegations.csv",
)
SHEETS = (DEPARTMENTS, PEOPLE, LIAISONS, DELEGATIONS)
# Department kinds may also be written as their Chinese labels.
KIND_ALIASES = {
    "公司": "company",
    "管理层": "management",
    "事业部": "division",
    "部门": "department",
}


@dataclass(frozen=True)
class Row:
    """One data row: cell values by field name, and where each came from."""

    sheet: Sheet
    number: int
    values: dict[str, Cell]
    letters: dict[str, str]

    def text(self, name: str) -> str:
        value = self.values.get(name, "")
        return value.isoformat() if isinstance(value, date) else value

    def problem(self, name: str, message: str) -> Problem:
        letter = self.letters.get(name)
        if letter is None:
            where = _("%(sheet)s row %(row)d") % {"sheet": self.sheet.name, "row": self.number}
        else:
            where = _("%(sheet)s row %(row)d, column %(letter)s (%(column)s)") % {
                "sheet": self.sheet.name,
                "row": self.number,
                "letter": letter,
                "column": name,
            }
        return Problem(message, where=where, row=self.number, column=letter)


@dataclass
class Table:
    sheet: Sheet
    source: str
    rows: list[Row] = field(default_factory=list)


def _cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_problem(sheet: Sheet | None, source: str, message: str, letter: str = "") -> Problem:
    name = sheet.name if sheet is not None else source
    where = _("%(sheet)s row 1") % {"sheet": name}
    if letter:
        where = _("%(sheet)s row 1, column %(letter)s") % {"sheet": name, "letter": letter}
    return Problem(message, where=where, row=1, column=letter or None)


def _table(
    sheet: Sheet, source: str, header: Sequence[object], body: Iterable[Sequence[object]]
) -> tuple[Table | None, list[Problem]]:
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        text = str(_cell(raw))
        if not text:
            continue
        name = sheet.field_for(text)
        letter = get_column_letter(index + 1)
        if name is None:
            problems.append(
                _header_problem(
                    sheet, source, _('unknown column "%(column)s"') % {"column": text}, letter
                )
            )
        elif name in positions:
            problems.append(
                _header_problem(
                    sheet, source, _('column "%(column)s" appears twice') % {"column": name}, letter
                )
            )
        else:
            positions[name] = index
    for name in sheet.required:
        if name not in positions:
            problems.append(
                _header_problem(sheet, source, _('missing column "%(column)s"') % {"column": name})
            )
    if problems:
        return None, problems
    table = Table(sheet, source)
    letters = {name: get_column_letter(i + 1) for name, i in positions.items()}
    for number, cells in enumerate(body, start=2):
        values = {name: _cell(cells[i]) if i < len(cells) else "" for name, i in positions.items()}
        if any(v != "" for v in values.values()):
            table.rows.append(Row(sheet, number, values, letters))
    return table, []


def _sheet_by_name(title: str) -> Sheet | None:
    wanted = _normal(title)
    return next((s for s in SHEETS if wanted in {_normal(s.name), _normal(s.zh)}), None)


def _sheet_by_header(header: Sequence[object]) -> Sheet | None:
    texts = [str(_cell(h)) for h in header if str(_cell(h))]
    fits = [
        s
        for s in SHEETS
        if all(s.field_for(t) for t in texts)
        and all(any(s.field_for(t) == r for t in texts) for r in s.required)
    ]
    return fits[0] if len(fits) == 1 else None


def read_xlsx(name: str, content: bytes) -> tuple[list[Table], list[Problem]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return [], [Problem(_("%(file)s is not an XLSX workbook") % {"file": name}, where=name)]
    tables: list[Table] = []
    problems: list[Problem] = []
    try:
        for worksheet in workbook.worksheets:
            sheet = _sheet_by_name(worksheet.title)
            if sheet is None:
                continue  # e.g. a sheet of notes beside the data
            rows = list(worksheet.iter_rows(values_only=True))
            if not rows:
                continue
            table, found = _table(sheet, name, rows[0], rows[1:])
            problems += found
            if table is not None:
                tables.append(table)
    finally:
        workbook.close()
    return tables, problems


def decode_csv(content: bytes) -> str:
    """UTF-8 (BOM or not) first; Chinese Excel's GB18030 otherwise."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("gb18030")


def read_csv(name: str, content: bytes) -> tuple[list[Table], list[Problem]]:
    try:
        text = decode_csv(content)
    except UnicodeDecodeError:
        message = _("%(file)s is neither UTF-8 nor GB18030 text") % {"file": name}
        return [], [Problem(message, where=name)]
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return [], [Problem(_("%(file)s is empty") % {"file": name}, where=name)]
    sheet = _sheet_by_header(rows[0])
    if sheet is None:
        expected = "; ".join(f"{s.name}: {', '.join(s.field_names)}" for s in SHEETS)
        message = _(
            "%(file)s: the header row matches none of the sheets (expected columns — %(expected)s)"
        ) % {"file": name, "expected": expected}
        return [], [Problem(message, where=name, row=1)]
    table, problems = _table(sheet, name, rows[0], rows[1:])
    return ([table] if table is not None else []), problems


def read_files(files: Sequence[tuple[str, bytes]]) -> tuple[dict[str, Table], list[Problem]]:
    """Read XLSX workbooks and CSV files into one table per sheet name."""
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    for name, content in files:
        is_xlsx = content[:2] == b"PK" or name.lower().endswith((".xlsx", ".xlsm"))
        found, errors = read_xlsx(name, content) if is_xlsx else read_csv(name, content)
        problems += errors
        for table in found:
            if table.sheet.name in tables:
                message = _("sheet %(sheet)s is given twice (%(first)s and %(second)s)") % {
                    "sheet": table.sheet.name,
                    "first": tables[table.sheet.name].source,
                    "second": name,
                }
                problems.append(Problem(message, where=name))
            else:
                tables[table.sheet.name] = table
    if not tables and not problems:
        problems.append(Problem(_("no organization sheets found")))
    return tables, problems


def write_xlsx(data: dict[str, list[list[Value]]]) -> bytes:
    """One sheet per entry of :data:`SHEETS`, English headers, dates as real dates."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(sheet.field_names)
        for values in data.get(sheet.name, []):
            worksheet.append(values)
            for cell in worksheet[worksheet.max_row]:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(sheet: Sheet, rows: list[list[Value]]) -> bytes:
    """A sheet as UTF-8 CSV with BOM, so Excel shows the Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(sheet.field_names)
    for values in rows:
        writer.writerow(v.isoformat() if isinstance(v, date) else v for v in values)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_csv_dir(data: dict[str, list[list[Value]]], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for sheet in SHEETS:
        path = folder / sheet.filename
        path.write_bytes(csv_text(sheet, data.get(sheet.name, [])))
        paths.append(path)
    return paths


def write_csv_zip(data: dict[str, list[list[Value]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in SHEETS:
            archive.writestr(sheet.filename, csv_text(sheet, data.get(sheet.name, [])))
    return buffer.getvalue()
