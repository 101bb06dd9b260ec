"""Every change to a responsibility list goes through here.

A change never edits a version: it writes version N+1 from the steps of
version N. Writers name the version they started from (``base_version``);
if someone saved meanwhile they get :class:`Conflict` instead of silently
overwriting. The process row is locked while a version is written, and the
unique (process, number) constraint backs that up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from flowbridge.core import audit, clock
from flowbridge.core.errors import Conflict, InvalidInput, NotFound, Problem
from flowbridge.core.permissions import Action, require
from flowbridge.org.models import Department
from flowbridge.responsibility.diff import VersionDiff, diff, diff_steps
from flowbridge.responsibility.matrix import Matrix, matrix
from flowbridge.responsibility.models import (
    CoreProcess,
    Part,
    ResponsibilityAssignment,
    ResponsibilityStep,
    ResponsibilityVersion,
)
from flowbridge.responsibility.specs import StepDraft, StepSpec, same_steps, steps_of
from flowbridge.responsibility.validation import code_issues, validate

__all__ = [
    "Matrix",
    "StepSpec",
    "VersionDiff",
    "create_process",
    "current_version",
    "diff",
    "matrix",
    "save_version",
    "set_cell",
    "set_responsible",
    "update_process",
    "validate",
]

Build = Callable[[list[StepSpec]], list[StepSpec]]


def current_version(process: CoreProcess) -> ResponsibilityVersion:
    """The newest version of ``process``."""
    version = process.versions.order_by("-number").first()
    if version is None:
        raise NotFound(_("Process %(code)s has no version yet.") % {"code": process.code})
    return version


def _refuse(problems: list[Problem]) -> InvalidInput:
    return InvalidInput(
        _("The responsibility list has problems; nothing was saved."), problems=problems
    )


def _author_name(actor: Any) -> str:
    return actor.get_username() if actor is not None else "system"


def _write(
    actor: Any, process: CoreProcess, number: int, steps: list[StepSpec], note: str
) -> ResponsibilityVersion:
    version = ResponsibilityVersion.objects.create(
        process=process,
        number=number,
        author=actor,
        author_name=_author_name(actor),
        created_at=clock.now(),
        note=note[:300],
    )
    rows = ResponsibilityStep.objects.bulk_create(
        ResponsibilityStep(version=version, code=s.code, position=i, name=s.name, name_en=s.name_en)
        for i, s in enumerate(steps, 1)
    )
    ResponsibilityAssignment.objects.bulk_create(
        ResponsibilityAssignment(step=row, department=department, part=part)
        for row, spec in zip(rows, steps, strict=True)
        for department, part in spec.parts()
    )
    return version


def _record(actor: Any, version: ResponsibilityVersion, changes: VersionDiff) -> None:
    audit.record(actor, "responsibility.version.create", version, changes=changes.for_audit())


def create_process(
    actor: Any,
    *,
    code: str,
    name: str,
    name_en: str = "",
    description: str = "",
    steps: list[StepSpec],
    note: str = "",
) -> ResponsibilityVersion:
    """Create core process ``code`` with its first version of the responsibility list."""
    if actor is not None:
        require(actor, Action.CHANGE, CoreProcess)
    code, name = (code or "").strip(), (name or "").strip()
    problems = validate(code, steps)
    if not name:
        problems.insert(0, Problem(_("process name is empty"), where=code, column="process_name"))
    if code and CoreProcess.objects.filter(code=code).exists():
        message = _('a process with code "%(code)s" already exists') % {"code": code}
        problems.insert(0, Problem(message, where=code, column="process_code"))
    if problems:
        raise _refuse(problems)
    try:
        with transaction.atomic():
            order = CoreProcess.objects.aggregate(m=Max("sort_order"))["m"]
            process = CoreProcess.objects.create(
                code=code,
                name=name,
                name_en=(name_en or "").strip(),
                description=description or "",
                sort_order=(order or 0) + 1,
            )
            audit.record(actor, "responsibility.process.create", process, changes={"code": code})
            version = _write(actor, process, 1, list(steps), note)
            changes = diff_steps([], list(steps))
            changes.new_number = 1
            _record(actor, version, changes)
    except IntegrityError as exc:
        message = _('a process with code "%(code)s" already exists') % {"code": code}
        raise Conflict(message) from exc
    return version


def update_process(
    actor: Any,
    process: CoreProcess,
    *,
    name: str | None = None,
    name_en: str | None = None,
    description: str | None = None,
) -> CoreProcess:
    """Rename or describe a process; its steps are only changed through new versions."""
    if actor is not None:
        require(actor, Action.CHANGE, process)
    wanted = {"name": name, "name_en": name_en, "description": description}
    changes = {
        field: [getattr(process, field), value.strip()]
        for field, value in wanted.items()
        if value is not None and value.strip() != getattr(process, field)
    }
    if "name" in changes and not changes["name"][1]:
        raise _refuse([Problem(_("process name is empty"), where=process.code)])
    if not changes:
        return process
    with transaction.atomic():
        for field, (_old, new) in changes.items():
            setattr(process, field, new)
        process.save(update_fields=list(changes))
        audit.record(actor, "responsibility.process.update", process, changes=changes)
    return process


def _commit(
    actor: Any, process: CoreProcess, base_version: int, build: Build, note: str
) -> ResponsibilityVersion:
    """Lock the process, check ``base_version`` is current, and write what ``build`` makes of it.

    When the built steps equal the current ones no version is written and the
    current version is returned.
    """
    if actor is not None:
        require(actor, Action.CHANGE, process)
    try:
        with transaction.atomic():
            CoreProcess.objects.select_for_update().filter(pk=process.pk).first()
            current = current_version(process)
            if base_version != current.number:
                raise Conflict(
                    _(
                        "Someone saved version %(current)s meanwhile (%(author)s); you edited "
                        "version %(base)s. Reload the page and apply your change again."
                    )
                    % {
                        "current": current.number,
                        "author": current.author_name,
                        "base": base_version,
                    }
                )
            before = steps_of(current)
            after = build(before)
            problems = validate(process.code, after)
            if problems:
                raise _refuse(problems)
            if same_steps(before, after):
                return current
            version = _write(actor, process, current.number + 1, after, note)
            changes = diff_steps(before, after)
            changes.old_number, changes.new_number = current.number, version.number
            _record(actor, version, changes)
            return version
    except IntegrityError as exc:
        raise Conflict(
            _("Someone saved a new version at the same moment. Reload and try again.")
        ) from exc


def save_version(
    actor: Any,
    process: CoreProcess,
    steps: list[StepSpec],
    *,
    base_version: int,
    note: str = "",
) -> ResponsibilityVersion:
    """Write ``steps`` as the next version of ``process``, made from version ``base_version``."""
    return _commit(actor, process, base_version, lambda _current: list(steps), note)


def _step_index(steps: list[StepSpec], step_code: str) -> int:
    for index, step in enumerate(steps):
        if step.code == step_code:
            return index
    raise _refuse(
        [Problem(_('no step with code "%(code)s"') % {"code": step_code}, where=step_code)]
    )


def _without(step: StepSpec, department: Department) -> StepSpec:
    def keep(group: tuple[Department, ...]) -> tuple[Department, ...]:
        return tuple(d for d in group if d.pk != department.pk)

    responsible = step.responsible
    if responsible is not None and responsible.pk == department.pk:
        responsible = None
    return replace(
        step,
        responsible=responsible,
        collaborators=keep(step.collaborators),
        consulted=keep(step.consulted),
        informed=keep(step.informed),
    )


def with_part(step: StepSpec, department: Department, part: Part | None) -> StepSpec:
    """``step`` with ``department`` playing ``part`` (None: no part); others untouched."""
    step = _without(step, department)
    if part == Part.RESPONSIBLE:
        return replace(step, responsible=department)
    if part == Part.COLLABORATOR:
        return replace(step, collaborators=(*step.collaborators, department))
    if part == Part.CONSULTED:
        return replace(step, consulted=(*step.consulted, department))
    if part == Part.INFORMED:
        return replace(step, informed=(*step.informed, department))
    return step


def responsible_taken_message(step: StepSpec) -> str:
    assert step.responsible is not None
    return _(
        'step "%(step)s" already has a responsible department: %(department)s. Make '
        "%(department)s a collaborator first, or use 'make responsible', which swaps them."
    ) % {"step": step.name, "department": step.responsible.name}


def set_cell(
    actor: Any,
    process: CoreProcess,
    *,
    step_code: str,
    department: Department,
    part: Part | None,
    base_version: int,
    note: str = "",
) -> ResponsibilityVersion:
    """Set the part ``department`` plays in step ``step_code`` (one cell of the matrix)."""
    part = Part(part) if part else None

    def build(current: list[StepSpec]) -> list[StepSpec]:
        index = _step_index(current, step_code)
        step = current[index]
        taken = step.responsible is not None and step.responsible.pk != department.pk
        if part == Part.RESPONSIBLE and taken:
            problem = Problem(
                responsible_taken_message(step), where=step_code, column="responsible"
            )
            raise InvalidInput(problem.message, problems=[problem])
        changed = list(current)
        changed[index] = with_part(step, department, part)
        return changed

    return _commit(actor, process, base_version, build, note)


def set_responsible(
    actor: Any,
    process: CoreProcess,
    *,
    step_code: str,
    department: Department,
    base_version: int,
    note: str = "",
) -> ResponsibilityVersion:
    """Make ``department`` responsible for ``step_code``; the previous one collaborates."""

    def build(current: list[StepSpec]) -> list[StepSpec]:
        index = _step_index(current, step_code)
        step = current[index]
        previous = step.responsible
        step = with_part(step, department, Part.RESPONSIBLE)
        if previous is not None and previous.pk != department.pk:
            step = replace(step, collaborators=(*step.collaborators, previous))
        changed = list(current)
        changed[index] = step
        return changed

    return _commit(actor, process, base_version, build, note)


def check_process_code(code: str) -> list[Problem]:
    """Problems of a new process code alone (used by forms before steps exist)."""
    return [
        Problem(i.message, where=code, column=i.field)
        for i in code_issues(code, _("process"), "process_code", None)
    ]


def get_process(code: str) -> CoreProcess:
    """The process with ``code``, or :class:`NotFound`."""
    process = CoreProcess.objects.filter(code=code).first()
    if process is None:
        raise NotFound(_('No core process with code "%(code)s".') % {"code": code})
    return process


def get_version(process: CoreProcess, number: int) -> ResponsibilityVersion:
    """Version ``number`` of ``process``, or :class:`NotFound`."""
    version = process.versions.filter(number=number).first()
    if version is None:
        raise NotFound(
            _("Process %(code)s has no version %(number)s.")
            % {"code": process.code, "number": number}
        )
    return version


def specs_from_drafts(process_code: str, drafts: list[StepDraft]) -> list[StepSpec]:
    """Validate drafts (from a form or the API) and turn them into specs, or refuse."""
    problems = validate(process_code, drafts)
    if problems:
        raise _refuse(problems)
    return [d.to_spec() for d in drafts]


def departments_by_code(codes: Iterable[str]) -> dict[str, Department]:
    """The departments with these codes, by code (unknown codes are simply absent)."""
    return {d.code: d for d in Department.objects.filter(code__in=set(codes))}
