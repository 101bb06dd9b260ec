"""Appending to the event log: one row per thing that happened to a case.

Lifecycles follow the XES standard transitions where one fits (``assign``,
``reassign``, ``complete``, ``withdraw``, ``pi_abort``, ``ate_abort``);
events that change no state but must be on record (urge, carbon copy,
comment) use ``note``. ``operation`` names the Flowbridge action.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flowbridge.cases.models import Case, CaseEvent, Step, WorkItem
from flowbridge.core import clock
from flowbridge.core.bulkwrite import insert_rows
from flowbridge.org.models import Department, Person

LIFECYCLES = (
    "start",
    "assign",
    "reassign",
    "complete",
    "withdraw",
    "ate_abort",
    "pi_abort",
    "note",
)


def event(
    case: Case,
    activity: str,
    activity_id: str,
    lifecycle: str,
    operation: str,
    *,
    person: Person | None = None,
    department: Department | None = None,
    department_id: int | None = None,
    step: Step | None = None,
    item: WorkItem | None = None,
    attributes: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    """An unsaved event of ``case`` (callers save a batch with :func:`save`)."""
    return CaseEvent(
        case=case,
        step=step,
        work_item=item,
        activity=activity[:300],
        activity_id=activity_id[:200],
        lifecycle=lifecycle,
        operation=operation,
        timestamp=at or clock.now(),
        person=person,
        department_id=department.pk if department is not None else department_id,
        process_key=case.definition.key,
        version_number=case.version.number,
        attributes=attributes or {},
    )


def save(events: list[CaseEvent]) -> None:
    """Write the events in the order they happened (one statement)."""
    insert_rows(CaseEvent, events)
