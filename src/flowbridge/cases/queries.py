"""Reads shared by pages, API and CLI: inboxes, requests, timelines, where a case stands.

Every list is a plain query on the materialized rows (work items, steps,
events), never a walk through engine state, so inboxes stay fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from flowbridge.cases.models import Case, CaseEvent, Step, WorkItem, WorkStatus
from flowbridge.core import clock
from flowbridge.core.permissions import Role, principal_for, visible
from flowbridge.org.models import Person
from flowbridge.processes.diagram import NodeState, Overlay
from flowbridge.processes.models import ProcessDefinition, ProcessVersion
from flowbridge.processes.reserved_ids import original_id


def inbox(
    person: Person,
    *,
    process: str = "",
    overdue: bool | None = None,
    q: str = "",
    include_unassigned: bool = False,
) -> QuerySet[WorkItem]:
    """Open work items of ``person`` (and unassigned ones for the process office), oldest first."""
    mine = Q(assignee=person)
    if include_unassigned:
        mine |= Q(unassigned=True, assignee__isnull=True)
    rows = WorkItem.objects.filter(mine, status=WorkStatus.OPEN).select_related(
        "step", "case", "case__definition", "case__requester", "department", "on_behalf_of"
    )
    if process:
        rows = rows.filter(case__definition__key=process)
    if overdue is True:
        rows = rows.filter(due_at__lt=clock.now())
    elif overdue is False:
        rows = rows.filter(Q(due_at__isnull=True) | Q(due_at__gte=clock.now()))
    if q:
        rows = rows.filter(Q(case__title__icontains=q) | Q(step__name__icontains=q))
    return rows.order_by("opened_at", "id")


@dataclass(frozen=True)
class InboxCounts:
    open: int
    overdue: int
    due_today: int
    unassigned: int
    copies_unread: int


def inbox_counts(person: Person) -> InboxCounts:
    """The numbers on the inbox tabs and the home panel (two queries)."""
    now = clock.now()
    end_of_day = now.replace(hour=23, minute=59, second=59)
    row = WorkItem.objects.filter(assignee=person, status=WorkStatus.OPEN).aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(due_at__lt=now)),
        due_today=Count("id", filter=Q(due_at__gte=now, due_at__lte=end_of_day)),
        unassigned=Count("id", filter=Q(unassigned=True)),
    )
    copies = person.carbon_copies.filter(read_at__isnull=True).count()
    return InboxCounts(row["open"], row["overdue"], row["due_today"], row["unassigned"], copies)


def my_requests(person: Person, *, status: str = "") -> QuerySet[Case]:
    rows = Case.objects.filter(requester=person).select_related("definition", "version")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-started_at", "-id")


def copied_to(person: Person) -> QuerySet[Case]:
    return Case.objects.filter(carbon_copies__person=person).select_related(
        "definition", "requester"
    )


def visible_cases(actor: Any, *, process: str = "", status: str = "") -> QuerySet[Case]:
    """Cases ``actor`` may see (process office: all), newest first."""
    rows = visible(actor, Case.objects.select_related("definition", "requester", "version"))
    if process:
        rows = rows.filter(definition__key=process)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-started_at", "-id")


def timeline(case: Case) -> list[CaseEvent]:
    """Who did what when, in order (one query)."""
    return list(case.events.select_related("person", "department").order_by("timestamp", "id"))


def current_holders(case: Case) -> list[WorkItem]:
    """Open work items: where the case is and who holds it."""
    return list(
        case.work_items.filter(status=WorkStatus.OPEN)
        .select_related("step", "assignee", "department")
        .order_by("id")
    )


COMPLETED = 64  # SpiffWorkflow's TaskState.COMPLETED in a saved state


def _engine_done(case: Case) -> set[str]:
    """Element ids the engine completed (events and gateways too), read from the saved state."""
    tasks = (case.engine_state or {}).get("tasks", {})
    return {original_id(str(t["task_spec"])) for t in tasks.values() if t.get("state") == COMPLETED}


def case_overlay(case: Case) -> Overlay:
    """Diagram states for one case: done, current (with holders) and not reached."""
    states: dict[str, NodeState] = {node: NodeState("done") for node in _engine_done(case)}
    for step in case.steps.order_by("opened_at", "id"):
        if step.status == "done":
            states[step.node_id] = NodeState("done")
        elif step.status == "open":
            states[step.node_id] = NodeState("current")
    for event in case.events.filter(operation="auto").only("activity_id"):
        states.setdefault(event.activity_id, NodeState("done"))
    return Overlay(states)


def process_overview(
    version: ProcessVersion | None, definition: ProcessDefinition
) -> dict[str, Any]:
    """Running cases per node (for the overlay) and totals by status, for the process office."""
    open_steps = Step.objects.filter(
        case__definition=definition, status="open", case__status="running"
    )
    if version is not None:
        open_steps = open_steps.filter(case__version=version)
    per_node = dict(
        open_steps.order_by()
        .values("node_id")
        .annotate(n=Count("case", distinct=True))
        .values_list("node_id", "n")
    )
    totals = dict(
        Case.objects.filter(definition=definition)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    overdue = WorkItem.objects.filter(
        case__definition=definition, status=WorkStatus.OPEN, due_at__lt=clock.now()
    ).count()
    overlay = Overlay({node: NodeState(count=n) for node, n in per_node.items()})
    return {"per_node": per_node, "totals": totals, "overdue": overdue, "overlay": overlay}


def can_see_all(actor: Any) -> bool:
    return principal_for(actor).has(Role.PROCESS_OFFICE, Role.AUDITOR, Role.MANAGEMENT)


def age(moment: datetime | None) -> float:
    """Hours since ``moment`` (0 when unknown), for "waiting since" badges."""
    if moment is None:
        return 0.0
    return max(0.0, (clock.now() - moment).total_seconds() / 3600)
