"""Export responsibility lists as the table :mod:`importer` reads back unchanged."""

from __future__ import annotations

from django.db.models import Max

from flowbridge.org.models import Department
from flowbridge.responsibility.models import CoreProcess, ResponsibilityStep, ResponsibilityVersion
from flowbridge.responsibility.specs import StepSpec, spec_of
from flowbridge.responsibility.tables import write_csv, write_xlsx

SEPARATOR = "; "


def _labels() -> dict[int, str]:
    """How to write each department: its Chinese name when that is unambiguous, else its code."""
    departments = list(Department.objects.all())
    codes = {d.code.lower() for d in departments}
    counts: dict[str, int] = {}
    for d in departments:
        for name in {d.name.strip().lower(), d.name_en.strip().lower()} - {""}:
            counts[name] = counts.get(name, 0) + 1
    labels = {}
    for d in departments:
        name = d.name.strip()
        unique = counts.get(name.lower(), 0) == 1 and name.lower() not in codes
        labels[d.pk] = name if name and unique else d.code
    return labels


def current_versions(process_code: str | None = None) -> list[ResponsibilityVersion]:
    """The newest version of every process (or of one), in process order."""
    processes = CoreProcess.objects.all()
    if process_code:
        processes = processes.filter(code=process_code)
    newest = processes.annotate(newest=Max("versions__number")).values_list("pk", "newest")
    wanted = {pk: number for pk, number in newest if number is not None}
    versions = ResponsibilityVersion.objects.filter(process_id__in=wanted).select_related("process")
    chosen = [v for v in versions if wanted[v.process_id] == v.number]
    return sorted(chosen, key=lambda v: (v.process.sort_order, v.process.code))


def rows_of(versions: list[ResponsibilityVersion]) -> list[list[str]]:
    """One row per step of each version, in the column order of :data:`tables.FIELDS`."""
    labels = _labels()
    steps = (
        ResponsibilityStep.objects.filter(version__in=versions)
        .order_by("version_id", "position")
        .prefetch_related("assignments__department")
    )
    by_version: dict[int, list[StepSpec]] = {}
    for step in steps:
        by_version.setdefault(step.version_id, []).append(spec_of(step))

    def names(departments: tuple[Department, ...]) -> str:
        return SEPARATOR.join(labels[d.pk] for d in departments)

    rows = []
    for version in versions:
        process = version.process
        for spec in by_version.get(version.pk, []):
            rows.append(
                [
                    process.code,
                    process.name,
                    process.name_en,
                    spec.code,
                    spec.name,
                    spec.name_en,
                    labels[spec.responsible.pk] if spec.responsible else "",
                    names(spec.collaborators),
                    names(spec.consulted),
                    names(spec.informed),
                ]
            )
    return rows


def export(fmt: str, versions: list[ResponsibilityVersion]) -> bytes:
    """The versions as ``csv`` or ``xlsx`` bytes."""
    rows = rows_of(versions)
    return write_xlsx(rows) if fmt == "xlsx" else write_csv(rows)
