"""Starting requests and deciding tasks: every change to a case goes through here.

Each function checks permission, runs in one transaction on the locked case
(:mod:`.runtime`), appends to the event log and writes the audit log. The
further approval operations (add approver, transfer, delegate, return,
withdraw, urge, carbon copy, comments) live in :mod:`.operations`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from flowbridge.cases import engine
from flowbridge.cases.acting import case_id_of_item, still_open
from flowbridge.cases.models import Attachment, Case, Decision, Purpose, StepKind, WorkItem
from flowbridge.cases.runtime import Session, acting_on, compiled_for_version, save
from flowbridge.cases.steps import advance, finish_step, step_after_decision
from flowbridge.core import clock
from flowbridge.core.errors import InvalidInput, NotAllowed, NotFound, Problem
from flowbridge.org.models import Person
from flowbridge.processes import forms
from flowbridge.processes.models import ProcessDefinition, ProcessVersion
from flowbridge.processes.services import get_definition, get_version

RESERVED = ("decision", "decisions", "requester", "case")


def person_of(actor: Any) -> Person:
    """The person behind a signed-in user; acting on requests needs one."""
    if isinstance(actor, Person):
        return actor
    user_id = getattr(actor, "pk", None)
    person = Person.objects.filter(user_id=user_id).first() if user_id is not None else None
    if person is None or not person.is_active:
        raise NotAllowed(_("Your account is not linked to an active person in the organization."))
    return person


def _store_files(
    case: Case, person: Person, files: Sequence[UploadedFile[Any]], field_id: str
) -> list[Any]:
    stored = []
    for upload in files:
        data = upload.read()
        upload.seek(0)
        row = Attachment(
            case=case,
            field_id=field_id,
            name=(upload.name or "file")[:255],
            size=upload.size or len(data),
            content_type=(upload.content_type or "")[:100],
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=person,
            uploaded_at=clock.now(),
        )
        row.file.save(upload.name or "file", upload, save=False)
        row.save()
        stored.append({"id": row.pk, "name": row.name, "size": row.size})
    return stored


def store_form(
    case: Case, person: Person, cleaned: Mapping[str, Any], spec: forms.FormSpec
) -> dict[str, Any]:
    """JSON form values: uploaded files are saved as attachments and stored by id and name."""
    stored: dict[str, Any] = {}
    for key, value in cleaned.items():
        field = spec.field(key)
        if field is not None and field.type == "attachment":
            stored[key] = _store_files(case, person, value or [], key)
        else:
            stored[key] = value
    return stored


def all_fields(version: ProcessVersion) -> forms.FormSpec:
    """The start form and every task's form together: conditions may use any of their fields."""
    compiled = compiled_for_version(version)
    fields = list(forms.form_for(version).fields)
    seen = {f.id for f in fields}
    for node_id, config in compiled.config.nodes.items():
        if config.is_human:
            for f in task_form(version, node_id).fields:
                if f.id not in seen:
                    seen.add(f.id)
                    fields.append(f)
    return forms.FormSpec(fields)


def task_form(version: ProcessVersion, node_id: str) -> forms.FormSpec:
    """The form of a task; manual and plain tasks carry none."""
    try:
        return forms.form_for(version, node_id)
    except NotFound:
        return forms.FormSpec([])


def engine_values(version: ProcessVersion, stored: Mapping[str, Any], case: Case) -> dict[str, Any]:
    """What conditions see: every form field (start and task forms) as a JSON primitive."""
    values = forms.engine_values(all_fields(version), stored)
    values["requester"] = case.requester.employee_no
    return values


def _title(case: Case, template: str, spec: forms.FormSpec) -> str:
    if template:
        shown = {f.id: forms.display_value(f, case.form_data.get(f.id)) for f in spec.fields}
        try:
            return template.format_map(shown)[:300]
        except (KeyError, ValueError, IndexError):
            pass
    return f"{case.definition.display_name} · {case.requester.display_name}"[:300]


def start_case(
    actor: Any,
    process: ProcessDefinition | str,
    values: Mapping[str, Any],
    files: Mapping[str, Sequence[UploadedFile[Any]]] | None = None,
    *,
    title: str = "",
    version_number: int | None = None,
) -> Case:
    """Start a request on the current (or given) version of ``process`` with its form values."""
    requester = person_of(actor)
    definition = get_definition(process) if isinstance(process, str) else process
    version = get_version(definition, version_number)
    spec = forms.form_for(version)
    cleaned = forms.clean(spec, values, files)
    with transaction.atomic():
        case = Case.objects.create(**new_case_fields(version, requester, title, clock.now()))
        try:
            session = begin(actor, case, cleaned, spec, title)
        except engine.EngineError as error:
            raise InvalidInput(
                _("The request cannot start with these values: %(reason)s")
                % {"reason": str(error)[:300]}
            ) from error
        save(session)
    return case


def new_case_fields(
    version: ProcessVersion, requester: Person, title: str, now: Any
) -> dict[str, Any]:
    """The columns of a case about to start (its form and title are filled in by :func:`begin`)."""
    return {
        "definition": version.definition,
        "version": version,
        "title": title[:300] or version.definition.display_name,
        "requester": requester,
        "requester_department": requester.department,
        "started_at": now,
    }


