"""JSON API of process definitions (mounted under /api/ by flowbridge.api).

Reads are open to everyone signed in; deploying goes through the service,
which checks the permission (403) and judges the file (422 with the reason
and every problem found).
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from flowbridge.core.errors import InvalidInput, NotFound, Problem
from flowbridge.processes import services
from flowbridge.processes.bpmn import MAX_BYTES, Judgement, judge
from flowbridge.processes.drawing import diagram_svg
from flowbridge.processes.models import ProcessDefinition, ProcessVersion

router = Router(tags=["processes"])


class VersionOut(Schema):
    number: int
    sha256: str
    bpmn_process_id: str
    filename: str
    deployed_by: str
    deployed_at: datetime
    note: str


class DefinitionOut(Schema):
    key: str
    name: str
    name_en: str
    description: str
    owner: str | None
    created_at: datetime
    current_version: int | None


class DefinitionDetailOut(DefinitionOut):
    versions: list[VersionOut]


class DeployedOut(Schema):
    key: str
    version: int
    created: bool
    bpmn_process_id: str


class ProblemOut(Schema):
    element_id: str | None
    element_type: str | None
    message: str


class JudgementOut(Schema):
    ok: bool
    reason: str
    element_id: str | None
    element_type: str | None
    process_ids: list[str]
    problems: list[ProblemOut]


def _version_out(version: ProcessVersion) -> VersionOut:
    deployer = version.deployed_by
    return VersionOut(
        number=version.number,
        sha256=version.sha256,
        bpmn_process_id=version.bpmn_process_id,
        filename=version.filename,
        deployed_by=deployer.get_username() if deployer is not None else "system",
        deployed_at=version.deployed_at,
        note=version.note,
    )


def _definition_out(definition: ProcessDefinition, current: int | None) -> DefinitionOut:
    return DefinitionOut(
        key=definition.key,
        name=definition.name,
        name_en=definition.name_en,
        description=definition.description,
        owner=definition.owner.code if definition.owner else None,
        created_at=definition.created_at,
        current_version=current,
    )


def _judgement_out(judgement: Judgement) -> JudgementOut:
    return JudgementOut(
        ok=judgement.ok,
        reason=judgement.reason,
        element_id=judgement.element_id,
        element_type=judgement.element_type,
        process_ids=judgement.process_ids,
        problems=[
            ProblemOut(element_id=p.element_id, element_type=p.element_type, message=p.message)
            for p in judgement.problems
        ],
    )


def _read(file: UploadedFile) -> bytes:
    if file.size and file.size > MAX_BYTES:
        message = _("The file is larger than 5 MB.")
        raise InvalidInput(message, problems=[Problem(message, where="file")])
    return bytes(file.read())


@router.get("/processes", response=list[DefinitionOut], url_name="process_list")
def list_definitions(request: HttpRequest) -> list[DefinitionOut]:
    return [_definition_out(d, c) for d, c in services.definitions_with_current(request.user)]


@router.post(
    "/processes/deploy", response={201: DeployedOut, 200: DeployedOut}, url_name="process_deploy"
)
def deploy(
    request: HttpRequest,
    file: File[UploadedFile],
    key: Form[str | None] = None,
    note: Form[str] = "",
) -> Status[DeployedOut]:
    data = _read(file)
    name = file.name or "upload.bpmn"
    version, created = services.deploy_file(request.user, data, name, key=key, note=note)
    out = DeployedOut(
        key=version.definition.key,
        version=version.number,
        created=created,
        bpmn_process_id=version.bpmn_process_id,
    )
    return Status(201 if created else 200, out)


@router.get("/processes/{key}", response=DefinitionDetailOut, url_name="process_detail")
def get_definition(request: HttpRequest, key: str) -> DefinitionDetailOut:
    definition = services.get_definition(key)
    versions = list(definition.versions.select_related("deployed_by").order_by("-number"))
    base = _definition_out(definition, versions[0].number if versions else None)
    return DefinitionDetailOut(**base.dict(), versions=[_version_out(v) for v in versions])


@router.get("/processes/{key}/versions", response=list[VersionOut], url_name="process_versions")
def list_versions(request: HttpRequest, key: str) -> list[VersionOut]:
    definition = services.get_definition(key)
    versions = definition.versions.select_related("deployed_by").order_by("-number")
    return [_version_out(v) for v in versions]


@router.get("/processes/{key}/versions/{number}/bpmn", url_name="process_version_bpmn")
def download_bpmn(request: HttpRequest, key: str, number: int) -> HttpResponse:
    version = services.get_version(services.get_definition(key), number)
    response = HttpResponse(services.export_bpmn(version), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{key}-v{number}.bpmn"'
    return response


@router.get("/processes/{key}/versions/{number}/diagram.svg", url_name="process_version_svg")
def diagram(request: HttpRequest, key: str, number: int) -> HttpResponse:
    version = services.get_version(services.get_definition(key), number)
    svg = diagram_svg(version)
    if svg is None:
        raise NotFound(_("This version has no diagram that can be drawn."))
    return HttpResponse(svg, content_type="image/svg+xml")


@router.post("/bpmn/validate", response=JudgementOut, url_name="bpmn_validate")
def validate(request: HttpRequest, file: File[UploadedFile]) -> JudgementOut:
    return _judgement_out(judge(_read(file), file.name or "upload.bpmn"))
