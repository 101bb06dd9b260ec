"""The admin pages of tokens and lock-outs: no token values, revoke and unlock actions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from flowbridge.accounts import services
from flowbridge.accounts.models import ApiToken, SignInThrottle
from flowbridge.core.clock import ManualClock
from flowbridge.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_token_admin_never_shows_the_hash_and_revokes(
    client: Client, admin_user: User, clock: ManualClock
) -> None:
    token, raw = services.create_token(None, admin_user, "script")
    client.force_login(admin_user)
    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert "script" in listing
    detail = client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert token.key_hash not in detail and raw not in detail
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    response = client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at == clock.now()
    assert AuditEntry.objects.filter(action="accounts.token.revoke", actor=admin_user).exists()


def test_throttle_admin_unlocks(client: Client, admin_user: User, clock: ManualClock) -> None:
    for _ in range(5):
        services.record_failure("erin")
    row = SignInThrottle.objects.get()
    client.force_login(admin_user)
    assert "erin" in client.get("/admin/accounts/signinthrottle/").content.decode()
    response = client.post(
        "/admin/accounts/signinthrottle/",
        {"action": "unlock", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    services.check_sign_in_allowed("erin")
    assert AuditEntry.objects.filter(action="accounts.sign_in.unlock").count() == 1


def test_default_user_admin_is_kept(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    assert client.get("/admin/auth/user/").status_code == 200
    assert ApiToken.objects.count() == 0
