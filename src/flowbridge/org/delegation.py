"""Delegation while someone is away: who acts for whom on a given day.

A delegation says "from ``starts_on`` to ``ends_on`` (inclusive) ``deputy``
acts for ``person``". Deputies may themselves be away, so the acting person
follows the chain A → B → C; the rules in :mod:`flowbridge.org.validation`
keep that chain free of cycles. Cancelling deletes the row; the audit log
keeps the history.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from flowbridge.core import audit, clock
from flowbridge.core.errors import InvalidInput
from flowbridge.core.permissions import Action, require
from flowbridge.org.models import Delegation, Person
from flowbridge.org.validation import Issue, Span, as_problems, delegation_issues


def spans_in_force(exclude: int | None = None) -> list[Span]:
    """All stored delegations as spans keyed by person id (one query)."""
    queryset = (
        Delegation.objects.all() if exclude is None else Delegation.objects.exclude(pk=exclude)
    )
    rows = queryset.values_list("pk", "person_id", "deputy_id", "starts_on", "ends_on")
    return [Span(p, d, s, e, key=pk) for pk, p, d, s, e in rows]


def _names(ids: set[Any]) -> dict[Any, str]:
    return dict(Person.objects.filter(pk__in=ids).values_list("pk", "name"))


def add_delegation(
    actor: Any,
    person: Person,
    deputy: Person,
    starts_on: date,
    ends_on: date,
    reason: str = "",
) -> Delegation:
    """Let ``deputy`` act for ``person`` from ``starts_on`` to ``ends_on`` (inclusive)."""
    if actor is not None:
        require(actor, Action.CHANGE, Delegation(person=person, deputy=deputy))
    with transaction.atomic():
        # Lock both people so two concurrent requests cannot both pass the overlap/cycle check.
        list(Person.objects.select_for_update().filter(pk__in=[person.pk, deputy.pk]).values("pk"))
        existing = spans_in_force()
        new = Span(person.pk, deputy.pk, starts_on, ends_on)
        ids = {person.pk, deputy.pk} | {s.person for s in existing} | {s.deputy for s in existing}
        names = _names(ids)
        issues = delegation_issues(
            new,
            existing,
            label=lambda pk: names.get(pk, "?"),
            deputy_active=deputy.is_active,
        )
        if len(reason) > 200:
            issues.append(Issue("reason", _("reason is longer than 200 characters.")))
        if issues:
            raise InvalidInput(_("The delegation cannot be saved."), as_problems(issues))
        delegation = Delegation.objects.create(
            person=person,
            deputy=deputy,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            created_at=clock.now(),
        )
        audit.record(
            actor,
            "org.delegation.create",
            delegation,
            changes={
                "person": [None, person.employee_no],
                "deputy": [None, deputy.employee_no],
                "starts_on": [None, starts_on.isoformat()],
                "ends_on": [None, ends_on.isoformat()],
                "reason": [None, reason],
            },
        )
    return delegation


def cancel_delegation(actor: Any, delegation: Delegation) -> None:
    """Withdraw a delegation (the audit log keeps what it was)."""
    if actor is not None:
        require(actor, Action.CHANGE, delegation)
    with transaction.atomic():
        audit.record(
            actor,
            "org.delegation.cancel",
            delegation,
            changes={
                "person": [delegation.person.employee_no, None],
                "deputy": [delegation.deputy.employee_no, None],
                "starts_on": [delegation.starts_on.isoformat(), None],
                "ends_on": [delegation.ends_on.isoformat(), None],
            },
        )
        delegation.delete()


def deputies_on(on: date) -> dict[int, Person]:
    """person id → deputy, for delegations in force on ``on`` with an active deputy (one query)."""
    rows = Delegation.objects.filter(starts_on__lte=on, ends_on__gte=on, deputy__is_active=True)
    return {d.person_id: d.deputy for d in rows.select_related("deputy")}


def follow(person: Person, deputies: dict[int, Person]) -> list[Person]:
    """The chain from ``person`` through ``deputies``; stops if a cycle slipped in."""
    chain = [person]
    seen = {person.pk}
    while (nxt := deputies.get(chain[-1].pk)) is not None and nxt.pk not in seen:
        chain.append(nxt)
        seen.add(nxt.pk)
    return chain


def delegation_chain(person: Person, on: date) -> list[Person]:
    """``[A, B, C]``: A is away and delegated to B, who is away and delegated to C, on ``on``."""
    return follow(person, deputies_on(on))


def acting_person(person: Person, on: date) -> Person:
    """Who acts for ``person`` on ``on`` (the person themselves when not away)."""
    return delegation_chain(person, on)[-1]
