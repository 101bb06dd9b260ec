"""The notifications page: newest first, mark read, open one (marks it read, follows its link)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from flowbridge.notify import services
from flowbridge.org.models import Person


def _person(request: HttpRequest) -> Person:
    person = Person.objects.filter(user_id=request.user.pk or 0).first()
    if person is None:
        raise PermissionDenied(_("Your account is not linked to a person in the organization."))
    return person


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    unread_only = request.GET.get("unread") == "1"
    rows = services.for_person(person, unread_only=unread_only)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    shown = [(n, services.text_of(n)) for n in page]
    return render(
        request,
        "notify/list.html",
        {"page": page, "shown": shown, "unread_only": unread_only},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark the chosen notifications read (or all when none are chosen)."""
    person = _person(request)
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
    services.mark_read(person, ids or None)
    return redirect("notify:list")


@login_required
@require_POST
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    person = _person(request)
    row = services.for_person(person).filter(pk=notification_id).first()
    if row is None:
        raise Http404(_("No such notification."))
    services.mark_read(person, [row.pk])
    target = row.url if url_has_allowed_host_and_scheme(row.url, allowed_hosts=None) else ""
    return redirect(target or "notify:list")
