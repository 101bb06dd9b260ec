"""Many at once: 批量审批 (decide many tasks) and 批量发起 (start many requests).

A bulk decision:

All cases are locked together (in id order, so two bulk decisions cannot
deadlock), read with a handful of queries, decided in memory and written
with one statement per table (:func:`runtime.save_all`). Each item succeeds
or fails on its own: an item that cannot be decided (no longer open, not
yours, a condition that fails) is reported with its reason and the others
go through. A case whose item failed halfway is read again from the
database and its other items decided anew, so nothing half-done is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from flowbridge.cases import engine
from flowbridge.cases.ledger import load
from flowbridge.cases.models import Case, WorkItem
from flowbridge.cases.runtime import (
    ProcessCannotContinue,
    Session,
    compiled_for,
    load_workflow,
    save_all,
    workflows,
)
from flowbridge.cases.services import begin, check_decision, decide_in, new_case_fields, person_of
from flowbridge.core import clock
from flowbridge.core.errors import DomainError, InvalidInput, Problem
from flowbridge.org.models import Person
from flowbridge.processes import forms
from flowbridge.processes.models import ProcessDefinition, ProcessVersion
from flowbridge.processes.services import get_definition, get_version

MAX_ITEMS = 500


@dataclass(frozen=True)
class ItemOutcome:
    """What became of one item of a bulk decision."""

    item_id: int
    ok: bool
    case: Case | None = None
    error: str = ""


def decide_many(
    actor: Any, item_ids: Sequence[int], decision: str, *, comment: str = ""
) -> list[ItemOutcome]:
    """Decide every item in ``item_ids`` the same way; one outcome per item, in the given order."""
    person = person_of(actor)
    check_decision(decision, comment)
    ids = list(dict.fromkeys(item_ids))
    if not ids:
        raise InvalidInput(
            _("Choose at least one task."), problems=[Problem(_("no task chosen"), where="items")]
        )
    if len(ids) > MAX_ITEMS:
        raise InvalidInput(
            _("At most %(count)d tasks at once.") % {"count": MAX_ITEMS},
            problems=[Problem(_("too many tasks"), where="items")],
        )
    outcomes: dict[int, ItemOutcome] = {}
    with transaction.atomic():
        case_of_item = dict(WorkItem.objects.filter(pk__in=ids).values_list("pk", "case_id"))
        for item_id in ids:
            if item_id not in case_of_item:
                message = _("No task %(id)s.") % {"id": item_id}
                outcomes[item_id] = ItemOutcome(item_id, False, error=message)
        cases = _lock(set(case_of_item.values()))
        memo: dict[Any, Any] = {}
        now = clock.now()
        sessions = {pk: _session(case, now, memo) for pk, case in cases.items()}
        load([s.ledger for s in sessions.values()])
        done: list[Session] = []
        for case_id, session in sessions.items():
            mine = [i for i in ids if case_of_item.get(i) == case_id]
            kept = _decide_case(session, actor, person, mine, decision, comment, outcomes, memo)
            if kept is not None:
                done.append(kept)
        save_all(done)
    return [outcomes[i] for i in ids]


def _lock(case_ids: set[int]) -> dict[int, Case]:
    rows = list(
        Case.objects.select_for_update(of=("self",))
        .select_related("requester", "requester_department")
        .defer("engine_state")
        .filter(pk__in=case_ids)
        .order_by("pk")
    )
    # The engine state is read only for cases whose workflow is not in memory already.
    missing = [c.pk for c in rows if c.is_running and not workflows.holds(c.pk, c.revision)]
    states = dict(Case.objects.filter(pk__in=missing).values_list("pk", "engine_state"))
    for case in rows:
        if case.pk in states:
            case.engine_state = states[case.pk]
    # Many cases share a few versions: read each (and its BPMN text) once, not once per case.
    versions = ProcessVersion.objects.select_related("definition").in_bulk(
        {case.version_id for case in rows}
    )
    for case in rows:
        case.version = versions[case.version_id]
        case.definition = case.version.definition
    return {case.pk: case for case in rows}


def _session(case: Case, now: Any, memo: dict[Any, Any], *, fresh: bool = False) -> Session:
    compiled = compiled_for(case)
    workflow = None
    if case.is_running:
        workflow = (
            engine.restore(compiled, case.engine_state) if fresh else load_workflow(case, compiled)
        )
    session = Session(case, workflow, compiled, now)
    session.memo = memo
    return session


def _decide_case(
    session: Session,
    actor: Any,
    person: Person,
    item_ids: list[int],
    decision: str,
    comment: str,
    outcomes: dict[int, ItemOutcome],
    memo: dict[Any, Any],
) -> Session | None:
    """Decide the case's items; the session to save, or None when none of them went through."""
    todo = list(item_ids)
    while todo:
        failed = _first_failure(session, actor, person, todo, decision, comment, outcomes)
        if failed is None:
            for item_id in todo:
                outcomes[item_id] = ItemOutcome(item_id, True, session.case)
            return session
        todo.remove(failed)
        if not todo:
            return None
        # The failed item may have changed the session halfway: start the case again from
        # what is stored (the row is still locked) and decide the remaining items anew.
        case = Case.objects.select_related(
            "definition", "version", "requester", "requester_department"
        ).get(pk=session.case.pk)
        session = _session(case, session.now, memo, fresh=True)
    return None


