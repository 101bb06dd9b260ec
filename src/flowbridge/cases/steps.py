"""Steps and work items: who holds a node, and when a node's decision is made.

:func:`advance` keeps the materialized rows in line with the engine: every
waiting human task has one open step with work items; copies and automatic
nodes are carried out and completed at once; a step whose engine task is no
longer waiting (after a return) is cancelled. :func:`decide_item` applies
one person's decision and says when the whole step is decided, following the
step's mode (sequential, countersign, or-sign).
"""

from __future__ import annotations

from typing import Any

from flowbridge.cases import assignment, engine
from flowbridge.cases.models import (
    CarbonCopy,
    CaseStatus,
    Decision,
    Origin,
    Purpose,
    Step,
    StepStatus,
    WorkItem,
    WorkStatus,
)
from flowbridge.cases.nodes import NodeConfig
from flowbridge.cases.runtime import Session, end_case
from flowbridge.core import expressions
from flowbridge.core.errors import DomainError
from flowbridge.core.workcalendar import WorkingDuration
from flowbridge.org.models import Person
from flowbridge.processes.reserved_ids import original_id

MAX_AUTOMATIC_STEPS = 200
APPROVING = (Decision.APPROVED, Decision.DONE)
PENDING = (WorkStatus.OPEN, WorkStatus.WAITING)


def context(session: Session) -> assignment.Context:
    case = session.case
    return assignment.Context(
        requester=case.requester,
        requester_department=case.requester_department,
        form=case.form_data,
        on=session.today(),
        memo=session.memo,
    )


def due_at(session: Session, due: str) -> Any:
    """The deadline ``due`` working time from now; none when the calendar cannot say."""
    if not due:
        return None
    try:
        duration = WorkingDuration.parse(due)
        calendar = session.company_calendar()
        moment = calendar.add_days(session.now, duration.days) if duration.days else session.now
        return calendar.add_working_time(moment, duration.time) if duration.time else moment
    except DomainError:
        return None


def new_item(
    session: Session,
    step: Step,
    person: Person | None,
    *,
    group: int,
    status: str = WorkStatus.OPEN,
    origin: str = Origin.ASSIGNED,
    on_behalf_of: Person | None = None,
    purpose: str = Purpose.DECIDE,
    owner: Person | None = None,
    unassigned: bool = False,
) -> WorkItem:
    """A saved work item; an open one is logged as assigned and its holder notified.

    The item's department is the one its holder acts for (a deputy acts for the
    absent person's department), so the event log says which department did
    the work; the step keeps the node's department.
    """
    acting_for = on_behalf_of or person
    department_id = acting_for.department_id if acting_for is not None else step.department_id
    item = WorkItem(
        step=step,
        case=session.case,
        assignee=person,
        owner=owner,
        on_behalf_of=on_behalf_of,
        department_id=department_id or step.department_id,
        purpose=purpose,
        status=status,
        origin=origin,
        group=group,
        unassigned=unassigned,
        created_at=session.now,
        opened_at=session.now if status == WorkStatus.OPEN else None,
        due_at=step.due_at,
    )
    session.ledger.add_item(item)
    if status == WorkStatus.OPEN:
        announce(session, item)
    return item


def announce(session: Session, item: WorkItem, lifecycle: str = "assign") -> None:
    """Log an item's opening and tell its holder."""
    step = item.step
    session.log(
        step.name,
        step.node_id,
        lifecycle,
        item.origin,
        person=item.assignee,
        department_id=item.department_id,
        step=step,
        item=item,
        attributes={"on_behalf_of": item.on_behalf_of.employee_no} if item.on_behalf_of else {},
    )
    if item.assignee is not None:
        session.notify([item.assignee], "task_assigned", step=step.name)


