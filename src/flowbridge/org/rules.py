"""What each role may see and change in the organization, and who a user is.

Installed into the core permission layer when the app loads.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from flowbridge.core.permissions import (
    Action,
    Principal,
    Role,
    register_rule,
    register_scope,
    set_principal_resolver,
)
from flowbridge.org.models import Delegation, Department, Liaison, Person, PersonRole


def resolve_principal(user: Any) -> Principal:
    """Build the principal of a signed-in user from their person record."""
    person = Person.objects.filter(user=user, is_active=True).first()
    if person is None:
        return Principal(user_id=user.pk, is_superuser=bool(user.is_superuser))
    roles = {Role(r) for r in person.role_grants.values_list("role", flat=True)}
    roles.add(Role.EMPLOYEE)
    headed = set(Department.objects.filter(head=person).values_list("id", flat=True))
    if headed:
        roles.add(Role.DEPARTMENT_HEAD)
        headed |= _descendants(headed)
    liaison_of = set(Liaison.objects.filter(person=person).values_list("department_id", flat=True))
    if liaison_of:
        roles.add(Role.LIAISON)
    return Principal(
        user_id=user.pk,
        person_id=person.pk,
        roles=frozenset(roles),
        department_ids=frozenset({person.department_id}),
        headed_department_ids=frozenset(headed),
        liaison_department_ids=frozenset(liaison_of),
        is_superuser=bool(user.is_superuser),
    )


def _descendants(roots: set[int]) -> set[int]:
    """All departments below ``roots`` (one query for the whole tree)."""
    children: dict[int, list[int]] = {}
    for pk, parent in Department.objects.values_list("id", "parent_id"):
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    found: set[int] = set()
    stack = list(roots)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def _org_editor(p: Principal) -> bool:
    return p.has(Role.PROCESS_OFFICE)


def department_rule(p: Principal, action: Action, obj: Any) -> bool:
    if action == Action.VIEW:
        return True
    return _org_editor(p)


def person_rule(p: Principal, action: Action, obj: Any) -> bool:
    if action == Action.VIEW:
        return True
    return _org_editor(p)


def liaison_rule(p: Principal, action: Action, obj: Any) -> bool:
    """Heads name the liaisons of their own departments; the process office of any."""
    if action == Action.VIEW or _org_editor(p):
        return True
    department_id = getattr(obj, "department_id", None)
    return department_id is not None and department_id in p.headed_department_ids


def delegation_rule(p: Principal, action: Action, obj: Any) -> bool:
    """People manage their own absences; heads those of their departments' members."""
    if _org_editor(p):
        return True
    if isinstance(obj, type):
        return action == Action.VIEW or p.person_id is not None
    person = obj.person
    if person.pk == p.person_id or person.department_id in p.headed_department_ids:
        return True
    return action == Action.VIEW and obj.deputy_id == p.person_id


def role_grant_rule(p: Principal, action: Action, obj: Any) -> bool:
    return action == Action.VIEW and p.has(Role.PROCESS_OFFICE)


def delegation_scope(p: Principal, qs: QuerySet[Any]) -> QuerySet[Any]:
    if _org_editor(p):
        return qs
    from django.db.models import Q

    return qs.filter(
        Q(person_id=p.person_id)
        | Q(deputy_id=p.person_id)
        | Q(person__department_id__in=p.headed_department_ids)
    )


def install() -> None:
    set_principal_resolver(resolve_principal)
    register_rule(Department, department_rule)
    register_rule(Person, person_rule)
    register_rule(Liaison, liaison_rule)
    register_rule(Delegation, delegation_rule)
    register_rule(PersonRole, role_grant_rule)
    register_scope(Department, lambda p, qs: qs)
    register_scope(Person, lambda p, qs: qs)
    register_scope(Liaison, lambda p, qs: qs)
    register_scope(Delegation, delegation_scope)
