"""The home page's "My department" panel, with liaison warnings for the process office."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest

from flowbridge.core.home import Panel, register_panel
from flowbridge.core.permissions import Role, principal_for
from flowbridge.org import services
from flowbridge.org.models import Liaison, Person
from flowbridge.org.overview import Absences


def _roles(person: Person, principal_roles: frozenset[Role]) -> list[str]:
    order = [r for r in Role if r in principal_roles and r != Role.EMPLOYEE]
    return [r.label for r in order] or [Role.EMPLOYEE.label]


def my_department(request: HttpRequest) -> dict[str, Any] | None:
    """Context of the panel; None for a user who is neither in the organization nor an editor."""
    principal = principal_for(request.user)
    sees_warnings = principal.has(Role.PROCESS_OFFICE)
    person = (
        Person.objects.select_related("department", "department__head")
        .prefetch_related(
            Prefetch(
                "department__liaisons",
                queryset=Liaison.objects.select_related("person").order_by("position"),
            )
        )
        .filter(pk=principal.person_id)
        .first()
        if principal.person_id
        else None
    )
    if person is None and not sees_warnings:
        return None
    context: dict[str, Any] = {"person": person, "warnings": None}
    if person is not None:
        absences = Absences()
        dept = person.department
        context.update(
            head=absences.contact(dept.head) if dept.head else None,
            liaisons=[absences.contact(li.person) for li in dept.liaisons.all()],
            roles=_roles(person, principal.roles),
            delegation=absences.delegation_of(person),
            deputising=absences.deputising_for(person),
        )
    if sees_warnings:
        context["warnings"] = services.departments_without_liaison()
    return context


PANEL = Panel(
    name="org.my_department",
    template="org/panels/my_department.html",
    context=my_department,
    order=10,
)


def register() -> None:
    register_panel(PANEL)
