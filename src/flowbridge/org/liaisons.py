"""Liaisons: each department names at most two points of contact, in position order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from flowbridge.core import audit
from flowbridge.core.errors import InvalidInput
from flowbridge.core.permissions import Action, forget, require
from flowbridge.org.models import Department, Liaison, Person
from flowbridge.org.validation import as_problems, liaison_issues


def _refuse_liaisons(department: Department, people: Sequence[Person]) -> None:
    issues = liaison_issues(department.name, [(p.pk, p.name) for p in people])
    if issues:
        raise InvalidInput(_("The input breaks a rule."), as_problems(issues))


def set_liaisons(actor: Any, department: Department, people: Sequence[Person]) -> list[Liaison]:
    """Replace the department's liaisons with ``people`` (0, 1 or 2), in position order."""
    if actor is not None:
        require(actor, Action.CHANGE, Liaison(department=department))
    _refuse_liaisons(department, people)
    with transaction.atomic():
        before = list(
            department.liaisons.order_by("position").values_list("person__employee_no", flat=True)
        )
        after = [p.employee_no for p in people]
        if before == after:
            return list(department.liaisons.select_related("person").order_by("position"))
        department.liaisons.all().delete()
        created = [
            Liaison.objects.create(department=department, person=p, position=i)
            for i, p in enumerate(people, start=1)
        ]
        audit.record(
            actor, "org.department.liaisons", department, changes={"liaisons": [before, after]}
        )
    for p in people:
        if p.user is not None:
            forget(p.user)
    return created


def add_liaison(actor: Any, department: Department, person: Person) -> Liaison:
    """Add a liaison; a third is refused, naming the two the department has."""
    current = [
        lia.person for lia in department.liaisons.select_related("person").order_by("position")
    ]
    if any(p.pk == person.pk for p in current):
        return department.liaisons.get(person=person)
    if len(current) >= 2:
        if actor is not None:
            require(actor, Action.CHANGE, Liaison(department=department))
        _refuse_liaisons(department, [*current, person])
    created = set_liaisons(actor, department, [*current, person])
    return next(lia for lia in created if lia.person_id == person.pk)


def remove_liaison(actor: Any, department: Department, person: Person) -> None:
    """Remove one liaison; the other moves up to position 1."""
    current = [
        lia.person for lia in department.liaisons.select_related("person").order_by("position")
    ]
    set_liaisons(actor, department, [p for p in current if p.pk != person.pk])