def open_step(session: Session, task: Any, config: NodeConfig) -> Step:
    """A step for a waiting human task, with its work items as the node's rules resolve."""
    found = assignment.resolve(
        config.assignee_rules, context(session), lane=config.lane, department_code=config.department
    )
    step = Step(
        case=session.case,
        spiff_task_id=task.id,
        node_id=config.node_id,
        name=config.name,
        kind=config.kind,
        mode=config.mode,
        department_id=found.department_id,
        opened_at=session.now,
        due_at=due_at(session, config.due),
    )
    session.ledger.add_step(step)
    sequential = config.mode == "sequential" and not found.unassigned
    origin = Origin.UNASSIGNED if found.unassigned else Origin.ASSIGNED
    if not found.assignees:
        new_item(session, step, None, group=0, origin=origin, unassigned=True)
    for index, assignee in enumerate(found.assignees):
        group = index if sequential else 0
        new_item(
            session,
            step,
            assignee.person,
            group=group,
            status=WorkStatus.OPEN if group == 0 else WorkStatus.WAITING,
            origin=origin,
            on_behalf_of=assignee.on_behalf_of,
            unassigned=found.unassigned,
        )
    if found.unassigned:
        session.log(
            step.name,
            step.node_id,
            "note",
            "unresolved",
            step=step,
            department_id=found.department_id,
            attributes={"unresolved": found.unresolved},
        )
    return step


def _carbon_copy(session: Session, config: NodeConfig, rules: tuple[str, ...]) -> None:
    found = assignment.resolve(rules, context(session))
    people = [a.person for a in found.assignees] if not found.unassigned else []
    existing = set(
        CarbonCopy.objects.filter(case=session.case, person__in=people).values_list(
            "person_id", flat=True
        )
    )
    existing |= {r.person_id for r in session.ledger.new_rows if isinstance(r, CarbonCopy)}
    fresh = [p for p in people if p.pk not in existing]
    for person in fresh:
        session.ledger.add_row(CarbonCopy(case=session.case, person=person, created_at=session.now))
    if fresh:
        session.notify(fresh, "case_copied", step=config.name)
        session.log(
            config.name,
            config.node_id,
            "note",
            "cc",
            department_id=found.department_id,
            attributes={"people": [p.employee_no for p in fresh]},
        )


def _automatic(session: Session, task: Any, config: NodeConfig) -> dict[str, Any]:
    """Carry out a copy or automatic node; the values it sets go to the engine and the form."""
    values: dict[str, Any] = {}
    if config.kind == "cc":
        _carbon_copy(session, config, config.cc_rules or config.assignee_rules)
    for field_id, expression in config.sets:
        values[field_id] = expressions.evaluate(expression, dict(task.data))
    if values:
        session.case.form_data = {**session.case.form_data, **values}
        session.log(config.name, config.node_id, "complete", "auto", attributes={"set": values})
    return values


def advance(session: Session) -> None:
    """Bring steps in line with the engine; run automatic nodes; end the case when the flow ends."""
    workflow = session.workflow
    for _round in range(MAX_AUTOMATIC_STEPS):
        ready = engine.ready_tasks(workflow)
        open_by_task = {s.spiff_task_id: s for s in session.ledger.open_steps()}
        ready_ids = {t.id for t in ready}
        for task_id, step in open_by_task.items():
            if task_id not in ready_ids:
                cancel_step(session, step, operation="reset")
        progressed = False
        for task in ready:
            if task.id in open_by_task:
                continue
            config = session.compiled.config.node(engine.node_id(task))
            if config.is_human:
                open_step(session, task, config)
                continue
            values = _automatic(session, task, config)
            engine.complete(workflow, task.id, values)
            progressed = True
            break
        if not progressed:
            break
    if engine.is_completed(workflow):
        _finish_case(session)


def _finish_case(session: Session) -> None:
    case = session.case
    case.status = CaseStatus.COMPLETED
    case.ended_at = session.now
    end_name, end_id = _reached_end(session)
    session.log(
        end_name or str(CaseStatus.COMPLETED.label), end_id or "case:end", "complete", "end"
    )
    session.notify([case.requester], "case_completed")


def _reached_end(session: Session) -> tuple[str, str]:
    """The name and id of the end event the flow reached last."""
    last = session.workflow.last_task
    spec = last.task_spec if last is not None else None
    while spec is not None and last is not None and not getattr(spec, "bpmn_name", None):
        last = last.parent
        spec = last.task_spec if last is not None else None
    if spec is None:
        return "", ""
    return str(spec.bpmn_name or ""), original_id(str(getattr(spec, "bpmn_id", "") or ""))


