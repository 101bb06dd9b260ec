"""JSON API of requests (mounted under /api/ by flowbridge.api): catalog, start, reads, export.

Every route looks objects up, calls a service or query of this app and
returns a schema; permissions and rules live in the services. The POSTed
approval actions are in :mod:`.api_actions`, schemas in :mod:`.api_schemas`.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from flowbridge.cases import export, operations, queries, services
from flowbridge.cases.api_actions import router as actions_router
from flowbridge.cases.api_input import (
    ReadIn,
    StartIn,
    actor_of,
    body,
    documented,
    validated,
)
from flowbridge.cases.api_schemas import (
    CaseOut,
    CaseRow,
    CatalogEntry,
    CountsOut,
    EventOut,
    InboxOut,
    MarkedOut,
    NotificationOut,
    TaskDetailOut,
    TaskOut,
    case_out,
    event_out,
    field_out,
    task_fields,
)
from flowbridge.cases.models import Case, WorkItem
from flowbridge.core.errors import InvalidInput, NotFound, Problem
from flowbridge.core.permissions import Role, principal_for
from flowbridge.notify import services as notify
from flowbridge.notify.models import Notification
from flowbridge.processes import forms
from flowbridge.processes.diagram import render_svg
from flowbridge.processes.models import ProcessDefinition

router = Router(tags=["requests"])
router.add_router("", actions_router)

START_BODY = documented(StartIn) | {
    "description": "JSON; or multipart/form-data with the fields process, title, version, "
    "values (a JSON object as text) and one file part per attachment field, named by its id."
}


@router.get("/requests/catalog", response=list[CatalogEntry], url_name="request_catalog")
def catalog(request: HttpRequest) -> list[CatalogEntry]:
    """Processes that can be started now (those with a deployed version), with their forms."""
    entries = []
    definitions = ProcessDefinition.objects.prefetch_related("versions").order_by("key")
    for definition in definitions:
        versions = sorted(definition.versions.all(), key=lambda v: v.number)
        if not versions:
            continue
        version = versions[-1]
        spec = forms.form_for(version)
        entries.append(
            CatalogEntry(
                key=definition.key,
                name=definition.display_name,
                description=definition.description,
                version=version.number,
                fields=[field_out(f) for f in spec.fields],
            )
        )
    return entries


def _start_input(request: HttpRequest) -> tuple[StartIn, dict[str, Any]]:
    if not (request.content_type or "").startswith("multipart/"):
        return body(request, StartIn), {}
    data: dict[str, Any] = {k: request.POST.get(k) for k in ("process", "title", "version")}
    data = {k: v for k, v in data.items() if v not in (None, "")}
    raw = request.POST.get("values", "") or "{}"
    try:
        data["values"] = json.loads(raw)
    except ValueError as error:
        message = _("values must be a JSON object of field ids and values.")
        raise InvalidInput(message, problems=[Problem(message, where="values")]) from error
    files = {key: request.FILES.getlist(key) for key in request.FILES}
    return validated(StartIn, data), files


@router.post(
    "/requests",
    response={201: CaseOut},
    url_name="request_start",
    openapi_extra={
        "requestBody": START_BODY["requestBody"] | {"description": START_BODY["description"]}
    },
)
def start(request: HttpRequest) -> Status[CaseOut]:
    payload, files = _start_input(request)
    actor = actor_of(request)
    case = services.start_case(
        actor,
        payload.process,
        payload.values,
        files or None,
        title=payload.title,
        version_number=payload.version,
    )
    return Status(201, case_out(actor, services.case_of(actor, case.pk)))


@router.get("/requests", response=list[CaseRow], url_name="request_list")
@paginate(PageNumberPagination, page_size=50)
def list_requests(
    request: HttpRequest, scope: str = "mine", status: str = "", process: str = ""
) -> QuerySet[Case]:
    """Your requests, or (``scope=all``) every request you may see."""
    actor = actor_of(request)
    if scope not in ("mine", "all"):
        message = _("scope is mine or all.")
        raise InvalidInput(message, problems=[Problem(message, where="scope")])
    if scope == "all":
        rows = queries.visible_cases(actor, process=process, status=status)
    else:
        rows = queries.my_requests(services.person_of(actor), status=status)
        if process:
            rows = rows.filter(definition__key=process)
    return rows.select_related("definition", "version", "requester")


@router.get("/requests/{case_id}", response=CaseOut, url_name="request_detail")
def get_request(request: HttpRequest, case_id: int) -> CaseOut:
    actor = actor_of(request)
    return case_out(actor, services.case_of(actor, case_id))


@router.get("/requests/{case_id}/timeline", response=list[EventOut], url_name="request_timeline")
def timeline(request: HttpRequest, case_id: int) -> list[EventOut]:
    case = services.case_of(actor_of(request), case_id)
    return [event_out(e) for e in queries.timeline(case)]


@router.get("/requests/{case_id}/diagram.svg", url_name="request_diagram")
def diagram(request: HttpRequest, case_id: int) -> HttpResponse:
    """The process diagram with this case's done and current nodes marked."""
    case = services.case_of(actor_of(request), case_id)
    try:
        svg = render_svg(
            case.version.bpmn_xml, process_id=case.version.bpmn_process_id,
            overlay=queries.case_overlay(case),
        )  # fmt: skip
    except Exception as error:  # a file without DI has no diagram; never a traceback
        raise NotFound(_("This version has no diagram that can be drawn.")) from error
    return HttpResponse(svg, content_type="image/svg+xml")