def _first_failure(
    session: Session,
    actor: Any,
    person: Person,
    item_ids: list[int],
    decision: str,
    comment: str,
    outcomes: dict[int, ItemOutcome],
) -> int | None:
    for item_id in item_ids:
        try:
            decide_in(session, actor, person, item_id, decision, comment)
        except (DomainError, engine.EngineError) as error:
            if isinstance(error, engine.EngineError):
                error = ProcessCannotContinue.because(error)
            outcomes[item_id] = ItemOutcome(item_id, False, error=error.message)
            return item_id
    return None


def start_many(
    actor: Any,
    process: ProcessDefinition | str,
    rows: Sequence[Mapping[str, Any]],
    *,
    version_number: int | None = None,
) -> list[Case]:
    """Start one request per row of form values, all or none (an import of requests).

    Every row is checked first; if any row is wrong nothing is started and
    the error names each row and field (``rows[3].amount``). Attachment
    fields cannot be filled this way.
    """
    requester = person_of(actor)
    definition = get_definition(process) if isinstance(process, str) else process
    version = get_version(definition, version_number)
    spec = forms.form_for(version)
    if not rows:
        raise InvalidInput(
            _("Give at least one request to start."),
            problems=[Problem(_("no rows"), where="rows")],
        )
    if len(rows) > MAX_ITEMS:
        raise InvalidInput(
            _("At most %(count)d requests at once.") % {"count": MAX_ITEMS},
            problems=[Problem(_("too many rows"), where="rows")],
        )
    cleaned: list[Mapping[str, Any]] = []
    problems: list[Problem] = []
    for index, values in enumerate(rows):
        try:
            cleaned.append(forms.clean(spec, values, None))
        except InvalidInput as error:
            found = error.problems or [Problem(error.message)]
            for problem in found:
                where = f"rows[{index}]" + (f".{problem.where}" if problem.where else "")
                problems.append(Problem(problem.message, where=where))
    if problems:
        raise _nothing_started(problems, len(rows))
    with transaction.atomic():
        fields = new_case_fields(version, requester, "", clock.now())
        cases = Case.objects.bulk_create([Case(**fields) for _row in cleaned])
        memo: dict[Any, Any] = {}
        sessions: list[Session] = []
        for index, (case, values) in enumerate(zip(cases, cleaned, strict=True)):
            # Values the form accepts can still fail the process on its way to the first
            # step (a condition that cannot compare them): name the row, start none.
            try:
                sessions.append(begin(actor, case, values, spec, memo=memo))
            except (DomainError, engine.EngineError) as error:
                message = getattr(error, "message", None) or str(error)
                problems.append(Problem(str(message), where=f"rows[{index}]"))
        if problems:
            raise _nothing_started(problems, len(rows))
        save_all(sessions)
    return cases


def _nothing_started(problems: list[Problem], total: int) -> InvalidInput:
    return InvalidInput(
        _("Nothing was started: %(count)d of %(total)d rows have problems.")
        % {"count": len({p.where.split(".")[0] for p in problems}), "total": total},
        problems=problems,
    )
