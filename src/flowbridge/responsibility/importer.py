"""Import responsibility lists from a CSV or XLSX table: all processes, or nothing.

Every problem of the whole file is collected with its row and column before
anything is written; then each changed process gets one new version and each
new process its first one, in a single transaction. A process whose steps are
unchanged gets no new version, so exporting and importing again is a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from flowbridge.core.errors import InvalidInput, Problem
from flowbridge.core.permissions import Action, require
from flowbridge.org.models import Department
from flowbridge.responsibility import services
from flowbridge.responsibility.diff import VersionDiff, diff_steps
from flowbridge.responsibility.models import CoreProcess, Part, ResponsibilityVersion
from flowbridge.responsibility.specs import StepDraft, StepSpec, same_steps, steps_of
from flowbridge.responsibility.tables import (
    REQUIRED,
    Table,
    TableError,
    column_letter,
    field_of,
    read_table,
    split_names,
)
from flowbridge.responsibility.validation import PART_FIELD, issues

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


@dataclass
class ProcessPlan:
    """What the import does to one process: create it, write a version, or leave it."""

    code: str
    name: str
    name_en: str
    status: str
    diff: VersionDiff
    steps: list[StepSpec]
    process: CoreProcess | None = None
    base_version: int | None = None
    renamed: bool = False
    version: ResponsibilityVersion | None = None


@dataclass
class ImportResult:
    plans: list[ProcessPlan] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> list[ProcessPlan]:
        return [p for p in self.plans if p.status != UNCHANGED or p.renamed]


@dataclass
class _Rows:
    """The rows of one process in the file."""

    code: str
    first_row: int
    names: dict[str, tuple[int, str]] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


class _Departments:
    """Finds a department by code, Chinese name or English name (case-insensitive)."""

    def __init__(self) -> None:
        self.by_code: dict[str, Department] = {}
        self.by_name: dict[str, list[Department]] = {}
        for department in Department.objects.all():
            self.by_code[department.code.lower()] = department
            for name in {department.name.strip().lower(), department.name_en.strip().lower()}:
                if name:
                    self.by_name.setdefault(name, []).append(department)

    def find(self, text: str) -> Department | str | None:
        """The department, the text itself when nothing matches, None when ambiguous."""
        key = text.lower()
        if key in self.by_code:
            return self.by_code[key]
        found = self.by_name.get(key, [])
        if len(found) == 1:
            return found[0]
        return None if found else text


def _refuse(problems: list[Problem]) -> InvalidInput:
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return InvalidInput(
        _("The file has %(count)d problem(s); nothing was imported.") % {"count": len(problems)},
        problems=problems,
    )


class _Reader:
    """Turns a table into plans, collecting every problem with its row and column."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.problems: list[Problem] = []
        self.columns: dict[str, int] = {}
        for index, header in enumerate(table.header):
            name = field_of(header)
            if name and name not in self.columns:
                self.columns[name] = index

    def problem(self, row: int | None, name: str, message: str) -> None:
        index = self.columns.get(name)
        if index is None:
            where = _("row %(row)s") % {"row": row} if row else ""
            self.problems.append(Problem(message, where=where, row=row))
            return
        letter = column_letter(index)
        where = _("row %(row)s, column %(column)s (%(header)s)") % {
            "row": row,
            "column": letter,
            "header": self.table.header[index],
        }
        self.problems.append(Problem(message, where=where, row=row, column=letter))

    def check_header(self) -> bool:
        missing = [name for name in REQUIRED if name not in self.columns]
        for name in missing:
            message = _('column "%(name)s" is missing') % {"name": name}
            self.problems.append(Problem(message, where=_("row 1 (header)"), row=1))
        return not missing

    def group(self) -> list[_Rows]:
        groups: dict[str, _Rows] = {}
        for number, cells in self.table.rows:
            values = {
                name: (cells[index].strip() if index < len(cells) else "")
                for name, index in self.columns.items()
            }
            code = values.get("process_code", "")
            if not code:
                self.problem(number, "process_code", _("process code is empty"))
                continue
            rows = groups.setdefault(code, _Rows(code, number))
            for name in ("process_name", "process_name_en"):
                value = values.get(name, "")
                if not value:
                    continue
                if name in rows.names and rows.names[name][1] != value:
                    first_row, first = rows.names[name]
                    message = _('"%(value)s" differs from "%(first)s" in row %(row)s') % {
                        "value": value,
                        "first": first,
                        "row": first_row,
                    }
                    self.problem(number, name, message)
                rows.names.setdefault(name, (number, value))
            rows.rows.append((number, values))
        return list(groups.values())

    def drafts(self, rows: _Rows, departments: _Departments) -> list[StepDraft]:
        drafts = []
        for number, values in rows.rows:
            draft = StepDraft(
                values.get("step_code", ""),
                values.get("step_name", ""),
                values.get("step_name_en", ""),
            )
            for part in Part:
                column = PART_FIELD[part.value]
                for text in split_names(values.get(column, "")):
                    found = departments.find(text)
                    if found is None:
                        message = _(
                            'department name "%(name)s" matches several departments; use its code'
                        )
                        self.problem(number, column, message % {"name": text})
                        continue
                    draft.parts.append((found, part))
            drafts.append(draft)
        return drafts

    def plan(
        self, rows: _Rows, departments: _Departments, existing: dict[str, CoreProcess]
    ) -> ProcessPlan | None:
        drafts = self.drafts(rows, departments)
        before = len(self.problems)
        for issue in issues(rows.code, drafts):
            number = rows.rows[issue.index][0] if issue.index is not None else rows.first_row
            self.problem(number, issue.field, issue.message)
        process = existing.get(rows.code)
        name = rows.names.get("process_name", (0, ""))[1]
        name_en = rows.names.get("process_name_en", (0, ""))[1]
        if process is None and not name:
            self.problem(rows.first_row, "process_name", _("a new process needs a name"))
        if len(self.problems) > before:
            return None
        steps = [d.to_spec() for d in drafts]
        if process is None:
            return ProcessPlan(rows.code, name, name_en, NEW, diff_steps([], steps), steps)
        current = services.current_version(process)
        old = steps_of(current)
        status = UNCHANGED if same_steps(old, steps) else CHANGED
        renamed = bool(name and name != process.name) or bool(
            name_en and name_en != process.name_en
        )
        plan = ProcessPlan(
            rows.code,
            name,
            name_en,
            status,
            diff_steps(old, steps),
            steps,
            process,
            current.number,
            renamed,
        )
        plan.diff.old_number = current.number
        return plan


