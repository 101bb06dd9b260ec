"""Who may see and change datasets.

The process office, management and system admins see every dataset (and
auditors, by the core rule); a department head sees the datasets of the
departments they head; whoever uploaded a dataset sees it. Changing
(deleting, refreshing, re-mapping) is for the process office and the
uploader; creating a dataset is for those who may see some: the process
office, management and department heads.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from flowbridge.core.permissions import Action, Principal, Role, register_rule, register_scope
from flowbridge.diagnosis.models import Dataset, InterviewNote

READ_ALL = (Role.PROCESS_OFFICE, Role.MANAGEMENT)
CREATE = (Role.PROCESS_OFFICE, Role.MANAGEMENT, Role.DEPARTMENT_HEAD)


def dataset_scope(p: Principal, qs: QuerySet[Any]) -> QuerySet[Any]:
    if p.has(*READ_ALL):
        return qs
    return qs.filter(Q(created_by_id=p.user_id) | Q(department_id__in=p.headed_department_ids))


def _sees(p: Principal, dataset: Dataset) -> bool:
    return (
        p.has(*READ_ALL)
        or (dataset.created_by_id is not None and dataset.created_by_id == p.user_id)
        or (dataset.department_id is not None and dataset.department_id in p.headed_department_ids)
    )


def dataset_rule(p: Principal, action: Action, obj: Any) -> bool:
    if not p.is_authenticated:
        return False
    if isinstance(obj, type):  # creating one
        return p.has(*CREATE) or bool(p.headed_department_ids)
    dataset = obj if isinstance(obj, Dataset) else getattr(obj, "dataset", None)
    if not isinstance(dataset, Dataset):
        return False
    if action == Action.VIEW:
        return _sees(p, dataset)
    if isinstance(obj, InterviewNote):
        # Whoever may see a dataset may add notes; a note is changed by its author.
        return _sees(p, dataset) and (obj.pk is None or obj.author_id == p.user_id)
    return p.has(Role.PROCESS_OFFICE) or (
        dataset.created_by_id is not None and dataset.created_by_id == p.user_id
    )


def install() -> None:
    register_rule(Dataset, dataset_rule)
    register_rule(InterviewNote, dataset_rule)
    register_scope(Dataset, dataset_scope)
