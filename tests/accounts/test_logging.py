"""Passwords and API tokens never reach the logs."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from flowbridge.accounts import services
from flowbridge.core.clock import ManualClock
from flowbridge.core.logging import RedactSecrets

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_failed_sign_in_logs_the_name_but_not_the_password(
    client: Client, caplog: pytest.LogCaptureFixture, clock: ManualClock
) -> None:
    User.objects.create_user("carol", password=PASSWORD)
    caplog.set_level(logging.DEBUG)
    for _ in range(6):
        client.post(reverse("accounts:login"), {"username": "carol", "password": "hunter2-secret"})
    assert "sign-in failed for user name 'carol'" in caplog.text
    assert "locked until" in caplog.text
    assert "hunter2-secret" not in caplog.text
    for record in caplog.records:
        assert "hunter2-secret" not in repr(record.args)


def test_a_password_typed_as_user_name_is_not_logged(
    client: Client, caplog: pytest.LogCaptureFixture, clock: ManualClock
) -> None:
    caplog.set_level(logging.DEBUG)
    client.post(reverse("accounts:login"), {"username": "hunter2-secret", "password": "x"})
    assert "sign-in failed for an unknown user name" in caplog.text
    assert "hunter2-secret" not in caplog.text


def test_a_password_typed_as_user_name_stays_out_of_the_audit_log(
    client: Client, clock: ManualClock
) -> None:
    from flowbridge.core.models import AuditEntry

    for _ in range(6):
        client.post(reverse("accounts:login"), {"username": "hunter2-secret", "password": "x"})
    lock = AuditEntry.objects.get(action="accounts.sign_in.lock")
    assert lock.object_repr == "an unknown user name"
    assert "hunter2-secret" not in str(list(AuditEntry.objects.values()))


def test_api_token_never_appears_in_logs(
    client: Client, caplog: pytest.LogCaptureFixture, clock: ManualClock
) -> None:
    user = User.objects.create_user("dave", password=PASSWORD)
    caplog.set_level(logging.DEBUG)
    token, raw = services.create_token(user, user, "script")
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    services.revoke_token(user, token)
    # A refused token is logged by Django as "Unauthorized: /api/me", without the header.
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert "Unauthorized" in caplog.text
    assert raw not in caplog.text
    assert raw[len(token.prefix) :] not in caplog.text


def test_redact_filter_hides_secrets_that_reach_a_handler() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "headers: Authorization: Bearer %s password=%s",
        ("fb_abc123", "hunter2-secret"), None,
    )  # fmt: skip
    RedactSecrets().filter(record)
    message = record.getMessage()
    assert "fb_abc123" not in message
    assert "hunter2-secret" not in message
    assert "***" in message