def cancel_step(session: Session, step: Step, *, operation: str) -> None:
    """Close a step nobody needs to act on any more (a return, a withdrawal, a rejection)."""
    pending = [i for i in session.ledger.items(step) if i.status in PENDING]
    for item in pending:
        if item.status == WorkStatus.OPEN:
            session.log(
                step.name,
                step.node_id,
                "ate_abort",
                operation,
                person=item.assignee,
                department_id=item.department_id,
                step=step,
                item=item,
            )
    cancel_items(session, pending)
    step.status = StepStatus.CANCELLED
    step.closed_at = session.now
    session.ledger.changed(step, "status", "closed_at")


def cancel_items(session: Session, items: list[WorkItem]) -> None:
    """Close items nobody needs any more (written with the session)."""
    for item in items:
        item.status, item.completed_at = WorkStatus.CANCELLED, session.now
        session.ledger.changed(item, "status", "completed_at")


def cancel_open_steps(session: Session) -> None:
    for step in session.ledger.open_steps():
        cancel_step(session, step, operation="case_closed")


def group_result(items: list[WorkItem], mode: str, rule: str) -> str | None:
    """The decision of one group of items, or None while it is still open."""
    decided = [i for i in items if i.status == WorkStatus.DONE]
    pending = [i for i in items if i.status in (WorkStatus.OPEN, WorkStatus.WAITING)]
    if not decided:
        return None
    approving = [i for i in decided if i.decision in APPROVING]
    if mode != "countersign":
        first = min(decided, key=lambda i: (i.completed_at, i.pk))
        return Decision.APPROVED if first.decision in APPROVING else Decision.REJECTED
    if rule == "majority":
        if pending:
            return None
        return Decision.APPROVED if 2 * len(approving) > len(decided) else Decision.REJECTED
    if len(approving) < len(decided):
        return Decision.REJECTED
    return None if pending else Decision.APPROVED


def step_after_decision(session: Session, step: Step, item: WorkItem, rule: str) -> str | None:
    """After ``item`` was decided: the step's outcome, or None when others still have to act."""
    items = [
        i
        for i in session.ledger.items(step)
        if i.purpose == Purpose.DECIDE and i.status != WorkStatus.CANCELLED
    ]
    group = [i for i in items if i.group == item.group]
    result = group_result(group, step.mode, rule)
    if result is None:
        return None
    leftover = [i for i in (items if result == Decision.REJECTED else group) if i.status in PENDING]
    cancel_items(session, leftover)
    if result == Decision.REJECTED:
        return result
    later = [i for i in items if i.status == WorkStatus.WAITING and i.group > item.group]
    if later:
        next_group = min(i.group for i in later)
        for waiting in [i for i in later if i.group == next_group]:
            waiting.status = WorkStatus.OPEN
            waiting.opened_at = session.now
            session.ledger.changed(waiting, "status", "opened_at")
            announce(session, waiting)
        return None
    return result


def finish_step(session: Session, step: Step, outcome: str, person: Person | None) -> None:
    """The step is decided: close it and move the engine on, or end the case on a rejection."""
    config = session.compiled.config.node(step.node_id)
    step.status = StepStatus.DONE
    step.outcome = outcome
    step.closed_at = session.now
    session.ledger.changed(step, "status", "outcome", "closed_at")
    if config.cc_rules and config.kind != "cc":
        _carbon_copy(session, config, config.cc_rules)
    if outcome == Decision.REJECTED and config.on_reject == "end":
        end_case(
            session,
            CaseStatus.REJECTED,
            person=person,
            operation="reject",
            department_id=step.department_id,
        )
        return
    task = engine.find(session.workflow, step.spiff_task_id)
    decisions = dict(task.data.get("decisions") or {})
    decisions[step.node_id] = outcome
    engine.complete(
        session.workflow, step.spiff_task_id, {"decision": outcome, "decisions": decisions}
    )
    advance(session)
