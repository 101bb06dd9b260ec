"""All versions of a process, each with its change summary against the one before."""

from __future__ import annotations

from dataclasses import dataclass

from flowbridge.responsibility.diff import VersionDiff, diff_steps
from flowbridge.responsibility.models import CoreProcess, ResponsibilityStep, ResponsibilityVersion
from flowbridge.responsibility.specs import StepSpec, spec_of


@dataclass(frozen=True)
class HistoryEntry:
    version: ResponsibilityVersion
    changes: VersionDiff


def history(process: CoreProcess) -> list[HistoryEntry]:
    """Newest first, in four queries however many versions there are."""
    versions = list(process.versions.order_by("number"))
    steps = (
        ResponsibilityStep.objects.filter(version__process=process)
        .order_by("version_id", "position")
        .prefetch_related("assignments__department")
    )
    by_version: dict[int, list[StepSpec]] = {}
    for step in steps:
        by_version.setdefault(step.version_id, []).append(spec_of(step))
    entries = []
    previous: list[StepSpec] = []
    previous_number: int | None = None
    for version in versions:
        current = by_version.get(version.pk, [])
        changes = diff_steps(previous, current)
        changes.old_number, changes.new_number = previous_number, version.number
        entries.append(HistoryEntry(version, changes))
        previous, previous_number = current, version.number
    entries.reverse()
    return entries
