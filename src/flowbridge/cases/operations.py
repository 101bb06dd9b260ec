"""Approval operations beyond approving (M19): 加签, 转交, 委托, 撤回, and what may be done.

Every operation checks who acts, runs on the locked case (:func:`.acting_on`)
so two people acting at once are serialized, appends to the event log,
writes the audit log and notifies the people concerned. Returning and
resubmitting live in :mod:`.returns`; urging, copies and comments (which
change no state, so they do not bump the case's revision) in :mod:`.notes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from django.conf import settings
from django.utils.translation import gettext as _

from flowbridge.cases.acting import (
    case_id_of_item,
    comment_attributes,
    holders,
    is_office,
    newcomers,
    own_item,
    still_open,
    user_of,
)
from flowbridge.cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Origin,
    Purpose,
    StepKind,
    WorkItem,
    WorkStatus,
)
from flowbridge.cases.notes import add_comment, attachment_for, carbon_copy, urge
from flowbridge.cases.returns import resubmit, return_targets, return_to
from flowbridge.cases.runtime import Session, acting_on, compiled_for, end_case
from flowbridge.cases.services import person_of
from flowbridge.cases.steps import new_item
from flowbridge.core import clock
from flowbridge.core.errors import Conflict, InvalidInput, NotAllowed, Problem
from flowbridge.core.permissions import Action, may
from flowbridge.org.models import Person

__all__ = [
    "add_approver",
    "add_comment",
    "attachment_for",
    "available_actions",
    "carbon_copy",
    "delegate",
    "resubmit",
    "return_targets",
    "return_to",
    "transfer",
    "urge",
    "withdraw",
    "withdraw_refusal",
]

POSITIONS = ("before", "after", "parallel")


def add_approver(
    actor: Any,
    item_id: int,
    people: Sequence[Person],
    position: Literal["before", "after", "parallel"],
    *,
    comment: str = "",
    expected_revision: int | None = None,
) -> Case:
    """加签: more approvers in the step of ``item_id``, before, after or beside its holder."""
    person = person_of(actor)
    if position not in POSITIONS:
        raise InvalidInput(
            _("Unknown position %(position)s.") % {"position": str(position)[:20]},
            problems=[Problem(_("before, after or parallel"), where="position")],
        )
    with acting_on(case_id_of_item(item_id), expected_revision=expected_revision) as session:
        item = own_item(session, item_id, person)
        step = item.step
        if step.kind != StepKind.APPROVAL:
            raise InvalidInput(_("Approvers can only be added to an approval step."))
        chosen = newcomers(session, step, people, where="people")
        waiting = _insert(session, item, chosen, position)
        session.log(
            step.name,
            step.node_id,
            "note",
            "add_approver",
            person=person,
            department=item.department,
            step=step,
            item=item,
            attributes={
                "position": position,
                "people": [p.employee_no for p in chosen],
                **comment_attributes(comment),
            },
        )
        if waiting:
            session.notify(waiting, "added_approver", step=step.name, person=person.display_name)
        session.audit(
            actor,
            "cases.add_approver",
            item,
            **{
                "case": session.case.pk,
                "position": position,
                "people": [p.employee_no for p in chosen],
            },
        )
    return session.case


def _insert(session: Session, item: WorkItem, chosen: list[Person], position: str) -> list[Person]:
    """Create the newcomers' items in the right groups; returns those who wait for their turn."""
    step, group = item.step, item.group
    origin = {
        "before": Origin.ADDED_BEFORE,
        "after": Origin.ADDED_AFTER,
        "parallel": Origin.ADDED_PARALLEL,
    }[position]
    if position == "parallel":
        for newcomer in chosen:
            new_item(session, step, newcomer, group=group, origin=origin)
        return []
    # A sequential step takes the newcomers one after another; otherwise they act together.
    one_by_one = step.mode == "sequential"
    groups = len(chosen) if one_by_one else 1
    for later in session.ledger.items(step):
        if later.group > group:
            later.group += groups
            session.ledger.changed(later, "group")
    first = group + 1 if position == "after" else group
    if position == "before":
        item.group = group + groups
        item.status, item.opened_at = WorkStatus.WAITING, None
        session.ledger.changed(item, "group", "status", "opened_at")
    waiting: list[Person] = []
    for index, newcomer in enumerate(chosen):
        at = first + (index if one_by_one else 0)
        opens = position == "before" and at == group
        status = WorkStatus.OPEN if opens else WorkStatus.WAITING
        new_item(session, step, newcomer, group=at, status=status, origin=origin)
        if not opens:
            waiting.append(newcomer)
    return waiting


def _check_recipient(session: Session, item: WorkItem, to: Person) -> None:
    if not isinstance(to, Person):
        raise InvalidInput(_("Choose a person."), problems=[Problem(_("not a person"), where="to")])
    if to.pk == item.assignee_id:
        raise InvalidInput(
            _("%(person)s already holds this task.") % {"person": to.display_name},
            problems=[Problem(_("choose someone else"), where="to")],
        )
    newcomers(session, item.step, [to], where="to")


