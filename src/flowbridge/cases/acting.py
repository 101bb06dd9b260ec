"""Who is acting on a case and on whom: the checks every approval operation shares.

Operations accept a signed-in user or a :class:`Person`; permission checks
need the user behind it, the event log and work items need the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from flowbridge.cases.models import Case, CaseStatus, Purpose, Step, WorkItem, WorkStatus
from flowbridge.cases.runtime import Session
from flowbridge.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, Problem
from flowbridge.core.permissions import Role, principal_for
from flowbridge.org.models import Person

PENDING = (WorkStatus.OPEN, WorkStatus.WAITING)


def user_of(actor: Any) -> Any:
    """The Django user to check permissions for (a person acts through their account)."""
    return actor.user if isinstance(actor, Person) else actor


def is_office(actor: Any) -> bool:
    """Whether ``actor`` works in the process office (or administers the system)."""
    return principal_for(user_of(actor)).has(Role.PROCESS_OFFICE)


def case_id_of_item(item_id: int) -> int:
    case_id = WorkItem.objects.filter(pk=item_id).values_list("case_id", flat=True).first()
    if case_id is None:
        raise NotFound(_("No task %(id)s.") % {"id": item_id})
    return int(case_id)


def still_open(session: Session, item_id: int) -> WorkItem:
    """The work item re-read under the case lock; Conflict unless it is open on a running case."""
    item = session.ledger.item(item_id)
    if item is None:  # closed, so not among the open steps' items: read it for the message
        item = WorkItem.objects.select_related("step", "assignee", "owner", "completed_by").get(
            pk=item_id
        )
    if item.status == WorkStatus.DONE and item.completed_by is not None:
        raise Conflict(
            _("This task was already handled by %(person)s; nothing was changed.")
            % {"person": item.completed_by.display_name}
        )
    ended_by_requester = session.case.status in (CaseStatus.WITHDRAWN, CaseStatus.CANCELLED)
    if item.status != WorkStatus.OPEN and not ended_by_requester:
        raise Conflict(
            _("This task is no longer open (someone else acted first); nothing was changed.")
        )
    if not session.case.is_running:
        raise Conflict(
            _("%(case)s has ended; nothing was changed.") % {"case": session.case.reference}
        )
    return item


def own_item(session: Session, item_id: int, person: Person) -> WorkItem:
    """An open decide item held by ``person`` in their own right (not delegated to them)."""
    item = still_open(session, item_id)
    if item.assignee_id != person.pk:
        raise NotAllowed(_("This task is not yours."))
    if item.purpose != Purpose.DECIDE:
        raise InvalidInput(_("This task asks you to correct and resubmit the request."))
    if item.owner_id is not None:
        raise NotAllowed(
            _("This task was delegated to you: give your advice; %(owner)s decides.")
            % {"owner": item.owner.display_name if item.owner else ""}
        )
    return item


def running(case: Case) -> None:
    if not case.is_running:
        raise Conflict(_("%(case)s has ended; nothing was changed.") % {"case": case.reference})


def newcomers(
    session: Session, step: Step | None, people: Sequence[Person], *, where: str
) -> list[Person]:
    """People to bring into ``step``: active, distinct, not the requester, not holding it."""
    case = session.case
    chosen: list[Person] = []
    problems: list[Problem] = []
    holding: set[int | None] = set()
    if step is not None:
        holding = {i.assignee_id for i in session.ledger.items(step) if i.status in PENDING}
    for index, person in enumerate(people):
        here = f"{where}[{index}]"
        if not isinstance(person, Person):
            problems.append(Problem(_("not a person"), where=here))
        elif not person.is_active:
            message = _("%(person)s is no longer active") % {"person": person.display_name}
            problems.append(Problem(message, where=here))
        elif person.pk == case.requester_id:
            message = _("%(person)s made this request and cannot approve it") % {
                "person": person.display_name
            }
            problems.append(Problem(message, where=here))
        elif person.pk in holding:
            message = _("%(person)s already holds this step") % {"person": person.display_name}
            problems.append(Problem(message, where=here))
        elif person in chosen:
            message = _("%(person)s is named twice") % {"person": person.display_name}
            problems.append(Problem(message, where=here))
        else:
            chosen.append(person)
    if problems:
        raise InvalidInput(_("These people cannot be added to this step."), problems=problems)
    if not chosen:
        raise InvalidInput(
            _("Name at least one person."), problems=[Problem(_("nobody named"), where=where)]
        )
    return chosen


def holders(case: Case) -> list[Person]:
    """The people holding an open work item of the case."""
    items = case.work_items.filter(status=WorkStatus.OPEN, assignee__isnull=False)
    seen: dict[int, Person] = {}
    for item in items.select_related("assignee").order_by("id"):
        if item.assignee is not None:
            seen.setdefault(item.assignee.pk, item.assignee)
    return list(seen.values())


def comment_attributes(comment: str) -> dict[str, str]:
    text = comment.strip()
    return {"comment": text[:500]} if text else {}
