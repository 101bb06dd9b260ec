"""Response schemas of the requests API and the builders that fill them.

Builders load what a schema shows in a fixed number of queries; request
bodies and their schemas are in :mod:`.api_input`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema

from flowbridge.cases import operations, queries
from flowbridge.cases.models import Case, CaseEvent, Step, WorkItem
from flowbridge.notify import services as notify
from flowbridge.notify.models import Notification
from flowbridge.org.models import Person
from flowbridge.processes import forms

# Output -----------------------------------------------------------------------


class PersonRef(Schema):
    employee_no: str
    name: str


class OptionOut(Schema):
    value: str
    label: str


class FieldOut(Schema):
    id: str
    label: str
    type: str
    required: bool
    readonly: bool
    default: str | None
    options: list[OptionOut]


class CatalogEntry(Schema):
    key: str
    name: str
    description: str
    version: int
    fields: list[FieldOut]


class ValueOut(Schema):
    id: str
    label: str
    type: str
    value: Any
    display: str


class HolderOut(Schema):
    item_id: int
    step: str
    node_id: str
    person: PersonRef | None
    department: str | None
    unassigned: bool
    since: datetime | None
    due_at: datetime | None


class StepOut(Schema):
    id: int
    node_id: str
    name: str
    kind: str
    mode: str
    status: str
    outcome: str
    department: str | None
    opened_at: datetime
    closed_at: datetime | None
    due_at: datetime | None


class MyTaskOut(Schema):
    item_id: int
    step: str
    purpose: str
    actions: list[str]


class CaseSummary(Schema):
    id: int
    reference: str
    title: str
    process: str
    version: int
    status: str
    revision: int
    requester: PersonRef
    started_at: datetime
    ended_at: datetime | None


class CaseRow(CaseSummary):
    """A case in a list, read straight from the model (definition, version, requester joined)."""

    @staticmethod
    def resolve_process(obj: Case) -> str:
        return obj.definition.key

    @staticmethod
    def resolve_version(obj: Case) -> int:
        return obj.version.number

    @staticmethod
    def resolve_requester(obj: Case) -> PersonRef | None:
        return ref(obj.requester)


class CaseOut(CaseSummary):
    process_name: str
    requester_department: str | None
    values: list[ValueOut]
    holders: list[HolderOut]
    steps: list[StepOut]
    actions: list[str]
    my_tasks: list[MyTaskOut]


class EventOut(Schema):
    id: int
    activity: str
    activity_id: str
    lifecycle: str
    operation: str
    timestamp: datetime
    person: PersonRef | None
    department: str | None
    attributes: dict[str, Any]


class TaskOut(Schema):
    item_id: int
    case_id: int
    reference: str
    title: str
    process: str
    step: str
    node_id: str
    purpose: str
    origin: str
    unassigned: bool
    on_behalf_of: PersonRef | None
    requester: PersonRef
    opened_at: datetime | None
    due_at: datetime | None


class CountsOut(Schema):
    open: int
    overdue: int
    due_today: int
    unassigned: int
    copies_unread: int


class InboxOut(Schema):
    counts: CountsOut
    items: list[TaskOut]


class TaskDetailOut(TaskOut):
    status: str
    revision: int
    fields: list[FieldOut]
    actions: list[str]


class TargetOut(Schema):
    id: str
    name: str


class CommentOut(Schema):
    id: int
    case_id: int
    text: str
    author: PersonRef
    created_at: datetime


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_text(obj: Notification) -> str:
        return notify.text_of(obj)


class MarkedOut(Schema):
    marked: int


# Builders ---------------------------------------------------------------------


def ref(p: Person | None) -> PersonRef | None:
    return PersonRef(employee_no=p.employee_no, name=p.display_name) if p is not None else None


def field_out(f: forms.FormField) -> FieldOut:
    options = [OptionOut(value=v, label=f.option_label(v)) for v, _zh, _en in f.options]
    return FieldOut(
        id=f.id,
        label=f.label,
        type=f.type,
        required=f.required,
        readonly=f.readonly,
        default=f.default,
        options=options,
    )


def _summary_fields(case: Case) -> dict[str, Any]:
    requester = ref(case.requester)
    assert requester is not None
    return {
        "id": case.pk,
        "reference": case.reference,
        "title": case.title,
        "process": case.definition.key,
        "version": case.version.number,
        "status": case.status,
        "revision": case.revision,
        "requester": requester,
        "started_at": case.started_at,
        "ended_at": case.ended_at,
    }


def _step_out(step: Step) -> StepOut:
    return StepOut(
        id=step.pk,
        node_id=step.node_id,
        name=step.name,
        kind=step.kind,
        mode=step.mode,
        status=step.status,
        outcome=step.outcome,
        department=step.department.code if step.department else None,
        opened_at=step.opened_at,
        closed_at=step.closed_at,
        due_at=step.due_at,
    )


def case_out(actor: Any, case: Case) -> CaseOut:
    """Everything a client shows about one case, for ``actor``."""
    spec = forms.form_for(case.version)
    values = [
        ValueOut(
            id=f.id,
            label=f.label,
            type=f.type,
            value=case.form_data.get(f.id),
            display=forms.display_value(f, case.form_data.get(f.id)),
        )
        for f in spec.fields
    ]
    held = queries.current_holders(case)
    holders = [
        HolderOut(
            item_id=i.pk,
            step=i.step.name,
            node_id=i.step.node_id,
            person=ref(i.assignee),
            department=i.department.code if i.department else None,
            unassigned=i.unassigned,
            since=i.opened_at,
            due_at=i.due_at,
        )
        for i in held
    ]
    steps = [_step_out(s) for s in case.steps.select_related("department").order_by("id")]
    mine = [i for i in held if i.assignee is not None and i.assignee.user_id == _user_id(actor)]
    my_tasks = [
        MyTaskOut(
            item_id=i.pk,
            step=i.step.name,
            purpose=i.purpose,
            actions=sorted(operations.available_actions(actor, case, i)),
        )
        for i in mine
    ]
    department = case.requester_department
    return CaseOut(
        **_summary_fields(case),
        process_name=case.definition.display_name,
        requester_department=department.code if department else None,
        values=values,
        holders=holders,
        steps=steps,
        actions=sorted(operations.available_actions(actor, case)),
        my_tasks=my_tasks,
    )


def _user_id(actor: Any) -> Any:
    return actor.user_id if isinstance(actor, Person) else getattr(actor, "pk", None)


def event_out(e: CaseEvent) -> EventOut:
    return EventOut(
        id=e.pk,
        activity=e.activity,
        activity_id=e.activity_id,
        lifecycle=e.lifecycle,
        operation=e.operation,
        timestamp=e.timestamp,
        person=ref(e.person),
        department=e.department.code if e.department else None,
        attributes=e.attributes or {},
    )


def task_fields(item: WorkItem) -> dict[str, Any]:
    case = item.case
    requester = ref(case.requester)
    assert requester is not None
    return {
        "item_id": item.pk,
        "case_id": case.pk,
        "reference": case.reference,
        "title": case.title,
        "process": case.definition.key,
        "step": item.step.name,
        "node_id": item.step.node_id,
        "purpose": item.purpose,
        "origin": item.origin,
        "unassigned": item.unassigned,
        "on_behalf_of": ref(item.on_behalf_of),
        "requester": requester,
        "opened_at": item.opened_at,
        "due_at": item.due_at,
    }
