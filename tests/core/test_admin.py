"""Django admin: calendar edits write the audit log; the audit log is read-only there."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from flowbridge.core import audit
from flowbridge.core.calendar_services import set_override
from flowbridge.core.models import AuditEntry, CalendarOverride, CalendarSettings, ConfirmedYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(admin_user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin_user)
    return client


def test_override_added_changed_and_deleted_in_admin_is_audited(
    superuser_client: Client, clock: Any
) -> None:
    response = superuser_client.post(
        "/admin/core/calendaroverride/add/",
        {"date": "2026-03-02", "is_working_day": "", "reason": "stocktaking"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    override = CalendarOverride.objects.get()
    assert not override.is_working_day
    superuser_client.post(
        f"/admin/core/calendaroverride/{override.pk}/change/",
        {"is_working_day": "on", "reason": "make-up"},
    )
    assert CalendarOverride.objects.get().is_working_day
    superuser_client.post(f"/admin/core/calendaroverride/{override.pk}/delete/", {"post": "yes"})
    assert not CalendarOverride.objects.exists()
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == [
        "core.calendar.override.create",
        "core.calendar.override.update",
        "core.calendar.override.delete",
    ]
    assert audit.verify().ok


def test_bulk_delete_is_audited(superuser_client: Client) -> None:
    set_override(None, date(2026, 3, 2), False, "a")
    set_override(None, date(2026, 3, 3), False, "b")
    ids = [str(pk) for pk in CalendarOverride.objects.values_list("pk", flat=True)]
    superuser_client.post(
        "/admin/core/calendaroverride/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert not CalendarOverride.objects.exists()
    assert AuditEntry.objects.filter(action="core.calendar.override.delete").count() == 2


def test_settings_validated_and_audited(superuser_client: Client, clock: Any) -> None:
    bad = superuser_client.post(
        "/admin/core/calendarsettings/add/",
        {"timezone": "Asia/Shanghai", "working_periods": '[["18:00", "09:00"]]'},
    )
    assert bad.status_code == 200 and "must end after it starts" in bad.content.decode()
    ok = superuser_client.post(
        "/admin/core/calendarsettings/add/",
        {"timezone": "Asia/Shanghai", "working_periods": '[["08:00", "12:00"]]'},
    )
    assert ok.status_code == 302
    assert CalendarSettings.objects.get().working_periods == [["08:00", "12:00"]]
    assert AuditEntry.objects.get().action == "core.calendar.settings.update"


def test_confirmed_year_in_admin(superuser_client: Client, clock: Any) -> None:
    refused = superuser_client.post("/admin/core/confirmedyear/add/", {"year": "2026", "note": ""})
    assert "already has the official arrangement" in refused.content.decode()
    superuser_client.post("/admin/core/confirmedyear/add/", {"year": "2031", "note": "by hand"})
    confirmed = ConfirmedYear.objects.get()
    assert confirmed.confirmed_at == clock.now()
    superuser_client.post(f"/admin/core/confirmedyear/{confirmed.pk}/delete/", {"post": "yes"})
    assert not ConfirmedYear.objects.exists()
    assert AuditEntry.objects.count() == 2


def test_audit_log_is_read_only_and_searchable(superuser_client: Client) -> None:
    set_override(None, date(2026, 3, 2), False, "stocktaking")
    entry = AuditEntry.objects.get()
    listing = superuser_client.get("/admin/core/auditentry/?q=override")
    assert (
        listing.status_code == 200 and "core.calendar.override.create" in listing.content.decode()
    )
    assert superuser_client.get("/admin/core/auditentry/add/").status_code == 403
    assert superuser_client.get(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    view = superuser_client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert view.status_code == 200 and 'name="_save"' not in view.content.decode()
    superuser_client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"action": "forged"})
    assert AuditEntry.objects.get().action == "core.calendar.override.create"
