"""The /calendar/ and /audit/ pages: content, forms, permissions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from flowbridge.core.calendar_services import set_override
from flowbridge.core.models import AuditEntry, CalendarOverride, ConfirmedYear

pytestmark = pytest.mark.django_db


def client_for(user: User | None, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def test_calendar_page_shows_the_month(employee: User) -> None:
    response = client_for(employee).get(reverse("core:calendar"), {"year": 2026, "month": 10})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-date="2026-10-10"' in html
    assert "National Day" in html
    assert "adjusted working day" in html
    assert "?year=2026&amp;month=9" in html and "?year=2026&amp;month=11" in html
    assert "Save override" not in html  # no admin forms for an employee


def test_calendar_page_in_chinese(employee: User) -> None:
    html = client_for(employee, "zh-hans").get("/calendar/?year=2026&month=10").content.decode()
    assert "国庆节" in html


def test_calendar_page_refuses_unknown_year_but_renders(employee: User) -> None:
    html = client_for(employee).get("/calendar/?year=2027&month=1").content.decode()
    assert "No official holiday arrangement for 2027" in html
    assert 'data-date="2027-01-04"' not in html


def test_calendar_page_needs_sign_in() -> None:
    response = client_for(None).get("/calendar/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_calculator(employee: User) -> None:
    client = client_for(employee)
    added = client.get("/calendar/", {"start": "2026-09-30T17:00", "duration": "3d"})
    assert "2026-10-10T17:00:00+08:00" in added.content.decode()
    between = client.get("/calendar/", {"start": "2026-09-30T09:00", "end": "2026-09-30T18:00"})
    assert "PT7H30M" in between.content.decode()
    bad = client.get("/calendar/", {"start": "2026-09-30T09:00", "duration": "often"})
    assert "Cannot read the duration" in bad.content.decode()


def test_admin_forms_change_the_calendar(system_admin: User, clock: Any) -> None:
    client = client_for(system_admin)
    page = client.get("/calendar/?year=2026&month=3").content.decode()
    assert "Save override" in page
    response = client.post(
        reverse("core:calendar-override"),
        {"date": "2026-03-02", "kind": "closed", "reason": "stocktaking", "year": 2026, "month": 3},
    )
    assert response.status_code == 302 and response["Location"].endswith("?year=2026&month=3")
    assert CalendarOverride.objects.get(date=date(2026, 3, 2)).reason == "stocktaking"
    client.post(reverse("core:calendar-override-remove"), {"date": "2026-03-02"})
    assert not CalendarOverride.objects.exists()
    client.post(
        reverse("core:calendar-hours"),
        {"periods": "08:30-12:00, 13:00-17:30", "timezone": "Asia/Shanghai"},
    )
    page = client.get("/calendar/").content.decode()
    assert "08:30\u201312:00" in page
    client.post(reverse("core:calendar-confirm-year"), {"confirm_year": "2031", "note": "n"})
    assert ConfirmedYear.objects.filter(year=2031).exists()
    assert AuditEntry.objects.count() == 4


def test_admin_form_errors_are_reported(system_admin: User) -> None:
    client = client_for(system_admin)
    response = client.post(
        reverse("core:calendar-hours"),
        {"periods": "18:00-09:00", "timezone": "Nowhere"},
        follow=True,
    )
    html = response.content.decode()
    assert "Unknown time zone" in html and "must end after it starts" in html


def test_employee_posts_are_refused(employee: User) -> None:
    response = client_for(employee).post(
        reverse("core:calendar-override"), {"date": "2026-03-02", "kind": "closed"}, follow=True
    )
    assert "not allowed" in response.content.decode()
    assert not CalendarOverride.objects.exists()


def test_audit_page_permissions(employee: User, auditor: User, system_admin: User) -> None:
    assert client_for(employee).get("/audit/").status_code == 403
    assert client_for(auditor).get("/audit/").status_code == 200
    assert client_for(system_admin).get("/audit/").status_code == 200
    assert client_for(None).get("/audit/").status_code == 302


def test_audit_page_filters_paginates_and_verifies(auditor: User, clock: Any) -> None:
    for day in range(60):
        set_override(None, date(2026, 1, 1) + timedelta(days=day), False, f"r{day}")
        clock.advance(timedelta(hours=1))
    client = client_for(auditor)
    first = client.get("/audit/").content.decode()
    assert "Page 1 of 2 (60 entries)" in first and "r59" in first and "r5<" not in first
    second = client.get("/audit/?page=2").content.decode()
    assert "r5" in second
    filtered = client.get("/audit/", {"actor": "system", "action": "override.create"})
    assert "(60 entries)" in filtered.content.decode()
    none = client.get("/audit/", {"object_type": "org.department"}).content.decode()
    assert "No entries match." in none
    dated = client.get("/audit/", {"from": "2026-03-02", "to": "2026-03-02"}).content.decode()
    assert "(15 entries)" in dated  # the clock fixture starts 2026-03-02 09:00, one per hour
    ok = client.get("/audit/?verify=1").content.decode()
    assert "Chain intact: 60 entries checked." in ok
    AuditEntry.objects.filter(seq=7).update(changes={"reason": ["forged", None]})
    bad = client.get("/audit/?verify=1").content.decode()
    assert "Tampering detected at entry #7" in bad


def test_navigation_and_pages_in_chinese(auditor: User) -> None:
    html = client_for(auditor, "zh-hans").get("/calendar/?year=2026&month=10").content.decode()
    for text in ("工作时间", "审计日志", "权责清单", "退出登录", "调休上班日", "计算器"):
        assert text in html, text
    audit_html = client_for(auditor, "zh-hans").get("/audit/?verify=1").content.decode()
    assert "已校验 0 条记录" in audit_html
