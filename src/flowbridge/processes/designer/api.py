"""JSON API of the approval-chain designer (mounted at /api/designer by flowbridge.api).

Validating, previewing and generating the file are open to everyone signed
in (nothing is stored); deploying checks the process-office permission in
the service (403) and refuses a bad chain with every problem and its path
(422).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Body, Router, Schema, Status

from flowbridge.core.errors import InvalidInput, NotFound, Problem
from flowbridge.processes import services as process_services
from flowbridge.processes.designer import services
from flowbridge.processes.designer.bpmn_writer import chain_to_bpmn
from flowbridge.processes.designer.chain import (
    chain_problems,
    chain_to_dict,
    parse_chain,
    read_chain,
)
from flowbridge.processes.diagram import DiagramUnavailable

router = Router(tags=["designer"])


class ProblemOut(Schema):
    where: str
    message: str


class ValidationOut(Schema):
    ok: bool
    problems: list[ProblemOut]


class DeployIn(Schema):
    chain: dict[str, Any]
    note: str = ""


class DeployedOut(Schema):
    key: str
    version: int
    created: bool


@router.post("/validate", response=ValidationOut, url_name="designer_validate")
def validate(request: HttpRequest, payload: Body[dict[str, Any]]) -> ValidationOut:
    chain, problems = read_chain(payload)
    problems += chain_problems(chain)
    return ValidationOut(
        ok=not problems,
        problems=[ProblemOut(where=p.where, message=p.message) for p in problems],
    )


@router.post("/preview", url_name="designer_preview")
def preview(request: HttpRequest, payload: Body[dict[str, Any]]) -> HttpResponse:
    """The diagram of the chain as it stands, even while it still has problems."""
    chain, _problems = read_chain(payload)
    try:
        svg = services.preview_svg(chain)
    except DiagramUnavailable as error:  # e.g. a chain too large to draw
        message = _("The diagram cannot be drawn: %(reason)s") % {"reason": error}
        raise InvalidInput(message, problems=[Problem(message)]) from error
    return HttpResponse(svg, content_type="image/svg+xml")


@router.post("/bpmn", url_name="designer_bpmn")
def bpmn(request: HttpRequest, payload: Body[dict[str, Any]]) -> HttpResponse:
    chain = parse_chain(payload)
    response = HttpResponse(chain_to_bpmn(chain).encode("utf-8"), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{chain.key}.bpmn"'
    return response


@router.post("/deploy", response={201: DeployedOut, 200: DeployedOut}, url_name="designer_deploy")
def deploy(request: HttpRequest, payload: DeployIn) -> Status[DeployedOut]:
    services.require_designer(request.user)
    chain = parse_chain(payload.chain)
    version, created = services.design_deploy_file(request.user, chain, note=payload.note)
    out = DeployedOut(key=version.definition.key, version=version.number, created=created)
    return Status(201 if created else 200, out)


@router.get("/{key}", response=dict[str, Any], url_name="designer_chain")
def designed_chain(request: HttpRequest, key: str) -> dict[str, Any]:
    version = process_services.get_version(process_services.get_definition(key))
    chain = services.chain_from_version(version)
    if chain is None:
        raise NotFound(
            _("%(key)s version %(number)d was not made with the designer.")
            % {"key": key, "number": version.number}
        )
    return chain_to_dict(chain)
