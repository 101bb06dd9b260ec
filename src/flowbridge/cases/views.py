"""Request pages: the catalogue, the start form, my requests, all requests, one request, downloads.

Task pages (the inbox, one task) are in :mod:`.views_tasks`; the POSTed
actions in :mod:`.views_actions`. Every page reads through :mod:`.queries`
and changes through the services; a domain error becomes 403/404 or a
message on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from flowbridge.cases import operations, queries, services
from flowbridge.cases.models import CaseStatus
from flowbridge.cases.pageutil import add_problems, http_errors, person_or_403, split_values
from flowbridge.cases.views_tasks import render_case
from flowbridge.core.errors import InvalidInput
from flowbridge.processes import forms
from flowbridge.processes.models import ProcessDefinition
from flowbridge.processes.services import definitions_with_current, get_definition, get_version


@login_required
@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    """Processes one can start, grouped by the department that owns them."""
    q = request.GET.get("q", "").strip()
    groups: dict[str, list[ProcessDefinition]] = {}
    for definition, current in definitions_with_current(request.user):
        if current is None:
            continue
        text = f"{definition.key} {definition.name} {definition.name_en} {definition.description}"
        if q and q.lower() not in text.lower():
            continue
        owner = definition.owner.display_name if definition.owner else _("Other")
        groups.setdefault(owner, []).append(definition)
    return render(request, "cases/catalog.html", {"groups": sorted(groups.items()), "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, key: str) -> HttpResponse:
    """The request form of a process's current version; a valid POST starts the case."""
    person_or_403(request)
    with http_errors():
        definition = get_definition(key)
        version = get_version(definition)
    spec = forms.form_for(version)
    status = 200
    if request.method == "POST":
        form = forms.django_form(spec, data=request.POST, files=request.FILES)
        if form.is_valid():
            values, files = split_values(form)
            try:
                with http_errors():
                    case = services.start_case(request.user, definition, values, files)
            except InvalidInput as error:
                add_problems(form, error)
            else:
                messages.success(
                    request,
                    _("Request %(ref)s submitted.") % {"ref": case.reference},
                )
                return redirect("cases:case", case_id=case.pk)
        status = 422
    else:
        form = forms.django_form(spec)
    return render(
        request,
        "cases/start.html",
        {"definition": definition, "version": version, "form": form},
        status=status,
    )


STATUSES = [("", _("All")), *CaseStatus.choices]


@login_required
@require_GET
def my_requests(request: HttpRequest) -> HttpResponse:
    """Requests I started (by status) and requests copied to me."""
    person = person_or_403(request)
    status = request.GET.get("status", "")
    if status not in dict(STATUSES):
        status = ""
    page = Paginator(queries.my_requests(person, status=status), 50).get_page(
        request.GET.get("page")
    )
    copies = list(queries.copied_to(person).order_by("-started_at")[:50])
    return render(
        request,
        "cases/my_requests.html",
        {
            "page": page,
            "status": status,
            "statuses": STATUSES,
            "copies": copies,
            "can_see_all": queries.can_see_all(request.user),
        },
    )


@login_required
@require_GET
def all_requests(request: HttpRequest) -> HttpResponse:
    """Every request, for the process office, management and auditors."""
    if not queries.can_see_all(request.user):
        raise PermissionDenied(_("Only the process office, management and auditors see all."))
    process = request.GET.get("process", "")
    status = request.GET.get("status", "")
    if status not in dict(STATUSES):
        status = ""
    rows = queries.visible_cases(request.user, process=process, status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    processes = [d for d, current in definitions_with_current(request.user)]
    return render(
        request,
        "cases/all_requests.html",
        {
            "page": page,
            "status": status,
            "statuses": STATUSES,
            "process": process,
            "processes": processes,
        },
    )


@login_required
@require_GET
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """One request: what was asked, where it stands, what happened; the requester's actions."""
    with http_errors():
        case = services.case_of(request.user, case_id)
    return render_case(request, case)


@login_required
@require_GET
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A file of a case, for people who may see the case (never a public URL)."""
    with http_errors():
        row = operations.attachment_for(request.user, attachment_id)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("The file is missing from storage.")) from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=row.name,
        content_type=row.content_type or "application/octet-stream",
    )