def read_plans(data: bytes, filename: str = "") -> list[ProcessPlan]:
    """What importing the file would do; raises :class:`InvalidInput` listing every problem."""
    try:
        table = read_table(data, filename)
    except TableError as exc:
        raise InvalidInput(str(exc), problems=[Problem(str(exc))]) from exc
    reader = _Reader(table)
    if not reader.check_header():
        raise _refuse(reader.problems)
    groups = reader.group()
    if not groups and not reader.problems:
        raise InvalidInput(
            _("The file has no data rows."), problems=[Problem(_("The file has no data rows."))]
        )
    departments = _Departments()
    existing = {p.code: p for p in CoreProcess.objects.filter(code__in=[g.code for g in groups])}
    plans = [reader.plan(rows, departments, existing) for rows in groups]
    if reader.problems:
        raise _refuse(reader.problems)
    return [p for p in plans if p is not None]


def import_table(
    actor: Any, data: bytes, filename: str = "", *, dry_run: bool = False, note: str = ""
) -> ImportResult:
    """Import a responsibility-list file; with ``dry_run`` only say what would change."""
    if actor is not None:
        require(actor, Action.CHANGE, CoreProcess)
    note = note or _("imported from %(file)s") % {"file": filename or _("a file")}
    with transaction.atomic():
        plans = read_plans(data, filename)
        if dry_run:
            return ImportResult(plans, dry_run=True)
        for plan in plans:
            if plan.status == NEW:
                plan.version = services.create_process(
                    actor,
                    code=plan.code,
                    name=plan.name,
                    name_en=plan.name_en,
                    steps=plan.steps,
                    note=note,
                )
                continue
            assert plan.process is not None and plan.base_version is not None
            if plan.renamed:
                services.update_process(
                    actor, plan.process, name=plan.name or None, name_en=plan.name_en or None
                )
            if plan.status == CHANGED:
                plan.version = services.save_version(
                    actor, plan.process, plan.steps, base_version=plan.base_version, note=note
                )
    return ImportResult(plans)
