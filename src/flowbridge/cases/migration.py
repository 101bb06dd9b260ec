"""Moving running cases to another version of their process: explicit and checked first.

A case keeps the version it started on. The process office may move it when
every node the case has passed or waits at still exists in the target
version and every node it waits at is still a human step there; the engine
then re-predicts the rest of the flow on the new version. Anything else is
refused with the nodes that block it, and nothing changes.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from flowbridge.cases import engine
from flowbridge.cases.models import Case
from flowbridge.cases.runtime import (
    Session,
    compiled_for_version,
    lock_case,
    save,
    workflows,
)
from flowbridge.cases.steps import advance
from flowbridge.core import audit, clock
from flowbridge.core.errors import Conflict, InvalidInput, Problem
from flowbridge.core.permissions import Action, require
from flowbridge.processes.models import ProcessDefinition, ProcessVersion
from flowbridge.processes.services import get_version


def migration_problems(case: Case, target: ProcessVersion) -> list[Problem]:
    """Why ``case`` cannot move to ``target`` (empty when it can)."""
    if target.definition_id != case.definition_id:
        return [Problem(_("The target version belongs to another process."), where="version")]
    if not case.is_running:
        return [Problem(_("Only running requests can be moved."), where="status")]
    new = compiled_for_version(target)
    problems: list[Problem] = []
    known = set(new.spec.task_specs)
    for name in sorted(engine.spec_names(engine.without_prediction(case.engine_state)) - known):
        problems.append(
            Problem(
                _("Node %(node)s, which this request has reached, does not exist in version %(n)s.")
                % {"node": name, "n": target.number},
                where=name,
            )
        )
    for step in case.steps.filter(status="open"):
        config = new.config.nodes.get(step.node_id)
        if config is None or not config.is_human:
            problems.append(
                Problem(
                    _("The request waits at %(node)s, which is not a task in version %(n)s.")
                    % {"node": step.name or step.node_id, "n": target.number},
                    where=step.node_id,
                )
            )
    return problems


def migrate_case(
    actor: Any, case_id: int, version_number: int, *, expected_revision: int | None = None
) -> Case:
    """Move a running case to version ``version_number`` of its process."""
    if actor is not None:  # None is the system itself (CLI, demo)
        require(actor, Action.CHANGE, ProcessDefinition)
    with transaction.atomic():
        case = lock_case(case_id)
        if expected_revision is not None and expected_revision != case.revision:
            raise Conflict(_("The request changed meanwhile; reload and try again."))
        target = get_version(case.definition, version_number)
        if target.pk == case.version_id:
            raise InvalidInput(
                _("The request already runs on version %(n)s.") % {"n": target.number},
                problems=[Problem(_("choose another version"), where="version")],
            )
        problems = migration_problems(case, target)
        if problems:
            raise InvalidInput(
                _("%(case)s cannot move to version %(n)s.")
                % {"case": case.reference, "n": target.number},
                problems=problems,
            )
        new = compiled_for_version(target)
        workflows.take(case.pk, case.revision, "")
        workflow = engine.restore(new, engine.without_prediction(case.engine_state))
        engine.repredict(workflow)
        before = case.version.number
        case.version = target
        session = Session(case, workflow, new, clock.now())
        session.log(
            case.definition.display_name,
            "case:migrate",
            "note",
            "migrate",
            attributes={"from_version": before, "to_version": target.number},
        )
        advance(session)
        save(session)
        audit.record(
            actor, "cases.case.migrate", case, changes={"version": [before, target.number]}
        )
    return case


def migrate_running(
    actor: Any, definition: ProcessDefinition, version_number: int, *, dry_run: bool = False
) -> tuple[list[Case], dict[Case, list[Problem]]]:
    """Move every running case of ``definition`` that can move; say why the others cannot.

    Each case moves in its own transaction, so one that cannot move leaves
    the others unaffected. ``dry_run`` only checks.
    """
    if actor is not None:  # None is the system itself (CLI, demo)
        require(actor, Action.CHANGE, ProcessDefinition)
    target = get_version(definition, version_number)
    moved: list[Case] = []
    refused: dict[Case, list[Problem]] = {}
    running = definition.cases.filter(status="running").exclude(version=target).order_by("pk")
    for case in running.select_related("version", "definition"):
        problems = migration_problems(case, target)
        if problems:
            refused[case] = problems
        elif not dry_run:
            moved.append(migrate_case(actor, case.pk, version_number))
        else:
            moved.append(case)
    return moved, refused