def transfer(
    actor: Any,
    item_id: int,
    to: Person,
    *,
    comment: str = "",
    expected_revision: int | None = None,
) -> Case:
    """转交: hand a task fully to ``to``; by its holder, or the process office for any open task."""
    person = person_of(actor)
    office = is_office(actor)
    with acting_on(case_id_of_item(item_id), expected_revision=expected_revision) as session:
        item = still_open(session, item_id) if office else own_item(session, item_id, person)
        if item.purpose != Purpose.DECIDE:
            raise InvalidInput(_("Only the requester corrects and resubmits a returned request."))
        _check_recipient(session, item, to)
        step = item.step
        previous = item.assignee
        item.status, item.completed_at = WorkStatus.CANCELLED, session.now
        session.ledger.changed(item, "status", "completed_at")
        moved = WorkItem(
            step=step,
            case=session.case,
            assignee=to,
            owner=item.owner,
            department=item.department,
            purpose=item.purpose,
            status=WorkStatus.OPEN,
            origin=Origin.TRANSFERRED,
            group=item.group,
            created_at=session.now,
            opened_at=session.now,
            due_at=item.due_at,
        )
        session.ledger.add_item(moved)
        session.log(
            step.name,
            step.node_id,
            "reassign",
            "transfer",
            person=person,
            department=item.department,
            step=step,
            item=moved,
            attributes={
                "from": previous.employee_no if previous else "",
                "to": to.employee_no,
                **comment_attributes(comment),
            },
        )
        session.notify([to], "transferred", step=step.name, person=person.display_name)
        if previous is not None and previous.pk != person.pk:
            session.notify([previous], "transferred", step=step.name, person=person.display_name)
        session.audit(
            actor,
            "cases.transfer",
            moved,
            **{"case": session.case.pk, "from": item.assignee_id, "to": to.pk},
        )
    return session.case


def delegate(
    actor: Any,
    item_id: int,
    to: Person,
    *,
    comment: str = "",
    expected_revision: int | None = None,
) -> Case:
    """委托: ask ``to`` to handle a task; their answer comes back to the holder, who decides."""
    person = person_of(actor)
    with acting_on(case_id_of_item(item_id), expected_revision=expected_revision) as session:
        item = own_item(session, item_id, person)
        _check_recipient(session, item, to)
        step = item.step
        item.owner, item.assignee, item.origin = person, to, Origin.DELEGATED
        session.ledger.changed(item, "owner", "assignee", "origin")
        session.log(
            step.name,
            step.node_id,
            "reassign",
            "delegate",
            person=person,
            department=item.department,
            step=step,
            item=item,
            attributes={"to": to.employee_no, **comment_attributes(comment)},
        )
        session.notify([to], "delegated", step=step.name, person=person.display_name)
        session.audit(actor, "cases.delegate", item, case=session.case.pk, to=to.pk)
    return session.case


def withdraw_refusal(case: Case) -> str | None:
    """Why the requester may not withdraw ``case`` now, or None when they may."""
    if not case.is_running:
        return _("%(case)s has ended.") % {"case": case.reference}
    policy = compiled_for(case).config.withdraw
    if policy == "never":
        return _("Requests of this process cannot be withdrawn.")
    if policy == "any_time":
        return None
    acted = case.work_items.filter(status=WorkStatus.DONE).exclude(completed_by=case.requester_id)
    if acted.exists():
        return _("Someone has already decided on %(case)s; it can no longer be withdrawn.") % {
            "case": case.reference
        }
    return None


def withdraw(
    actor: Any, case_id: int, *, reason: str = "", expected_revision: int | None = None
) -> Case:
    """撤回: the requester ends their own request while the process allows it."""
    person = person_of(actor)
    with acting_on(case_id, expected_revision=expected_revision) as session:
        case = session.case
        if case.requester_id != person.pk:
            raise NotAllowed(_("Only the requester can withdraw a request."))
        refusal = withdraw_refusal(case)
        if refusal is not None:
            raise NotAllowed(refusal) if case.is_running else Conflict(refusal)
        concerned = [p for p in holders(case) if p.pk != person.pk]
        end_case(
            session,
            CaseStatus.WITHDRAWN,
            person=person,
            operation="withdraw",
            lifecycle="pi_abort",
            department=case.requester_department,
        )
        if reason.strip():
            session.events[-1].attributes["reason"] = reason.strip()[:500]
        if concerned:
            session.notify(concerned, "case_withdrawn")
        session.audit(actor, "cases.withdraw", case, reason=reason.strip()[:500])
    return session.case


def _urged_recently(case: Case, person: Person) -> bool:
    minutes = int(getattr(settings, "FLOWBRIDGE_URGE_INTERVAL_MINUTES", 60))
    last = (
        CaseEvent.objects.filter(case=case, operation="urge", person=person)
        .order_by("-timestamp")
        .values_list("timestamp", flat=True)
        .first()
    )
    return last is not None and (clock.now() - last).total_seconds() < minutes * 60


def available_actions(actor: Any, case: Case, item: WorkItem | None = None) -> set[str]:
    """What the pages and the API may offer ``actor`` on ``case`` (and ``item``) right now."""
    try:
        person = person_of(actor)
    except NotAllowed:
        return set()
    actions: set[str] = set()
    if not may(user_of(actor), Action.VIEW, case):
        return actions
    actions.add("comment")
    office = is_office(actor)
    requester = case.requester_id == person.pk
    if requester or office:
        actions.add("cc")
    if not case.is_running:
        return actions
    mine = item is not None and item.case_id == case.pk and item.status == WorkStatus.OPEN
    if item is not None and mine and item.assignee_id == person.pk:
        actions.add("cc")
        if item.purpose == Purpose.RESUBMIT:
            actions.add("resubmit")
        else:
            actions |= {"done"} if item.step.kind == StepKind.TASK else {"approve", "reject"}
            if item.owner_id is None:
                actions |= {"transfer", "delegate", "return"}
                if item.step.kind == StepKind.APPROVAL:
                    actions.add("add_approver")
    elif any(p.pk == person.pk for p in holders(case)):
        actions.add("cc")
    if item is not None and mine and office and item.purpose == Purpose.DECIDE:
        actions.add("transfer")
    if requester and withdraw_refusal(case) is None:
        actions.add("withdraw")
    if (requester or office) and not _urged_recently(case, person):
        actions.add("urge")
    return actions
