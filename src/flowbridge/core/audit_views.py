"""The audit log page: a filterable, paginated list and a chain check (auditors and admins)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from flowbridge.core.audit import verify
from flowbridge.core.errors import InvalidInput
from flowbridge.core.models import AuditEntry
from flowbridge.core.permissions import Action, may
from flowbridge.core.workcalendar import parse_day

PAGE_SIZE = 50


def _filtered(request: HttpRequest) -> tuple[QuerySet[AuditEntry], list[str]]:
    """Entries matching the query string, newest first, and the filter problems found."""
    entries = AuditEntry.objects.order_by("-seq")
    problems: list[str] = []
    if action := request.GET.get("action", "").strip():
        entries = entries.filter(action__icontains=action)
    if object_type := request.GET.get("object_type", "").strip():
        entries = entries.filter(object_type=object_type)
    if actor := request.GET.get("actor", "").strip():
        entries = entries.filter(actor_name__icontains=actor)
    zone = timezone.get_current_timezone()
    for name, lookup, clock_time in (("from", "at__gte", time.min), ("to", "at__lte", time.max)):
        text = request.GET.get(name, "").strip()
        if not text:
            continue
        try:
            day = parse_day(text, name)
        except InvalidInput as error:
            problems.append(error.message)
            continue
        entries = entries.filter(**{lookup: datetime.combine(day, clock_time, tzinfo=zone)})
    return entries, problems


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Action.VIEW, AuditEntry):
        raise PermissionDenied
    entries, problems = _filtered(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("verify", None)
    context: dict[str, Any] = {
        "page": page,
        "problems": problems,
        "filters": request.GET,
        "query": query.urlencode(),
        "object_types": AuditEntry.objects.order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct(),
        "verification": verify() if request.GET.get("verify") else None,
    }
    return render(request, "core/audit.html", context)
