"""Small helpers that build organization rows for tests (other apps' tests may import them).

They go through the services as the system (actor None), so every row obeys
the same rules as in production.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flowbridge.core.permissions import Role
from flowbridge.org import services
from flowbridge.org.models import Department, DepartmentKind, Person

PASSWORD = "Flowbridge-test-42"


def make_department(
    code: str,
    name: str | None = None,
    *,
    kind: str = DepartmentKind.DEPARTMENT,
    parent: Department | None = None,
    head: Person | None = None,
    name_en: str = "",
    sort_order: int = 0,
) -> Department:
    """A department named after its code unless ``name`` is given."""
    return services.create_department(
        None,
        code=code,
        name=name or code,
        kind=kind,
        parent=parent,
        name_en=name_en,
        head=head,
        sort_order=sort_order,
    )


def make_person(
    employee_no: str,
    department: Department,
    name: str | None = None,
    *,
    roles: Iterable[Role | str] = (),
    is_active: bool = True,
    **fields: Any,
) -> Person:
    """A person (no account) named after the employee number unless ``name`` is given."""
    person = services.create_person(
        None,
        employee_no=employee_no,
        name=name or f"P{employee_no}",
        department=department,
        roles=roles,
        **fields,
    )
    if not is_active:
        services.update_person(None, person, is_active=False)
    return person


def make_user_person(
    username: str,
    department: Department,
    *,
    roles: Iterable[Role | str] = (),
    employee_no: str | None = None,
    name: str | None = None,
) -> Person:
    """A person with the account ``username`` / :data:`PASSWORD` (``person.user``)."""
    return services.create_person(
        None,
        employee_no=employee_no or f"u-{username}",
        name=name or username,
        department=department,
        roles=roles,
        username=username,
        password=PASSWORD,
    )
