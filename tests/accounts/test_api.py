"""GET /api/me and the token endpoints."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from flowbridge.accounts import services
from flowbridge.accounts.models import ApiToken
from flowbridge.core.clock import ManualClock
from flowbridge.core.models import AuditEntry

from .conftest import Org

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def test_without_authentication_everything_is_401(client: Client) -> None:
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/me/tokens").status_code == 401
    assert client.post("/api/me/tokens", "{}", content_type="application/json").status_code == 401
    assert client.get("/api/me", headers=bearer("fb_not-a-real-token")).status_code == 401


def test_me_describes_the_head_of_sales(client: Client, org: Org, clock: ManualClock) -> None:
    assert org.head.user is not None
    _token, raw = services.create_token(org.head.user, org.head.user, "cli")
    body = client.get("/api/me", headers=bearer(raw)).json()
    assert body["user"]["username"] == "s001"
    assert body["person"]["employee_no"] == "S001"
    assert body["person"]["title"] == "销售总监"
    assert body["department"]["code"] == "sales"
    assert set(body["roles"]) == {"department_head", "employee"}
    perms = body["permissions"]
    assert perms["headed_department_ids"] == [org.sales.pk]
    assert perms["may_change_departments"] is False
    assert perms["is_admin"] is False


def test_me_for_liaison_and_for_admin_without_person(
    client: Client, org: Org, admin_user: User
) -> None:
    assert org.liaison.user is not None
    client.force_login(org.liaison.user)
    body = client.get("/api/me").json()
    assert "liaison" in body["roles"]
    assert body["permissions"]["liaison_department_ids"] == [org.sales.pk]
    client.force_login(admin_user)
    body = client.get("/api/me").json()
    assert body["person"] is None and body["department"] is None
    assert body["roles"] == ["system_admin"]
    assert body["permissions"]["may_change_people"] is True


def test_create_list_and_revoke_tokens(client: Client, org: Org, clock: ManualClock) -> None:
    user = org.employee.user
    assert user is not None
    _first, raw = services.create_token(user, user, "first")
    created = client.post(
        "/api/me/tokens",
        json.dumps({"name": "nightly export", "days": 30}),
        content_type="application/json",
        headers=bearer(raw),
    )
    assert created.status_code == 201
    new = created.json()
    assert new["token"].startswith("fb_") and new["token"].startswith(new["prefix"])
    assert new["expires_at"].startswith("2026-04-01")
    listed = client.get("/api/me/tokens", headers=bearer(new["token"])).json()
    assert {t["name"] for t in listed} == {"first", "nightly export"}
    assert all("token" not in t for t in listed)
    assert client.delete(f"/api/me/tokens/{new['id']}", headers=bearer(raw)).status_code == 204
    assert client.get("/api/me", headers=bearer(new["token"])).status_code == 401
    assert AuditEntry.objects.filter(action="accounts.token.revoke").count() == 1
    issued = AuditEntry.objects.filter(action="accounts.token.issue")
    assert issued.count() == 2
    assert all(new["token"] not in json.dumps(e.changes) for e in issued)


def test_invalid_token_input_lists_every_problem(client: Client, org: Org) -> None:
    assert org.employee.user is not None
    client.force_login(org.employee.user)
    response = client.post(
        "/api/me/tokens", json.dumps({"name": " ", "days": 0}), content_type="application/json"
    )
    assert response.status_code == 422
    wheres = {p["where"] for p in response.json()["problems"]}
    assert wheres == {"name", "days"}
    assert not ApiToken.objects.exists()


def test_nobody_revokes_someone_elses_token(client: Client, org: Org) -> None:
    assert org.employee.user is not None and org.colleague.user is not None
    token, raw = services.create_token(None, org.colleague.user, "theirs")
    client.force_login(org.employee.user)
    assert client.delete(f"/api/me/tokens/{token.pk}").status_code == 404
    assert client.get("/api/me", headers=bearer(raw)).status_code == 200


def test_expired_token_is_401(client: Client, org: Org, clock: ManualClock) -> None:
    assert org.employee.user is not None
    _token, raw = services.create_token(None, org.employee.user, "short", days=1)
    assert client.get("/api/me", headers=bearer(raw)).status_code == 200
    clock.advance(timedelta(days=1))
    assert client.get("/api/me", headers=bearer(raw)).status_code == 401


def test_token_of_a_deactivated_user_is_401(client: Client, org: Org) -> None:
    user = org.employee.user
    assert user is not None
    _token, raw = services.create_token(None, user, "t")
    user.is_active = False
    user.save()
    assert client.get("/api/me", headers=bearer(raw)).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(
    client: Client, org: Org, clock: ManualClock
) -> None:
    assert org.employee.user is not None
    token, raw = services.create_token(None, org.employee.user, "t")
    client.get("/api/me", headers=bearer(raw))
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use == clock.now()
    clock.advance(timedelta(seconds=30))
    client.get("/api/me", headers=bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == first_use
    clock.advance(timedelta(minutes=2))
    client.get("/api/me", headers=bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == clock.now()


def test_session_post_needs_csrf(org: Org) -> None:
    assert org.employee.user is not None
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.employee.user)
    response = client.post(
        "/api/me/tokens", json.dumps({"name": "x"}), content_type="application/json"
    )
    assert response.status_code in {401, 403}
    assert not ApiToken.objects.exists()
