"""JSON API of the responsibility list (mounted under /api/ by flowbridge.api).

Reads are open to everyone signed in; writes go through the services, which
check the permission (403), the base version (409) and the content (422).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, P, QueryEx, Router, Schema, Status
from ninja.files import UploadedFile

from flowbridge.core.errors import InvalidInput, Problem
from flowbridge.org.models import Department
from flowbridge.responsibility import services
from flowbridge.responsibility.diff import VersionDiff
from flowbridge.responsibility.downloads import export_response
from flowbridge.responsibility.importer import import_table
from flowbridge.responsibility.listing import process_summaries
from flowbridge.responsibility.models import CoreProcess, Part, ResponsibilityVersion
from flowbridge.responsibility.specs import StepDraft

router = Router(tags=["responsibility"])

PartName = Literal["responsible", "collaborator", "consulted", "informed"]
MAX_UPLOAD = 10 * 1024 * 1024


class DepartmentOut(Schema):
    code: str
    name: str
    name_en: str


class VersionOut(Schema):
    number: int
    author: str
    created_at: datetime
    note: str


class ProcessOut(Schema):
    code: str
    name: str
    name_en: str
    version: int | None
    author: str
    updated_at: datetime | None
    step_count: int


class StepOut(Schema):
    code: str
    name: str
    name_en: str
    position: int
    parts: dict[str, PartName]


class MatrixOut(Schema):
    process: str
    name: str
    name_en: str
    version: VersionOut
    departments: list[DepartmentOut]
    steps: list[StepOut]


class StepIn(Schema):
    code: str
    name: str
    name_en: str = ""
    responsible: str | None = None
    collaborators: list[str] = []
    consulted: list[str] = []
    informed: list[str] = []


class ProcessIn(Schema):
    code: str
    name: str
    name_en: str = ""
    description: str = ""
    steps: list[StepIn]
    note: str = ""


class StepsIn(Schema):
    steps: list[StepIn]
    base_version: int
    note: str = ""


class CellIn(Schema):
    step_code: str
    department: str
    part: PartName | None = None
    base_version: int
    note: str = ""
    swap: bool = False


class StepRefOut(Schema):
    code: str
    name: str
    position: int


class RenameOut(Schema):
    code: str
    old_name: str
    new_name: str
    old_name_en: str
    new_name_en: str


class MoveOut(Schema):
    code: str
    name: str
    old_position: int
    new_position: int


class CellChangeOut(Schema):
    step_code: str
    department: str
    old: PartName | None
    new: PartName | None
    kind: str


class DiffOut(Schema):
    from_version: int | None
    to_version: int | None
    author: str
    created_at: datetime | None
    note: str
    summary: str
    steps_added: list[StepRefOut]
    steps_removed: list[StepRefOut]
    steps_renamed: list[RenameOut]
    steps_moved: list[MoveOut]
    cells: list[CellChangeOut]


class SavedOut(Schema):
    process: str
    version: int
    previous: int
    created: bool
    diff_url: str


class PlanOut(Schema):
    code: str
    status: str
    renamed: bool
    summary: str
    version: int | None


class ImportOut(Schema):
    dry_run: bool
    processes: list[PlanOut]


def _version_out(version: ResponsibilityVersion) -> VersionOut:
    return VersionOut(
        number=version.number,
        author=version.author_name,
        created_at=version.created_at,
        note=version.note,
    )


def _matrix_out(version: ResponsibilityVersion) -> MatrixOut:
    m = services.matrix(version)
    process = version.process
    return MatrixOut(
        process=process.code,
        name=process.name,
        name_en=process.name_en,
        version=_version_out(version),
        departments=[
            DepartmentOut(code=d.code, name=d.name, name_en=d.name_en) for d in m.departments
        ],
        steps=[
            StepOut(
                code=row.step.code,
                name=row.step.name,
                name_en=row.step.name_en,
                position=row.step.position,
                parts={c.department.code: c.part.value for c in row.cells if c.part},  # type: ignore[misc]
            )
            for row in m.rows
        ],
    )


def _diff_out(d: VersionDiff) -> DiffOut:
    return DiffOut(
        from_version=d.old_number,
        to_version=d.new_number,
        author=d.author_name,
        created_at=d.created_at,
        note=d.note,
        summary=d.summary,
        steps_added=[
            StepRefOut(code=s.code, name=s.name, position=s.position) for s in d.steps_added
        ],
        steps_removed=[
            StepRefOut(code=s.code, name=s.name, position=s.position) for s in d.steps_removed
        ],
        steps_renamed=[RenameOut(**r.__dict__) for r in d.steps_renamed],
        steps_moved=[MoveOut(**m.__dict__) for m in d.steps_moved],
        cells=[
            CellChangeOut(
                step_code=c.step_code,
                department=c.department.code,
                old=c.old.value if c.old else None,  # type: ignore[arg-type]
                new=c.new.value if c.new else None,  # type: ignore[arg-type]
                kind=c.kind,
            )
            for c in d.cells
        ],
    )


def _drafts(steps: list[StepIn]) -> list[StepDraft]:
    """Drafts whose unknown department codes stay text, so validation names them."""
    codes = {
        c for s in steps for c in [s.responsible or "", *s.collaborators, *s.consulted, *s.informed]
    }
    known = services.departments_by_code(codes - {""})
    drafts = []
    for step in steps:
        draft = StepDraft(step.code, step.name, step.name_en)
        groups: list[tuple[Part, list[str]]] = [
            (Part.RESPONSIBLE, [step.responsible] if step.responsible else []),
            (Part.COLLABORATOR, step.collaborators),
            (Part.CONSULTED, step.consulted),
            (Part.INFORMED, step.informed),
        ]
        for part, codes_of_part in groups:
            draft.parts += [(known.get(code, code), part) for code in codes_of_part]
        drafts.append(draft)
    return drafts


def _department(code: str) -> Department:
    department = services.departments_by_code([code]).get(code)
    if department is None:
        message = _('unknown department "%(name)s"') % {"name": code}
        raise InvalidInput(message, problems=[Problem(message, column="department")])
    return department


def _saved(process: CoreProcess, version: ResponsibilityVersion, base: int) -> SavedOut:
    from django.urls import reverse

    url = reverse("responsibility:diff", args=[process.code])
    return SavedOut(
        process=process.code,
        version=version.number,
        previous=base,
        created=version.number != base,
        diff_url=f"{url}?from={base}&to={version.number}",
    )


@router.get(
    "/responsibility/processes", response=list[ProcessOut], url_name="responsibility_processes"
)
def list_processes(request: HttpRequest) -> list[ProcessOut]:
    return [
        ProcessOut(
            code=s.code,
            name=s.name,
            name_en=s.name_en,
            version=s.version,
            author=s.author,
            updated_at=s.updated_at,
            step_count=s.step_count,
        )
        for s in process_summaries()
    ]


@router.post(
    "/responsibility/processes", response={201: MatrixOut}, url_name="responsibility_process_create"
)
def create_process(request: HttpRequest, payload: ProcessIn) -> Status[MatrixOut]:
    steps = services.specs_from_drafts(payload.code, _drafts(payload.steps))
    version = services.create_process(
        request.user,
        code=payload.code,
        name=payload.name,
        name_en=payload.name_en,
        description=payload.description,
        steps=steps,
        note=payload.note,
    )
    return Status(201, _matrix_out(version))


@router.get(
    "/responsibility/processes/{code}", response=MatrixOut, url_name="responsibility_process"
)
def get_process(request: HttpRequest, code: str) -> MatrixOut:
    return _matrix_out(services.current_version(services.get_process(code)))


@router.get(
    "/responsibility/processes/{code}/versions",
    response=list[VersionOut],
    url_name="responsibility_versions",
)
def list_versions(request: HttpRequest, code: str) -> list[VersionOut]:
    process = services.get_process(code)
    return [_version_out(v) for v in process.versions.order_by("-number")]


@router.get(
    "/responsibility/processes/{code}/versions/{number}",
    response=MatrixOut,
    url_name="responsibility_version",
)
def get_version(request: HttpRequest, code: str, number: int) -> MatrixOut:
    return _matrix_out(services.get_version(services.get_process(code), number))


@router.get(
    "/responsibility/processes/{code}/diff", response=DiffOut, url_name="responsibility_diff"
)
def get_diff(
    request: HttpRequest,
    code: str,
    from_version: QueryEx[int, P(alias="from")],
    to_version: QueryEx[int, P(alias="to")],
) -> DiffOut:
    process = services.get_process(code)
    old = services.get_version(process, from_version)
    new = services.get_version(process, to_version)
    return _diff_out(services.diff(old, new))


@router.put(
    "/responsibility/processes/{code}/steps", response=SavedOut, url_name="responsibility_steps"
)
def put_steps(request: HttpRequest, code: str, payload: StepsIn) -> SavedOut:
    process = services.get_process(code)
    steps = services.specs_from_drafts(code, _drafts(payload.steps))
    version = services.save_version(
        request.user, process, steps, base_version=payload.base_version, note=payload.note
    )
    return _saved(process, version, payload.base_version)


@router.post(
    "/responsibility/processes/{code}/cells", response=SavedOut, url_name="responsibility_cells"
)
def post_cell(request: HttpRequest, code: str, payload: CellIn) -> SavedOut:
    process = services.get_process(code)
    department = _department(payload.department)
    if payload.swap:
        version = services.set_responsible(
            request.user,
            process,
            step_code=payload.step_code,
            department=department,
            base_version=payload.base_version,
            note=payload.note,
        )
    else:
        version = services.set_cell(
            request.user,
            process,
            step_code=payload.step_code,
            department=department,
            part=Part(payload.part) if payload.part else None,
            base_version=payload.base_version,
            note=payload.note,
        )
    return _saved(process, version, payload.base_version)


@router.post("/responsibility/import", response=ImportOut, url_name="responsibility_import")
def post_import(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
) -> ImportOut:
    if file.size and file.size > MAX_UPLOAD:
        message = _("The file is larger than 10 MB.")
        raise InvalidInput(message, problems=[Problem(message)])
    result = import_table(request.user, file.read(), file.name or "", dry_run=dry_run)
    return ImportOut(
        dry_run=result.dry_run,
        processes=[
            PlanOut(
                code=p.code,
                status=p.status,
                renamed=p.renamed,
                summary=p.diff.summary,
                version=p.version.number if p.version else None,
            )
            for p in result.plans
        ],
    )


@router.get("/responsibility/export", url_name="responsibility_export")
def get_export(
    request: HttpRequest,
    format: Literal["xlsx", "csv"] = "xlsx",
    process: str | None = None,
    version: int | None = None,
) -> HttpResponse:
    return export_response(format, process, version)
