"""Who a step goes to: assignee rules resolved through the org chart and the responsibility list.

Rules are described in docs/process-conventions.md. Everyone resolved is
replaced by whoever acts for them that day (delegation). When nothing
resolves, the step goes to the process office marked *unassigned*: a request
is never lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from flowbridge.core.permissions import GRANTABLE_ROLES, Role
from flowbridge.org.delegation import deputies_on, follow
from flowbridge.org.models import Department, Person
from flowbridge.org.routing import recipients_for_department
from flowbridge.responsibility.models import CoreProcess, Part, ResponsibilityAssignment

ROLE_NAMES = {r.value for r in GRANTABLE_ROLES}


@dataclass(frozen=True)
class Assignee:
    person: Person
    on_behalf_of: Person | None = None


@dataclass
class Resolution:
    """The people a step goes to, its department, and which rules found nobody."""

    assignees: list[Assignee] = field(default_factory=list)
    department: Department | None = None
    unassigned: bool = False
    unresolved: list[str] = field(default_factory=list)

    @property
    def department_id(self) -> int | None:
        """The step's department: the one the rules went through, else the first assignee's."""
        if self.department is not None:
            return int(self.department.pk)
        if self.assignees and not self.unassigned:
            return self.assignees[0].person.department_id
        return None


@dataclass(frozen=True)
class Context:
    """What rules can refer to: the requester, their department, the form, the day."""

    requester: Person
    requester_department: Department | None
    form: Mapping[str, Any]
    on: date
    # Lookups shared by the steps of one transaction (a bulk decision opens many).
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, hash=False)


class _Resolver:
    def __init__(self, context: Context) -> None:
        self.context = context
        key = ("deputies", context.on)
        if key not in context.memo:
            context.memo[key] = deputies_on(context.on)
        self.deputies = context.memo[key]
        self.found: list[Assignee] = []
        self.departments: list[Department] = []
        self.seen: set[int] = set()

    def add(self, people: Iterable[Person], *, delegate: bool = True) -> int:
        added = 0
        for person in people:
            if not person.is_active:
                continue
            acting = follow(person, self.deputies)[-1] if delegate else person
            if acting.pk in self.seen:
                continue
            self.seen.add(acting.pk)
            behalf = person if acting.pk != person.pk else None
            self.found.append(Assignee(acting, behalf))
            added += 1
        return added

    def add_department(self, department: Department) -> int:
        self.departments.append(department)
        recipients = recipients_for_department(department, self.context.on)
        added = 0
        for r in recipients:
            if r.person.pk not in self.seen:
                self.seen.add(r.person.pk)
                self.found.append(Assignee(r.person, r.on_behalf_of))
                added += 1
        return added

    def head_of(self, department: Department | None, levels: int) -> int:
        """The head ``levels`` above ``department``; a department without a head passes upwards."""
        requester = self.context.requester
        current, remaining = department, levels
        while current is not None:
            head = current.head
            usable = head is not None and head.is_active and head.pk != requester.pk
            if usable and remaining == 0:
                self.departments.append(current)
                return self.add([head]) if head is not None else 0
            if usable:
                remaining -= 1
            current = current.parent
        return 0

    def rule(self, rule: str) -> int:
        kind, _sep, arg = rule.partition(":")
        kind, arg = kind.strip().lower(), arg.strip()
        context = self.context
        if kind == "requester":
            return self.add([context.requester], delegate=False)
        if kind == "person":
            key = ("person", arg)
            if key not in context.memo:
                context.memo[key] = list(
                    Person.objects.filter(employee_no=arg).select_related("department")
                )
            return self.add(context.memo[key])
        if kind == "role":
            return self.add(_role_holders(arg))
        if kind == "head":
            base, _plus, up = arg.partition("+")
            levels = int(up) if up.strip().isdigit() else 0
            if base.strip() == "requester":
                return self.head_of(context.requester_department, levels)
            return self.head_of(_department(base.strip()), levels)
        if kind == "liaison":
            department = _department(arg)
            if department is None:
                return 0
            self.departments.append(department)
            liaisons = Person.objects.filter(liaison_for__department=department).order_by(
                "liaison_for__position"
            )
            return self.add(liaisons)
        if kind in ("department", "lane", "group"):
            department = _department(arg)
            if department is not None:
                return self.add_department(department)
            return self.add(_role_holders(arg)) if kind != "department" else 0
        if kind == "responsible":
            department = responsible_department(*arg.partition("/")[::2])
            return self.add_department(department) if department is not None else 0
        if kind == "field":
            return self._field(arg)
        return 0

    def _field(self, field_id: str) -> int:
        value = self.context.form.get(field_id)
        values = value if isinstance(value, list) else [value]
        added = 0
        for item in values:
            if not isinstance(item, str) or not item:
                continue
            people = list(Person.objects.filter(employee_no=item))
            if people:
                added += self.add(people)
                continue
            department = _department(item)
            if department is not None:
                added += self.add_department(department)
        return added


def _role_holders(role: str) -> list[Person]:
    if role not in ROLE_NAMES:
        return []
    return list(
        Person.objects.filter(is_active=True, role_grants__role=role)
        .distinct()
        .order_by("employee_no")
    )


def _department(text: str) -> Department | None:
    """A department by code, else by its Chinese or English name."""
    text = text.strip()
    if not text:
        return None
    return (
        Department.objects.filter(Q(code=text) | Q(name=text) | Q(name_en__iexact=text))
        .select_related("head", "parent")
        .order_by("pk")
        .first()
    )


def responsible_department(process_code: str, step_code: str) -> Department | None:
    """The responsible department of a step in the current responsibility list."""
    process = CoreProcess.objects.filter(code=process_code).first()
    version = process.versions.order_by("-number").first() if process is not None else None
    if version is None:
        return None
    row = (
        ResponsibilityAssignment.objects.filter(
            step__version=version, step__code=step_code, part=Part.RESPONSIBLE
        )
        .select_related("department")
        .first()
    )
    return row.department if row is not None else None


def resolve(
    rules: Iterable[str], context: Context, *, lane: str = "", department_code: str = ""
) -> Resolution:
    """The people ``rules`` name; the lane when no rule is given; the process office when nobody."""
    resolver = _Resolver(context)
    rules = list(rules) or ([f"lane:{lane}"] if lane else [])
    unresolved = [rule for rule in rules if resolver.rule(rule) == 0]
    department = _department(department_code) if department_code else None
    if department is None and resolver.departments:
        department = resolver.departments[0]
    if resolver.found:
        return Resolution(resolver.found, department, False, unresolved)
    office = _role_holders(Role.PROCESS_OFFICE.value)
    resolver.add(office)
    return Resolution(resolver.found, department, True, unresolved or [_("no assignee rule")])
