"""退回 and resubmission: send a request back to an earlier step or to the requester.

Returning to a step resets the engine to that step's last completion:
everything after it is undone and it waits again with a fresh assignment.
Returning to the requester keeps the step open, cancels its decisions and
gives the requester a task to correct the form; when they resubmit, the
same step starts again from the beginning ("into the same node").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from flowbridge.cases import engine
from flowbridge.cases.acting import PENDING, case_id_of_item, comment_attributes, own_item
from flowbridge.cases.models import (
    Case,
    Decision,
    Origin,
    Purpose,
    Step,
    WorkItem,
    WorkStatus,
)
from flowbridge.cases.runtime import Session, acting_on, compiled_for
from flowbridge.cases.services import engine_values, open_item, person_of, store_form
from flowbridge.cases.steps import advance, cancel_items, cancel_step, open_step
from flowbridge.core.errors import InvalidInput, Problem
from flowbridge.processes import forms

REQUESTER = "requester"


def _targets(case: Case, workflow: Any, compiled: engine.CompiledProcess) -> list[tuple[str, str]]:
    """Human nodes this case completed (and still stands on), oldest first, then the requester."""
    open_nodes = set(case.steps.filter(status="open").values_list("node_id", flat=True))
    found: dict[str, str] = {}
    for task in engine.completed_tasks(workflow):
        node = engine.node_id(task)
        config = compiled.config.node(node)
        if config.is_human and node not in open_nodes:
            found.setdefault(node, config.name)
    return [*found.items(), (REQUESTER, _("The requester, to correct and resubmit"))]


def return_targets(case: Case) -> list[tuple[str, str]]:
    """Where ``case`` may be returned to: ``[(node_id, name), ..., ("requester", label)]``."""
    if not case.is_running:
        return []
    compiled = compiled_for(case)
    return _targets(case, engine.restore(compiled, case.engine_state), compiled)


def return_to(
    actor: Any,
    item_id: int,
    target: str,
    *,
    comment: str,
    expected_revision: int | None = None,
) -> Case:
    """Return the request from the step of ``item_id`` to ``target`` (a node id or "requester")."""
    person = person_of(actor)
    if not comment.strip():
        raise InvalidInput(
            _("Say why you return it."),
            problems=[Problem(_("a reason is required to return"), where="comment")],
        )
    with acting_on(case_id_of_item(item_id), expected_revision=expected_revision) as session:
        item = own_item(session, item_id, person)
        step = item.step
        targets = dict(_targets(session.case, session.workflow, session.compiled))
        if target not in targets:
            raise InvalidInput(
                _("%(target)s is not a step this request has passed.") % {"target": target[:60]},
                problems=[
                    Problem(
                        _("choose one of: %(choices)s") % {"choices": ", ".join(targets)},
                        where="target",
                    )
                ],
            )
        item.status, item.comment = WorkStatus.CANCELLED, comment.strip()
        item.completed_at, item.completed_by = session.now, person
        session.ledger.changed(item, "status", "comment", "completed_at", "completed_by")
        session.log(
            step.name,
            step.node_id,
            "complete",
            "return",
            person=person,
            department=item.department,
            step=step,
            item=item,
            attributes={"decision": "returned", "target": target, **comment_attributes(comment)},
        )
        if target == REQUESTER:
            _to_requester(session, step, person, comment)
        else:
            _to_node(session, step, target)
        session.notify(
            [session.case.requester],
            "returned",
            step=step.name,
            target=targets[target],
            person=person.display_name,
            comment=comment.strip()[:200],
        )
        session.audit(
            actor,
            "cases.return",
            item,
            **{"case": session.case.pk, "target": target, "comment": comment.strip()[:500]},
        )
    return session.case


def _cancel_decisions(session: Session, step: Step) -> None:
    pending = [
        i for i in session.ledger.items(step) if i.status in PENDING and i.purpose == Purpose.DECIDE
    ]
    for other in pending:
        if other.status == WorkStatus.OPEN:
            session.log(
                step.name,
                step.node_id,
                "ate_abort",
                "return",
                person=other.assignee,
                department=other.department,
                step=step,
                item=other,
            )
    cancel_items(session, pending)


def _to_requester(session: Session, step: Step, person: Any, comment: str) -> None:
    """The step stays open; its decisions are off; the requester gets a task to correct the form."""
    _cancel_decisions(session, step)
    requester = session.case.requester
    item = WorkItem(
        step=step,
        case=session.case,
        assignee=requester,
        department=session.case.requester_department,
        purpose=Purpose.RESUBMIT,
        status=WorkStatus.OPEN,
        origin=Origin.RETURNED,
        group=0,
        created_at=session.now,
        opened_at=session.now,
    )
    session.ledger.add_item(item)
    session.log(
        step.name,
        step.node_id,
        "assign",
        Origin.RETURNED,
        person=requester,
        department=item.department,
        step=step,
        item=item,
        attributes={"by": person.employee_no},
    )


def _to_node(session: Session, step: Step, target: str) -> None:
    """Reset the engine to the target's last completion; steps after it are cancelled."""
    cancel_step(session, step, operation="return")
    step.outcome = "returned"
    session.ledger.changed(step, "outcome")
    done = [t for t in engine.completed_tasks(session.workflow) if engine.node_id(t) == target]
    engine.reset_to(session.workflow, done[-1].id)
    advance(session)


def resubmit(
    actor: Any,
    item_id: int,
    values: Mapping[str, Any],
    files: Mapping[str, Sequence[UploadedFile[Any]]] | None = None,
    *,
    comment: str = "",
    expected_revision: int | None = None,
) -> Case:
    """The requester corrects the form of a returned request; its step starts again."""
    person = person_of(actor)
    with acting_on(case_id_of_item(item_id), expected_revision=expected_revision) as session:
        item = open_item(session, item_id, person, purpose=Purpose.RESUBMIT)
        case, step = session.case, item.step
        spec = forms.form_for(case.version)
        cleaned = forms.clean(spec, values, files, partial=True)
        stored = store_form(case, person, cleaned, spec)
        changed = sorted(k for k, v in stored.items() if case.form_data.get(k) != v)
        case.form_data = {**case.form_data, **stored}
        engine.set_data(
            session.workflow, step.spiff_task_id, engine_values(case.version, case.form_data, case)
        )
        item.status, item.decision, item.comment = (
            WorkStatus.DONE,
            Decision.RESUBMITTED,
            comment.strip(),
        )
        item.completed_at, item.completed_by = session.now, person
        session.ledger.changed(
            item, "status", "decision", "comment", "completed_at", "completed_by"
        )
        session.log(
            step.name,
            step.node_id,
            "complete",
            "resubmit",
            person=person,
            department=item.department,
            step=step,
            item=item,
            attributes={"changed": changed, **comment_attributes(comment)},
        )
        returner = case.events.filter(step=step, operation="return", lifecycle="complete")
        by = [e.person for e in returner.select_related("person") if e.person is not None]
        cancel_step(session, step, operation="resubmit")
        step.outcome = "returned"
        session.ledger.changed(step, "outcome")
        config = session.compiled.config.node(step.node_id)
        open_step(session, engine.find(session.workflow, step.spiff_task_id), config)
        if by:
            session.notify(by[-1:], "resubmitted", step=step.name, person=person.display_name)
        session.audit(actor, "cases.resubmit", item, case=case.pk, changed=changed)
    return session.case
