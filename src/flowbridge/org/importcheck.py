"""Check an organization import against itself and the database, before anything is written.

:func:`check` reads every row of every sheet, applies the rules of
:mod:`flowbridge.org.validation` to the state the database would have after
the import, and returns either every problem (with sheet, row and column) or
a :class:`Plan` of the values to write. Keys: department code, employee
number, (employee number, start date) for delegations. A department named in
the Liaisons sheet gets exactly the liaisons listed there.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from flowbridge.core.errors import Problem
from flowbridge.org.models import (
    Delegation,
    Department,
    DepartmentKind,
    Liaison,
    Person,
    PersonRole,
)
from flowbridge.org.sheets import KIND_ALIASES, SHEETS, Row, Table
from flowbridge.org.validation import (
    MAX_LIAISONS,
    Issue,
    Span,
    delegation_issues,
    department_issues,
    duplicate_liaison_issues,
    liaison_count_issues,
    parse_roles,
    person_issues,
    tree_cycle,
)

DATE_PATTERN = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
# Role lists may be separated the Chinese way too (full-width comma, enumeration comma).
ROLE_SPLIT = re.compile("[,;\\s\uff0c\u3001\uff1b]+")


@dataclass
class Plan:
    """What the import will write; each entry is the full wanted state of one object."""

    departments: dict[str, dict[str, object]] = field(default_factory=dict)
    people: dict[str, dict[str, object]] = field(default_factory=dict)
    liaisons: dict[str, list[str]] = field(default_factory=dict)
    delegations: dict[tuple[str, date], dict[str, object]] = field(default_factory=dict)


@dataclass
class State:
    """The organization as stored, keyed the way the file keys it (a few queries)."""

    departments: dict[str, Department]
    people: dict[str, Person]
    roles: dict[int, set[str]]
    liaisons: dict[str, list[str]]
    delegations: dict[tuple[str, date], Delegation]
    account_owner: dict[str, str | None]

    @classmethod
    def load(cls) -> State:
        departments = {d.code: d for d in Department.objects.select_related("parent", "head")}
        people = {p.employee_no: p for p in Person.objects.select_related("department", "user")}
        roles: dict[int, set[str]] = {}
        for person_id, role in PersonRole.objects.values_list("person_id", "role"):
            roles.setdefault(person_id, set()).add(role)
        liaisons: dict[str, list[str]] = {}
        for code, number in Liaison.objects.order_by("department__code", "position").values_list(
            "department__code", "person__employee_no"
        ):
            liaisons.setdefault(code, []).append(number)
        delegations = {
            (d.person.employee_no, d.starts_on): d
            for d in Delegation.objects.select_related("person", "deputy")
        }
        owners: dict[str, str | None] = dict(
            get_user_model().objects.values_list("username", "person__employee_no")
        )
        return cls(departments, people, roles, liaisons, delegations, owners)


def _reading_order(problem: Problem) -> tuple[int, int]:
    """Sheet by sheet, row by row: the order a user fixes a file in."""
    sheet = next((i for i, s in enumerate(SHEETS) if problem.where.startswith(s.name)), 0)
    return sheet, problem.row or 0


class Checker:
    """Collects every problem of one import; :meth:`run` returns the plan and the problems."""

    def __init__(self, tables: dict[str, Table], state: State) -> None:
        self.tables = tables
        self.state = state
        self.problems: list[Problem] = []
        self.plan = Plan()
        self.person_names: dict[str, str] = {n: p.name for n, p in state.people.items()}

    def run(self) -> tuple[Plan, list[Problem]]:
        dept_rows = self._unique("Departments", "code")
        people_rows = self._unique("People", "employee_no")
        self.codes = set(self.state.departments) | set(dept_rows)
        self.numbers = set(self.state.people) | set(people_rows)
        for row in people_rows.values():
            self.person_names[row.text("employee_no")] = row.text("name")
        for row in dept_rows.values():
            self._department(row)
        self._tree_cycles(dept_rows)
        for row in people_rows.values():
            self._person(row)
        self._liaisons()
        self._delegations()
        return self.plan, sorted(self.problems, key=_reading_order)

    def _rows(self, sheet: str) -> list[Row]:
        table = self.tables.get(sheet)
        return table.rows if table is not None else []

    def _unique(self, sheet: str, key: str) -> dict[str, Row]:
        first: dict[str, Row] = {}
        for row in self._rows(sheet):
            value = row.text(key)
            if value in first:
                self.problems.append(
                    row.problem(
                        key,
                        _('duplicate %(column)s "%(value)s" (also on row %(row)d)')
                        % {"column": key, "value": value, "row": first[value].number},
                    )
                )
            elif not value:
                message = _("%(field)s is required.") % {"field": key}
                self.problems.append(row.problem(key, message))
            else:
                first[value] = row
        return first

    def _ref(self, row: Row, column: str, known: set[str], message: str) -> str | None:
        value = row.text(column)
        if not value:
            return None
        if value not in known:
            self.problems.append(row.problem(column, message % {"value": value}))
        return value

    def _int(self, row: Row, column: str, default: int) -> int | None:
        text = row.text(column)
        if not text:
            return default
        if text.isdigit():
            return int(text)
        self.problems.append(
            row.problem(column, _('"%(value)s" is not a whole number') % {"value": text})
        )
        return None

    def _date(self, row: Row, column: str) -> date | None:
        value = row.values.get(column, "")
        if isinstance(value, date):
            return value
        match = DATE_PATTERN.match(value)
        try:
            if match is None:
                raise ValueError(value)
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            message = _('bad date "%(value)s" (use YYYY-MM-DD)') % {"value": value}
            self.problems.append(row.problem(column, message))
            return None

    def _issues(
        self, row: Row, issues: list[Issue], column_of: dict[str, str] | None = None
    ) -> None:
        for issue in issues:
            column = (column_of or {}).get(issue.field, issue.field)
            self.problems.append(row.problem(column, issue.message))

    def _department(self, row: Row) -> None:
        kind = row.text("kind") or DepartmentKind.DEPARTMENT
        kind = KIND_ALIASES.get(kind, kind)
        sort_order = self._int(row, "sort_order", 0)
        values: dict[str, object] = {
            "code": row.text("code"),
            "name": row.text("name"),
            "name_en": row.text("name_en"),
            "kind": kind,
            "sort_order": sort_order if sort_order is not None else 0,
        }
        self._issues(
            row,
            department_issues(
                code=row.text("code"),
                name=row.text("name"),
                kind=kind,
                name_en=row.text("name_en"),
                sort_order=values["sort_order"],
            ),
        )
        values["parent_code"] = self._ref(
            row, "parent_code", self.codes, _('unknown department "%(value)s"')
        )
        values["head_employee_no"] = self._ref(
            row, "head_employee_no", self.numbers, _('unknown person "%(value)s"')
        )
        self.plan.departments[row.text("code")] = values

    def _tree_cycles(self, rows: dict[str, Row]) -> None:
        parent_of: dict[str, str | None] = {
            code: (d.parent.code if d.parent is not None else None)
            for code, d in self.state.departments.items()
        }
        for code, values in self.plan.departments.items():
            parent_of[code] = values["parent_code"]  # type: ignore[assignment]
        reported: set[frozenset[str]] = set()
        for code, row in rows.items():
            cycle = tree_cycle(parent_of, code)
            if cycle is None or frozenset(cycle) in reported or cycle[0] != code:
                continue
            reported.add(frozenset(cycle))
            message = _("the department tree has a cycle: %(chain)s") % {"chain": " → ".join(cycle)}
            self.problems.append(row.problem("parent_code", message))

    def _person(self, row: Row) -> None:
        number = row.text("employee_no")
        self._issues(
            row,
            person_issues(
                employee_no=number,
                name=row.text("name"),
                name_en=row.text("name_en"),
                email=row.text("email"),
                phone=row.text("phone"),
                title=row.text("title"),
            ),
        )
        department = self._ref(
            row, "department_code", self.codes, _('unknown department "%(value)s"')
        )
        if department is None:
            message = _("%(field)s is required.") % {"field": "department_code"}
            self.problems.append(row.problem("department_code", message))
        roles, issues = parse_roles(ROLE_SPLIT.split(row.text("roles")))
        self._issues(row, issues)
        username = row.text("username")
        if username:
            self._account(row, number, username)
        self.plan.people[number] = {
            "employee_no": number,
            "name": row.text("name"),
            "name_en": row.text("name_en"),
            "department_code": department,
            "title": row.text("title"),
            "email": row.text("email"),
            "phone": row.text("phone"),
            "roles": sorted(r.value for r in roles),
            "username": username,
        }

    def _account(self, row: Row, number: str, username: str) -> None:
        owners = self.state.account_owner
        claimed = {p.get("username"): n for n, p in self.plan.people.items()}
        person = self.state.people.get(number)
        current = person.user.get_username() if person is not None and person.user else None
        if current is not None and current != username:
            message = _('%(no)s already signs in as "%(current)s"') % {
                "no": number,
                "current": current,
            }
        elif owners.get(username) not in (None, number) or claimed.get(username, number) != number:
            owner = owners.get(username) or claimed.get(username)
            message = _('username "%(username)s" belongs to %(owner)s') % {
                "username": username,
                "owner": owner,
            }
        else:
            return
        self.problems.append(row.problem("username", message))

    def _liaisons(self) -> None:
        grouped: dict[str, list[tuple[Row, str, int | None]]] = {}
        for row in self._rows("Liaisons"):
            code = self._ref(
                row, "department_code", self.codes, _('unknown department "%(value)s"')
            )
            number = self._ref(row, "employee_no", self.numbers, _('unknown person "%(value)s"'))
            if code is None or number is None:
                continue
            entries = grouped.setdefault(code, [])
            entries.append((row, number, self._int(row, "position", len(entries) + 1)))
        for code, entries in grouped.items():
            self._department_liaisons(code, entries)

    def _department_liaisons(self, code: str, entries: list[tuple[Row, str, int | None]]) -> None:
        name = self._department_name(code)
        people = [(n, self.person_names.get(n, n)) for _r, n, _p in entries]
        for issue in duplicate_liaison_issues(name, people):
            self.problems.append(entries[-1][0].problem("employee_no", issue.message))
        for issue in liaison_count_issues(name, people):
            self.problems.append(entries[MAX_LIAISONS][0].problem("employee_no", issue.message))
        if len(entries) > MAX_LIAISONS:
            return
        by_position: dict[int, tuple[Row, str]] = {}
        for row, number, position in entries:
            if position is None:
                continue
            if not 1 <= position <= MAX_LIAISONS:
                message = _("position must be 1 or 2, not %(value)d") % {"value": position}
                self.problems.append(row.problem("position", message))
            elif position in by_position:
                other_row, other = by_position[position]
                message = _(
                    "liaison rows in conflict: position %(position)d of %(department)s is given "
                    "to %(first)s (row %(first_row)d) and %(second)s (row %(second_row)d)"
                ) % {
                    "position": position,
                    "department": name,
                    "first": other,
                    "first_row": other_row.number,
                    "second": number,
                    "second_row": row.number,
                }
                self.problems.append(row.problem("position", message))
            else:
                by_position[position] = (row, number)
        self.plan.liaisons[code] = [n for _p, (_r, n) in sorted(by_position.items())]

    def _department_name(self, code: str) -> str:
        planned = self.plan.departments.get(code)
        if planned is not None:
            return str(planned["name"])
        stored = self.state.departments.get(code)
        return stored.name if stored is not None else code

    def _delegations(self) -> None:
        spans: dict[Hashable, Span] = {
            key: Span(key[0], d.deputy.employee_no, d.starts_on, d.ends_on, key=key)
            for key, d in self.state.delegations.items()
        }
        rows = self._rows("Delegations")
        pending: list[tuple[Row, Span, str]] = []
        for row in rows:
            person = self._ref(row, "employee_no", self.numbers, _('unknown person "%(value)s"'))
            deputy = self._ref(
                row, "deputy_employee_no", self.numbers, _('unknown person "%(value)s"')
            )
            starts, ends = self._date(row, "starts_on"), self._date(row, "ends_on")
            if len(row.text("reason")) > 200:
                message = _("reason is longer than 200 characters.")
                self.problems.append(row.problem("reason", message))
            if person is None or deputy is None or starts is None or ends is None:
                continue
            key = (person, starts)
            if key in self.plan.delegations:
                message = _("two delegations of %(person)s start on %(day)s") % {
                    "person": self.person_names.get(person, person),
                    "day": starts.isoformat(),
                }
                self.problems.append(row.problem("starts_on", message))
                continue
            self.plan.delegations[key] = {
                "deputy": deputy,
                "ends_on": ends,
                "reason": row.text("reason"),
            }
            spans[key] = Span(person, deputy, starts, ends, key=key)
            pending.append((row, spans[key], row.text("reason")))
        checked: list[Span] = [s for k, s in spans.items() if k not in self.plan.delegations]
        column_of = {"deputy": "deputy_employee_no", "starts_on": "starts_on", "ends_on": "ends_on"}
        for row, span, _reason in pending:
            stored = self.state.people.get(str(span.deputy))
            issues = delegation_issues(
                span,
                checked,
                label=lambda no: self.person_names.get(str(no), str(no)),
                deputy_active=stored.is_active if stored is not None else True,
            )
            self._issues(row, issues, column_of)
            checked.append(span)
