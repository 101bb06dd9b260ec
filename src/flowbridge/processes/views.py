"""Pages of process definitions: the list with an upload form, one definition with its diagram."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from flowbridge.cases.views_overview import overview_context
from flowbridge.core.errors import DomainError, InvalidInput, NotAllowed, NotFound
from flowbridge.core.permissions import Action, may
from flowbridge.processes import services
from flowbridge.processes.bpmn import MAX_BYTES
from flowbridge.processes.drawing import diagram_svg
from flowbridge.processes.models import ProcessDefinition, ProcessVersion


def _index(
    request: HttpRequest, refusal: InvalidInput | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "processes/index.html",
        {
            "rows": services.definitions_with_current(request.user),
            "can_deploy": may(request.user, Action.CHANGE, ProcessDefinition),
            "refusal": refusal,
            "max_mb": MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _index(request)


@login_required
@require_POST
def deploy(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        message = _("Choose a BPMN file to upload.")
        return _index(request, InvalidInput(message), status=422)
    if upload.size and upload.size > MAX_BYTES:
        message = _("The file is larger than 5 MB.")
        return _index(request, InvalidInput(message), status=422)
    try:
        version, created = services.deploy_file(
            request.user,
            upload.read(),
            upload.name or "upload.bpmn",
            key=request.POST.get("key") or None,
            note=request.POST.get("note", ""),
        )
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except InvalidInput as error:
        return _index(request, error, status=422)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("processes:index")
    key = version.definition.key
    if created:
        messages.success(
            request,
            _("Deployed %(key)s version %(number)d.") % {"key": key, "number": version.number},
        )
    else:
        messages.info(
            request,
            _("%(key)s version %(number)d already has this content; nothing changed.")
            % {"key": key, "number": version.number},
        )
    return redirect("processes:detail", key=key)


def _definition(key: str) -> ProcessDefinition:
    try:
        return services.get_definition(key)
    except NotFound as error:
        raise Http404(error.message) from error


def _version(definition: ProcessDefinition, number: int | None) -> ProcessVersion:
    try:
        return services.get_version(definition, number)
    except NotFound as error:
        raise Http404(error.message) from error


@login_required
@require_GET
def detail(request: HttpRequest, key: str) -> HttpResponse:
    definition = _definition(key)
    versions = list(definition.versions.select_related("deployed_by").order_by("-number"))
    if not versions:
        raise Http404(_("This process has no version yet."))
    raw = request.GET.get("version", "")
    chosen = _version(definition, int(raw)) if raw.isdigit() else versions[0]
    return render(
        request,
        "processes/detail.html",
        {
            "definition": definition,
            "versions": versions,
            "chosen": chosen,
            "svg": diagram_svg(chosen),
            "can_deploy": may(request.user, Action.CHANGE, ProcessDefinition),
            # Running cases on the diagram, totals, overdue (process office, management, audit).
            "overview": overview_context(request.user, definition, chosen),
        },
    )


@login_required
@require_GET
def download(request: HttpRequest, key: str, number: int) -> HttpResponse:
    version = _version(_definition(key), number)
    response = HttpResponse(services.export_bpmn(version), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{key}-v{number}.bpmn"'
    return response
