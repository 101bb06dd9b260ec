"""Pages of the responsibility list: processes, matrix (inline editing), versions, diff, import."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from flowbridge.core.errors import DomainError, InvalidInput, NotAllowed, NotFound
from flowbridge.core.permissions import Action, may
from flowbridge.responsibility import services
from flowbridge.responsibility.downloads import export_response
from flowbridge.responsibility.forms import SWAP, drafts_from_matrix, steps_from_steps_form
from flowbridge.responsibility.history import history
from flowbridge.responsibility.importer import CHANGED, NEW, UNCHANGED, import_table
from flowbridge.responsibility.listing import process_summaries
from flowbridge.responsibility.matrix import COLUMN_KINDS
from flowbridge.responsibility.models import CoreProcess, Part, ResponsibilityVersion
from flowbridge.responsibility.specs import StepDraft, steps_of

MAX_UPLOAD = 5 * 1024 * 1024
STATUS = {
    NEW: pgettext_lazy("import status", "new"),
    CHANGED: pgettext_lazy("import status", "changed"),
    UNCHANGED: pgettext_lazy("import status", "unchanged"),
}
SESSION_KEY = "responsibility_import"


def _process(code: str) -> CoreProcess:
    try:
        return services.get_process(code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _report(request: HttpRequest, error: DomainError) -> None:
    """Show a service error as a message, with its problems one per line."""
    if isinstance(error, NotAllowed):
        raise PermissionDenied(error.message)
    messages.error(request, error.message)
    for problem in error.problems:
        if str(problem) != error.message:
            messages.error(request, str(problem))


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "responsibility/index.html",
        {
            "summaries": process_summaries(),
            "can_edit": may(request.user, Action.CHANGE, CoreProcess),
        },
    )


def _matrix_context(
    request: HttpRequest, version: ResponsibilityVersion, editable: bool
) -> dict[str, Any]:
    return {
        "process": version.process,
        "version": version,
        "matrix": services.matrix(version),
        "editable": editable,
        "parts": [(p.value, p.label) for p in Part],
        "swap": SWAP,
    }


@login_required
@require_GET
def matrix(request: HttpRequest, code: str) -> HttpResponse:
    process = _process(code)
    version = services.current_version(process)
    context = _matrix_context(request, version, may(request.user, Action.CHANGE, process))
    context["is_current"] = True
    if context["editable"]:
        context["steps"] = list(version.steps.order_by("position"))
        context["department_choices"] = [
            d for d in context["matrix"].departments if d.kind in COLUMN_KINDS
        ]
    return render(request, "responsibility/matrix.html", context)


def _saved(
    request: HttpRequest, process: CoreProcess, base: int, version: ResponsibilityVersion
) -> None:
    if version.number == base:
        messages.info(request, _("Nothing changed; no new version was written."))
        return
    messages.success(request, _("Saved as version %(number)s.") % {"number": version.number})


def _base_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("base_version", ""))
    except ValueError as exc:
        raise InvalidInput(_("The form is missing the version it was made from.")) from exc


def _save_from_form(
    request: HttpRequest,
    code: str,
    drafts_for: Callable[[CoreProcess, int], list[StepDraft]],
) -> HttpResponse:
    """Shared path of the no-JavaScript forms: check, build steps, save a version, report."""
    process = _process(code)
    if not may(request.user, Action.CHANGE, process):
        raise PermissionDenied
    try:
        base = _base_version(request)
        steps = services.specs_from_drafts(process.code, drafts_for(process, base))
        version = services.save_version(
            request.user, process, steps, base_version=base, note=request.POST.get("note", "")
        )
        _saved(request, process, base, version)
    except DomainError as error:
        _report(request, error)
    return redirect("responsibility:matrix", code=process.code)


@login_required
@require_POST
def save_matrix(request: HttpRequest, code: str) -> HttpResponse:
    """The matrix form without JavaScript: every select posted at once."""

    def drafts(process: CoreProcess, base: int) -> list[StepDraft]:
        current = services.current_version(process)
        return drafts_from_matrix(services.matrix(current), request.POST)

    return _save_from_form(request, code, drafts)


@login_required
@require_POST
def save_steps(request: HttpRequest, code: str) -> HttpResponse:
    """Rename, reorder, remove or add steps."""

    def drafts(process: CoreProcess, base: int) -> list[StepDraft]:
        current = services.get_version(process, base)
        departments = services.departments_by_code([request.POST.get("new-responsible", "")])
        return steps_from_steps_form(steps_of(current), request.POST, departments)

    return _save_from_form(request, code, drafts)


@login_required
@require_GET
def versions(request: HttpRequest, code: str) -> HttpResponse:
    process = _process(code)
    return render(
        request,
        "responsibility/versions.html",
        {"process": process, "history": history(process)},
    )


@login_required
@require_GET
def version_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    process = _process(code)
    try:
        version = services.get_version(process, number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = _matrix_context(request, version, editable=False)
    context["is_current"] = version.number == services.current_version(process).number
    return render(request, "responsibility/matrix.html", context)


@login_required
@require_GET
def diff(request: HttpRequest, code: str) -> HttpResponse:
    process = _process(code)
    try:
        old = services.get_version(process, int(request.GET.get("from", "")))
        new = services.get_version(process, int(request.GET.get("to", "")))
    except (ValueError, NotFound) as exc:
        raise Http404(_("Pick two existing versions to compare.")) from exc
    return render(
        request,
        "responsibility/diff.html",
        {"process": process, "old": old, "new": new, "diff": services.diff(old, new)},
    )


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in {"xlsx", "csv"}:
        raise Http404
    number = request.GET.get("version")
    try:
        return export_response(
            fmt, request.GET.get("process") or None, int(number) if number else None
        )
    except (NotFound, ValueError) as exc:
        raise Http404(str(exc)) from exc


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload → preview (dry run) → confirm; a refused file shows every problem."""
    can_edit = may(request.user, Action.CHANGE, CoreProcess)
    context: dict[str, Any] = {"can_edit": can_edit}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("confirm"):
            return _confirm(request)
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file to upload."))
        elif upload.size and upload.size > MAX_UPLOAD:
            messages.error(request, _("The file is larger than 5 MB."))
        else:
            data = upload.read()
            try:
                result = import_table(request.user, data, upload.name or "", dry_run=True)
            except InvalidInput as error:
                context["error"] = error
            else:
                request.session[SESSION_KEY] = {
                    "name": upload.name or "",
                    "data": base64.b64encode(data).decode(),
                }
                context["result"] = result
                context["filename"] = upload.name
    return render(request, "responsibility/import.html", context)


def _confirm(request: HttpRequest) -> HttpResponse:
    stored = request.session.pop(SESSION_KEY, None)
    if not stored:
        messages.error(request, _("The preview expired; upload the file again."))
        return redirect("responsibility:import")
    try:
        result = import_table(request.user, base64.b64decode(stored["data"]), stored["name"])
    except DomainError as error:
        _report(request, error)
        return redirect("responsibility:import")
    changed = result.changed
    if changed:
        messages.success(
            request,
            _("Imported: %(processes)s.")
            % {"processes": ", ".join(f"{p.code} ({STATUS[p.status]})" for p in changed)},
        )
    else:
        messages.info(request, _("Nothing changed; no new version was written."))
    return redirect("responsibility:index")
