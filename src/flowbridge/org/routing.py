"""Who receives a request addressed to a department, and the org chart as a tree.

:func:`recipients_for_department` is the one answer every feature uses
(requests, escalations, notifications): the department's liaisons, else its
head, else the process office, each resolved through delegation, so a
request is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from flowbridge.core import clock
from flowbridge.core.models import CalendarSettings
from flowbridge.core.permissions import Role
from flowbridge.org.delegation import deputies_on, follow
from flowbridge.org.models import Department, DepartmentKind, Liaison, Person

Via = Literal["liaison", "head", "process_office"]
# Kinds that receive requests and so must name liaisons; company and management do not.
NEEDS_LIAISON = (DepartmentKind.DEPARTMENT, DepartmentKind.DIVISION)


@dataclass(frozen=True)
class Recipient:
    """``person`` receives the request; ``on_behalf_of`` is who they stand in for, if anyone."""

    person: Person
    on_behalf_of: Person | None
    via: Via
    department: Department


def company_today() -> date:
    """Today in the company's time zone (working-time settings, else settings.TIME_ZONE)."""
    zone = CalendarSettings.objects.filter(id=1).values_list("timezone", flat=True).first()
    return clock.now().astimezone(ZoneInfo(zone or settings.TIME_ZONE)).date()


def _resolve(people: list[Person], via: Via, department: Department, on: date) -> list[Recipient]:
    deputies = deputies_on(on)
    result: list[Recipient] = []
    seen: set[int] = set()
    for person in people:
        acting = follow(person, deputies)[-1]
        if acting.pk in seen:
            continue
        seen.add(acting.pk)
        behalf = person if acting.pk != person.pk else None
        result.append(Recipient(acting, behalf, via, department))
    return result


def recipients_for_department(department: Department, on: date | None = None) -> list[Recipient]:
    """Who receives a request addressed to ``department`` on ``on`` (default: today).

    Active liaisons in position order; if none, the head (when active); if
    no head either, everyone with the process-office role. Each is replaced
    by whoever acts for them that day (delegation chain).
    """
    day = on or company_today()
    liaisons = [
        lia.person
        for lia in Liaison.objects.filter(department=department, person__is_active=True)
        .select_related("person")
        .order_by("position")
    ]
    if liaisons:
        return _resolve(liaisons, "liaison", department, day)
    head = (
        Person.objects.filter(pk=department.head_id, is_active=True).first()
        if department.head_id is not None
        else None
    )
    if head is not None:
        return _resolve([head], "head", department, day)
    office = list(
        Person.objects.filter(is_active=True, role_grants__role=Role.PROCESS_OFFICE.value)
        .distinct()
        .order_by("employee_no")
    )
    return _resolve(office, "process_office", department, day)


def departments_without_liaison() -> list[Department]:
    """Departments and divisions that name no active liaison (company and management need none)."""
    return list(
        Department.objects.filter(kind__in=NEEDS_LIAISON)
        .exclude(liaisons__person__is_active=True)
        .select_related("head")
    )


@dataclass
class TreeNode:
    """One department in the org chart with what a reader needs to see beside it."""

    department: Department
    head: Person | None
    liaisons: list[Person]
    member_count: int
    warnings: list[str] = field(default_factory=list)
    children: list[TreeNode] = field(default_factory=list)

    @property
    def depth_first(self) -> list[TreeNode]:
        """This node and all below it, in display order."""
        nodes = [self]
        for child in self.children:
            nodes += child.depth_first
        return nodes


def _warnings(department: Department, liaisons: list[Person]) -> list[str]:
    warnings: list[str] = []
    active = [p for p in liaisons if p.is_active]
    if department.kind in NEEDS_LIAISON and not active:
        warnings.append(_("no liaison: requests go to the head or the process office"))
    for person in liaisons:
        if not person.is_active:
            warnings.append(_("liaison %(person)s is inactive") % {"person": person.display_name})
    head = department.head
    if head is None:
        warnings.append(_("no department head"))
    elif not head.is_active:
        warnings.append(_("department head %(person)s is inactive") % {"person": head.display_name})
    return warnings


def department_tree() -> list[TreeNode]:
    """The whole org chart as nested nodes, roots first, in three queries."""
    departments = list(Department.objects.select_related("head").order_by("sort_order", "code"))
    liaisons: dict[int, list[Person]] = {}
    for lia in Liaison.objects.select_related("person").order_by("department_id", "position"):
        liaisons.setdefault(lia.department_id, []).append(lia.person)
    counts = dict(
        Person.objects.filter(is_active=True)
        .order_by()
        .values("department_id")
        .annotate(n=Count("id"))
        .values_list("department_id", "n")
    )
    nodes = {
        d.pk: TreeNode(
            department=d,
            head=d.head,
            liaisons=liaisons.get(d.pk, []),
            member_count=counts.get(d.pk, 0),
            warnings=_warnings(d, liaisons.get(d.pk, [])),
        )
        for d in departments
    }
    roots: list[TreeNode] = []
    for d in departments:
        parent = nodes.get(d.parent_id) if d.parent_id is not None else None
        (parent.children if parent is not None else roots).append(nodes[d.pk])
    return roots
