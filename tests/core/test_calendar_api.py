"""The calendar's JSON API under /api/calendar/."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from flowbridge.core.models import AuditEntry, CalendarOverride

pytestmark = pytest.mark.django_db


def client_for(user: User | None, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def test_reading_needs_a_signed_in_user(employee: User) -> None:
    assert client_for(None).get("/api/calendar/settings").status_code == 401
    response = client_for(employee).get("/api/calendar/settings")
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "Asia/Shanghai"
    assert body["periods"] == [["09:00", "12:00"], ["13:30", "18:00"]]
    assert 2026 in body["supported_years"]


def test_admin_updates_settings_others_get_403(system_admin: User, employee: User) -> None:
    payload = {"timezone": "Asia/Shanghai", "periods": [["08:30", "12:00"], ["13:00", "17:30"]]}
    denied = client_for(employee).put(
        "/api/calendar/settings", payload, content_type="application/json"
    )
    assert denied.status_code == 403
    ok = client_for(system_admin).put(
        "/api/calendar/settings", payload, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["periods"] == payload["periods"]
    bad = client_for(system_admin).put(
        "/api/calendar/settings",
        {"timezone": "Atlantis/Capital", "periods": [["18:00", "09:00"]]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert [p["where"] for p in bad.json()["problems"]] == ["timezone", "period 1"]


def test_overrides_round_trip(system_admin: User, clock: Any) -> None:
    client = client_for(system_admin)
    created = client.post(
        "/api/calendar/overrides",
        {"date": "2026-03-02", "is_working_day": False, "reason": "stocktaking"},
        content_type="application/json",
    )
    assert created.status_code == 200, created.content
    assert created.json() == {
        "date": "2026-03-02",
        "is_working_day": False,
        "reason": "stocktaking",
    }
    listed = client.get("/api/calendar/overrides?year=2026").json()
    assert [o["date"] for o in listed] == ["2026-03-02"]
    day = client.get("/api/calendar/days?year=2026&month=3").json()["days"][1]
    assert day["override"] is False and day["override_reason"] == "stocktaking"
    assert client.delete("/api/calendar/overrides/2026-03-02").status_code == 204
    assert client.delete("/api/calendar/overrides/2026-03-02").status_code == 404
    assert client.delete("/api/calendar/overrides/not-a-date").status_code == 422
    assert not CalendarOverride.objects.exists()
    assert AuditEntry.objects.count() == 2


def test_employee_cannot_add_overrides(employee: User) -> None:
    response = client_for(employee).post(
        "/api/calendar/overrides",
        {"date": "2026-03-02", "is_working_day": False},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_add_and_between(employee: User) -> None:
    client = client_for(employee)
    added = client.get("/api/calendar/add", {"start": "2026-09-30T17:00", "duration": "3d"})
    assert added.json()["result"] == "2026-10-10T17:00:00+08:00"
    between = client.get(
        "/api/calendar/between", {"start": "2026-09-30T09:00", "end": "2026-09-30T18:00"}
    ).json()
    assert between["working_time"] == "PT7H30M" and between["seconds"] == 27000


@pytest.mark.parametrize(
    ("url", "params", "fragment"),
    [
        ("/api/calendar/add", {"start": "2027-03-01T10:00", "duration": "1d"}, "2027"),
        ("/api/calendar/add", {"start": "2026-03-01T10:00", "duration": "soon"}, "PT4H30M"),
        ("/api/calendar/add", {"start": "tomorrow", "duration": "1d"}, "tomorrow"),
        ("/api/calendar/between", {"start": "2026-03-01", "end": "2027-03-01"}, "2027"),
        ("/api/calendar/days", {"year": 2027, "month": 1}, "2027"),
        ("/api/calendar/days", {"year": 2026, "month": 13}, "month"),
    ],
)
def test_errors_are_422_with_the_message(
    employee: User, url: str, params: dict[str, Any], fragment: str
) -> None:
    response = client_for(employee).get(url, params)
    assert response.status_code == 422
    body = response.json()
    assert fragment in body["detail"] + " ".join(p["message"] for p in body["problems"])


def test_days_of_national_day_month(employee: User) -> None:
    days = client_for(employee).get("/api/calendar/days?year=2026&month=10").json()["days"]
    assert len(days) == 31
    first, tenth = days[0], days[9]
    assert first["is_working_day"] is False and first["holiday"]
    assert tenth["makeup_day"] is True and tenth["is_working_day"] is True
    assert tenth["weekday"] == 6


def test_errors_in_chinese(employee: User) -> None:
    response = client_for(employee, "zh-hans").get(
        "/api/calendar/add", {"start": "2027-03-01T10:00", "duration": "1d"}
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("2027 年尚无官方放假安排")
