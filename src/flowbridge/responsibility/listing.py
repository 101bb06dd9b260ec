"""The list of core processes with their current version, for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q

from flowbridge.responsibility.models import CoreProcess, ResponsibilityVersion


@dataclass(frozen=True)
class ProcessSummary:
    code: str
    name: str
    name_en: str
    version: int | None
    author: str
    updated_at: datetime | None
    step_count: int
    process: CoreProcess | None = None


def process_summaries() -> list[ProcessSummary]:
    """Every core process with its current version, author, time and step count (2 queries)."""
    processes = list(CoreProcess.objects.annotate(newest=Max("versions__number")))
    wanted = {p.pk: p.newest for p in processes if p.newest is not None}
    newest = Q(pk__in=[])
    for process_id, number in wanted.items():
        newest |= Q(process_id=process_id, number=number)
    rows = ResponsibilityVersion.objects.filter(newest).annotate(step_count=Count("steps"))
    versions = {v.process_id: v for v in rows} if wanted else {}
    summaries = []
    for p in processes:
        v = versions.get(p.pk)
        summaries.append(
            ProcessSummary(
                code=p.code,
                name=p.name,
                name_en=p.name_en,
                version=v.number if v else None,
                author=v.author_name if v else "",
                updated_at=v.created_at if v else None,
                step_count=v.step_count if v else 0,
                process=p,
            )
        )
    return summaries
