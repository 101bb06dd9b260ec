"""Who may see a request: the people involved in it, their heads, and the process office.

Acting on a work item is checked by the operation itself (the assignee, or
the requester for requester actions); this module answers "may X read case C"
and which cases a list may show.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from flowbridge.cases.models import Attachment, CarbonCopy, Case, WorkItem
from flowbridge.core.permissions import Action, Principal, Role, register_rule, register_scope

READ_ALL = (Role.PROCESS_OFFICE, Role.AUDITOR, Role.MANAGEMENT)


def involved(p: Principal) -> Q:
    """Cases the principal started, holds or held a task in, or was copied on."""
    person = p.person_id or 0
    items = WorkItem.objects.filter(case=OuterRef("pk")).filter(
        Q(assignee_id=person)
        | Q(owner_id=person)
        | Q(on_behalf_of_id=person)
        | Q(completed_by_id=person)
    )
    copies = CarbonCopy.objects.filter(case=OuterRef("pk"), person_id=person)
    return Q(requester_id=person) | Q(Exists(items)) | Q(Exists(copies))


def case_scope(p: Principal, qs: QuerySet[Any]) -> QuerySet[Any]:
    if p.has(*READ_ALL):
        return qs
    if p.person_id is None:
        return qs.none()
    return qs.filter(involved(p) | Q(requester_department_id__in=p.headed_department_ids))


def case_rule(p: Principal, action: Action, obj: Any) -> bool:
    if not p.is_authenticated:
        return False
    if isinstance(obj, type):
        return action == Action.VIEW
    case = obj if isinstance(obj, Case) else getattr(obj, "case", None)
    if case is None or action != Action.VIEW:
        return False
    return case_scope(p, Case.objects.filter(pk=case.pk)).exists()


def install() -> None:
    register_rule(Case, case_rule)
    register_rule(Attachment, case_rule)
    register_scope(Case, case_scope)