def _task_query() -> QuerySet[WorkItem]:
    return WorkItem.objects.select_related(
        "step", "case", "case__definition", "case__requester", "department", "on_behalf_of"
    )


@router.get("/tasks", response=InboxOut, url_name="task_list")
def inbox(
    request: HttpRequest, process: str = "", overdue: bool | None = None, q: str = ""
) -> InboxOut:
    """Your open work items (the process office also sees unassigned ones) and the tab counts."""
    actor = actor_of(request)
    person = services.person_of(actor)
    office = principal_for(actor).has(Role.PROCESS_OFFICE)
    rows = queries.inbox(person, process=process, overdue=overdue, q=q, include_unassigned=office)
    counts = queries.inbox_counts(person)
    return InboxOut(
        counts=CountsOut(**counts.__dict__),
        items=[TaskOut(**task_fields(i)) for i in rows[:500]],
    )


@router.get("/tasks/{item_id}", response=TaskDetailOut, url_name="task_detail")
def get_task(request: HttpRequest, item_id: int) -> TaskDetailOut:
    actor = actor_of(request)
    item = _task_query().filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("No task %(id)s.") % {"id": item_id})
    case = services.case_of(actor, item.case_id)
    spec = forms.form_for(case.version, item.step.node_id) if item.step.kind != "cc" else None
    return TaskDetailOut(
        **task_fields(item),
        status=item.status,
        revision=case.revision,
        fields=[field_out(f) for f in spec.fields] if spec else [],
        actions=sorted(operations.available_actions(actor, case, item)),
    )


@router.get("/notifications", response=list[NotificationOut], url_name="notification_list")
@paginate(PageNumberPagination, page_size=50)
def notifications(request: HttpRequest, unread: bool = False) -> QuerySet[Notification]:
    """Your notifications, newest first (``unread=true``: only the unread ones)."""
    person = services.person_of(actor_of(request))
    return notify.for_person(person, unread_only=unread).order_by("-created_at", "-id")


@router.post(
    "/notifications/read",
    response=MarkedOut,
    url_name="notification_read",
    openapi_extra=documented(ReadIn),
)
def read_notifications(request: HttpRequest) -> MarkedOut:
    """Mark your notifications read: those ``ids``, or all when ``ids`` is absent."""
    payload = body(request, ReadIn)
    person = services.person_of(actor_of(request))
    return MarkedOut(marked=notify.mark_read(person, payload.ids))


# Event log export ---------------------------------------------------------------


class ExportFilters(Schema):
    process: str = ""
    version: int | None = None
    since: date | None = Field(None, alias="from", description="first day (inclusive)")
    until: date | None = Field(None, alias="to", description="last day (inclusive)")
    lifecycle: str = Field("", description="comma-separated lifecycles; default all")


def _export(request: HttpRequest, filters: ExportFilters, kind: str) -> StreamingHttpResponse:
    export.require_exporter(actor_of(request))
    selection = export.Selection(
        process=filters.process,
        version=filters.version,
        since=filters.since,
        until=filters.until,
        lifecycles=export.lifecycles_from(filters.lifecycle),
    )
    rows = export.events(selection)
    name = f"flowbridge-{filters.process or 'all'}-events.{kind}"
    if kind == "csv":
        stream: Any = export.events_csv(rows)
        content_type = "text/csv; charset=utf-8"
    else:
        stream, content_type = export.events_xes(rows), "application/xml"
    response = StreamingHttpResponse(stream, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/events.xes", url_name="events_xes")
def events_xes(
    request: HttpRequest,
    filters: Query[ExportFilters],
) -> StreamingHttpResponse:
    """The event log as XES (process office, management and auditors)."""
    return _export(request, filters, "xes")


@router.get("/events.csv", url_name="events_csv")
def events_csv(
    request: HttpRequest,
    filters: Query[ExportFilters],
) -> StreamingHttpResponse:
    """The event log as CSV (process office, management and auditors)."""
    return _export(request, filters, "csv")