def begin(
    actor: Any,
    case: Case,
    cleaned: Mapping[str, Any],
    spec: forms.FormSpec,
    title: str = "",
    memo: dict[Any, Any] | None = None,
) -> Session:
    """The session of a case just created: its form stored, its engine run to the first steps."""
    compiled = compiled_for_version(case.version)
    requester = case.requester
    case.form_data = store_form(case, requester, cleaned, spec)
    case.title = title[:300] or _title(case, compiled.config.title, spec)
    workflow = engine.start(compiled, engine_values(case.version, case.form_data, case))
    session = Session(case, workflow, compiled, case.started_at)
    session.ledger.start_empty()
    if memo is not None:
        session.memo = memo
    session.log(
        _start_name(compiled),
        "case:start",
        "complete",
        "start",
        person=requester,
        department=case.requester_department,
    )
    advance(session)
    session.audit(actor, "cases.case.start", case, version=case.version.number)
    return session


def _start_name(compiled: engine.CompiledProcess) -> str:
    for spec in compiled.spec.task_specs.values():
        if type(spec).__name__ == "StartEvent" and getattr(spec, "bpmn_name", None):
            return str(spec.bpmn_name)
    return _("Submit")


def open_item(
    session: Session, item_id: int, person: Person, *, purpose: str = Purpose.DECIDE
) -> WorkItem:
    """The work item, re-read under the case lock, if ``person`` may act on it now."""
    item = still_open(session, item_id)
    if item.assignee_id != person.pk:
        raise NotAllowed(_("This task is not yours."))
    if item.purpose != purpose:
        raise InvalidInput(_("This task asks for another action."))
    return item


def decide(
    actor: Any,
    item_id: int,
    decision: str,
    *,
    comment: str = "",
    values: Mapping[str, Any] | None = None,
    files: Mapping[str, Sequence[UploadedFile[Any]]] | None = None,
    expected_revision: int | None = None,
) -> Case:
    """Approve or reject (approval steps) or mark done (task steps) one work item."""
    person = person_of(actor)
    check_decision(decision, comment)
    with acting_on(case_id_of_item(item_id), expected_revision=expected_revision) as session:
        decide_in(session, actor, person, item_id, decision, comment, values, files)
    return session.case


def check_decision(decision: str, comment: str) -> None:
    """Refuse an unknown decision, or a rejection without a reason."""
    if decision not in (Decision.APPROVED, Decision.REJECTED, Decision.DONE):
        raise InvalidInput(
            _("Unknown decision %(decision)s.") % {"decision": decision},
            problems=[Problem(_("approved, rejected or done"), where="decision")],
        )
    if decision == Decision.REJECTED and not comment.strip():
        raise InvalidInput(
            _("Say why you reject it."),
            problems=[Problem(_("a reason is required to reject"), where="comment")],
        )


def decide_in(
    session: Session,
    actor: Any,
    person: Person,
    item_id: int,
    decision: str,
    comment: str = "",
    values: Mapping[str, Any] | None = None,
    files: Mapping[str, Sequence[UploadedFile[Any]]] | None = None,
) -> None:
    """:func:`decide` on a case already locked in ``session`` (one of a bulk decision's cases)."""
    item = open_item(session, item_id, person)
    step = item.step
    if (step.kind == StepKind.TASK) != (decision == Decision.DONE):
        raise InvalidInput(_("A task is marked done; an approval is approved or rejected."))
    if item.owner_id is not None:
        _hand_back(session, item, person, comment, decision)
        return
    task_values = _task_values(session, step.node_id, person, values, files)
    item.status, item.decision, item.comment = "done", decision, comment.strip()
    item.completed_at, item.completed_by = session.now, person
    session.ledger.changed(item, "status", "decision", "comment", "completed_at", "completed_by")
    operation = {"approved": "approve", "rejected": "reject", "done": "done"}[decision]
    session.log(
        step.name,
        step.node_id,
        "complete",
        operation,
        person=person,
        department_id=item.department_id,
        step=step,
        item=item,
        attributes={"decision": decision, **({"comment": comment[:500]} if comment else {})},
    )
    if task_values:
        session.case.form_data = {**session.case.form_data, **task_values}
        engine.set_data(
            session.workflow,
            step.spiff_task_id,
            engine_values(session.case.version, session.case.form_data, session.case),
        )
    config = session.compiled.config.node(step.node_id)
    outcome = step_after_decision(session, step, item, config.countersign_rule)
    if outcome is not None:
        finish_step(session, step, outcome, person)
    session.audit(actor, f"cases.task.{operation}", item, case=session.case.pk)


def _task_values(
    session: Session,
    node_id: str,
    person: Person,
    values: Mapping[str, Any] | None,
    files: Mapping[str, Sequence[UploadedFile[Any]]] | None,
) -> dict[str, Any]:
    """The validated values of the task's own form (fields the approver fills in)."""
    spec = task_form(session.case.version, node_id)
    if not spec:
        if values:
            raise InvalidInput(_("This task has no form fields to fill in."))
        return {}
    cleaned = forms.clean(spec, values or {}, files)
    return store_form(session.case, person, cleaned, spec)


def _hand_back(session: Session, item: WorkItem, person: Person, comment: str, advice: str) -> None:
    """A delegate's answer goes back to the owner, who decides."""
    owner = item.owner
    assert owner is not None
    item.assignee, item.owner = owner, None
    item.comment = comment.strip()
    session.ledger.changed(item, "assignee", "owner", "comment")
    session.log(
        item.step.name,
        item.step.node_id,
        "reassign",
        "hand_back",
        person=person,
        department_id=item.department_id,
        step=item.step,
        item=item,
        attributes={"to": owner.employee_no, "advice": advice, "comment": comment[:500]},
    )
    session.notify([owner], "task_handed_back", step=item.step.name, person=person.display_name)


def case_of(actor: Any, case_id: int) -> Case:
    """A case ``actor`` may see."""
    from flowbridge.core.permissions import Action, require

    case = (
        Case.objects.select_related("definition", "version", "requester", "requester_department")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(_("No request %(id)s.") % {"id": case_id})
    require(actor, Action.VIEW, case)
    return case
