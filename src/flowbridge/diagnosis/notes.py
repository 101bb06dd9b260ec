"""Changes the analysis pages make: interview notes (M10) and a dataset's targets.

Each function checks permission, changes in one transaction and writes the
audit log, as the services of every app do.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from flowbridge.core import audit, clock
from flowbridge.core.errors import InvalidInput, NotAllowed
from flowbridge.core.permissions import Action, Role, principal_for, require
from flowbridge.diagnosis.models import Dataset, InterviewNote, Tag


def add_note(
    user: Any,
    dataset: Dataset,
    *,
    activity: str,
    estimated_minutes: int | None,
    pain_points: str,
    tags: list[str],
) -> InterviewNote:
    """A note by ``user`` on ``activity`` of ``dataset``."""
    note = InterviewNote(
        dataset=dataset,
        activity=activity,
        author=user,
        estimated_minutes=estimated_minutes,
        pain_points=pain_points.strip(),
        tags=list(tags),
        created_at=clock.now(),
    )
    require(user, Action.CHANGE, note)
    unknown = sorted(set(tags) - set(Tag.values))
    if unknown:
        raise InvalidInput(_("Unknown tag %(tag)s.") % {"tag": unknown[0]})
    with transaction.atomic():
        note.save()
        audit.record(
            user,
            "diagnosis.note.add",
            note,
            changes={"activity": activity, "tags": tags, "estimated_minutes": estimated_minutes},
        )
    return note


def delete_note(user: Any, note: InterviewNote) -> None:
    """Delete a note: its author may."""
    require(user, Action.CHANGE, note)
    with transaction.atomic():
        audit.record(user, "diagnosis.note.delete", note, changes={"activity": note.activity})
        note.delete()


def may_set_targets(user: Any) -> bool:
    return principal_for(user).has(Role.PROCESS_OFFICE)


def set_targets(
    user: Any,
    dataset: Dataset,
    *,
    target_cycle_seconds: float | None,
    cost_per_hour: dict[str, float],
) -> None:
    """The target cycle time and cost per hour the score and findings use (process office)."""
    if not may_set_targets(user):
        raise NotAllowed(_("Only the process office sets targets and costs."))
    before = [dataset.target_cycle_seconds, dataset.cost_per_hour]
    with transaction.atomic():
        Dataset.objects.filter(pk=dataset.pk).update(
            target_cycle_seconds=target_cycle_seconds, cost_per_hour=cost_per_hour
        )
        dataset.target_cycle_seconds = target_cycle_seconds
        dataset.cost_per_hour = cost_per_hour
        audit.record(
            user,
            "diagnosis.dataset.targets",
            dataset,
            changes={"targets": [before, [target_cycle_seconds, cost_per_hour]]},
        )
