"""``flowbridge createadmin`` and ``flowbridge token``."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from flowbridge.accounts.models import ApiToken
from flowbridge.core.clock import ManualClock
from flowbridge.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def run(*args: str, **options: Any) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_createadmin_reads_the_password_from_stdin(clock: ManualClock) -> None:
    stdin = io.StringIO("a-long-admin-passphrase-42\n")
    out = run(
        "createadmin", "--username", "boss", "--email", "boss@example.com", "--password-stdin",
        stdin=stdin,
    )  # fmt: skip
    assert "created system administrator boss" in out
    user = User.objects.get(username="boss")
    assert user.is_superuser and user.is_staff
    assert user.check_password("a-long-admin-passphrase-42")
    assert AuditEntry.objects.filter(action="accounts.admin.create").count() == 1
    assert not hasattr(user, "person")


def test_createadmin_refuses_weak_passwords_and_taken_names() -> None:
    User.objects.create_user("taken", password="whatever-long-1")
    with pytest.raises(CommandError) as caught:
        run("createadmin", "--username", "taken", "--password-stdin", stdin=io.StringIO("12345\n"))
    message = str(caught.value)
    # Every problem, not just the first: the name, and length, commonness, digits only.
    assert message.count("username: ") == 1
    assert message.count("password: ") == 3
    assert not User.objects.filter(is_superuser=True).exists()


def test_createadmin_prompts_when_interactive(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["prompted-passphrase-9", "prompted-passphrase-9"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("builtins.input", lambda prompt="": "")
    assert "created system administrator admin" in run("createadmin")
    assert User.objects.get(username="admin").is_superuser


def test_createadmin_refuses_differing_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["prompted-passphrase-9", "something-else-9"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="differ"):
        run("createadmin", "--username", "x")
    assert not User.objects.exists()


def test_token_issue_list_revoke(client: Client, clock: ManualClock) -> None:
    User.objects.create_user("robot", password="irrelevant-pass-1")
    out = run("token", "issue", "robot", "--name", "etl", "--days", "3")
    raw = out.strip()
    assert out.count("\n") == 1 and raw.startswith("fb_")
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    token = ApiToken.objects.get()
    assert token.expires_at == clock.now() + timedelta(days=3)
    listing = run("token", "list", "robot")
    assert "etl" in listing and "active" in listing and token.prefix in listing
    assert raw not in listing
    assert run("token", "list", "nobody").count("\n") == 1  # the header only
    assert f"revoked token {token.pk}" in run("token", "revoke", str(token.pk))
    assert "revoked" in run("token", "list")
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_token_errors() -> None:
    with pytest.raises(CommandError, match="no user"):
        run("token", "issue", "ghost", "--name", "x")
    with pytest.raises(CommandError, match="no token"):
        run("token", "revoke", "999")
    User.objects.create_user("robot", password="irrelevant-pass-1")
    with pytest.raises(CommandError, match="days: "):
        run("token", "issue", "robot", "--name", "x", "--days", "0")
