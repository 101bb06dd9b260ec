"""Sign-in lock-out: five failures in fifteen minutes lock a user name for fifteen minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from flowbridge.accounts import services
from flowbridge.accounts.models import SignInThrottle
from flowbridge.accounts.services import SignInLocked
from flowbridge.core.clock import ManualClock
from flowbridge.core.errors import NotAllowed, NotFound
from flowbridge.core.models import AuditEntry

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str) -> tuple[int, str]:
    response = client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    return response.status_code, response.content.decode()


@pytest.fixture
def alice(db: None) -> User:
    return User.objects.create_user("alice", password=PASSWORD)


def test_four_failures_do_not_lock_and_a_success_resets_the_count(
    client: Client, alice: User, clock: ManualClock
) -> None:
    for _ in range(4):
        services.record_failure("alice")
    services.check_sign_in_allowed("alice")  # not locked
    status, _body = sign_in(client, "alice", PASSWORD)
    assert status == 302
    assert not SignInThrottle.objects.filter(username="alice").exists()
    # Counting starts again: four more failures still do not lock.
    for _ in range(4):
        services.record_failure("alice")
    services.check_sign_in_allowed("alice")


def test_fifth_failure_locks_even_the_right_password(
    client: Client, alice: User, clock: ManualClock
) -> None:
    for _ in range(4):
        status, body = sign_in(client, "alice", "wrong")
        assert status == 200
        assert "Please enter a correct" in body
    status, body = sign_in(client, "alice", "wrong")
    # The clock fixture starts at 09:00 Shanghai time: locked until 09:15.
    assert "Too many failed sign-ins. Try again after 09:15." in body
    status, body = sign_in(client, "alice", PASSWORD)
    assert status == 200
    assert "Too many failed sign-ins" in body
    assert "_auth_user_id" not in client.session
    row = SignInThrottle.objects.get(username="alice")
    assert row.failures == 5  # attempts while locked are refused, not counted
    with pytest.raises(SignInLocked) as caught:
        services.check_sign_in_allowed("alice")
    assert caught.value.until == clock.now() + timedelta(minutes=15)


def test_lock_ends_after_fifteen_minutes(client: Client, alice: User, clock: ManualClock) -> None:
    for _ in range(5):
        services.record_failure("alice")
    clock.advance(timedelta(minutes=14, seconds=59))
    with pytest.raises(SignInLocked):
        services.check_sign_in_allowed("alice")
    clock.advance(timedelta(seconds=1))
    status, _body = sign_in(client, "alice", PASSWORD)
    assert status == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_failures_outside_the_window_do_not_add_up(alice: User, clock: ManualClock) -> None:
    for _ in range(4):
        services.record_failure("alice")
    clock.advance(timedelta(minutes=15))
    row = services.record_failure("alice")
    assert row.failures == 1
    assert row.locked_until is None
    services.check_sign_in_allowed("alice")


def test_a_failure_after_the_lock_ran_out_starts_a_new_count(
    alice: User, clock: ManualClock
) -> None:
    for _ in range(5):
        services.record_failure("alice")
    clock.advance(timedelta(minutes=16))
    row = services.record_failure("alice")
    assert (row.failures, row.locked_until) == (1, None)


def test_unknown_names_are_locked_the_same_way(client: Client, clock: ManualClock) -> None:
    """The answer never tells whether a user name exists."""
    answers = [sign_in(client, "nobody", "wrong") for _ in range(6)]
    known = User.objects.create_user("somebody", password=PASSWORD)
    assert known.pk
    answers_known = [sign_in(client, "somebody", "wrong") for _ in range(6)]
    assert [a[0] for a in answers] == [a[0] for a in answers_known]
    assert "Please enter a correct" in answers[0][1]
    assert "Too many failed sign-ins" in answers[5][1]
    assert "Too many failed sign-ins" in answers_known[5][1]


def test_user_name_case_and_spaces_do_not_bypass_the_lock(
    client: Client, alice: User, clock: ManualClock
) -> None:
    for name in ["alice", "Alice", "ALICE ", " alice", "aLiCe"]:
        services.record_failure(name)
    with pytest.raises(SignInLocked):
        services.check_sign_in_allowed("alice")
    _status, body = sign_in(client, "alice", PASSWORD)
    assert "Too many failed sign-ins" in body


def test_lock_and_unlock_are_audited(admin_user: User, alice: User, clock: ManualClock) -> None:
    for _ in range(5):
        services.record_failure("alice")
    lock = AuditEntry.objects.get(action="accounts.sign_in.lock")
    assert lock.object_repr == "alice"
    assert lock.actor_name == "system"
    assert lock.changes["failures"] == 5
    services.unlock(admin_user, "Alice")
    services.check_sign_in_allowed("alice")
    entry = AuditEntry.objects.get(action="accounts.sign_in.unlock")
    assert entry.actor_id == admin_user.pk
    assert entry.changes["failures"] == [5, 0]
    assert not SignInThrottle.objects.exists()


def test_only_admins_unlock(alice: User, clock: ManualClock) -> None:
    for _ in range(5):
        services.record_failure("alice")
    with pytest.raises(NotAllowed):
        services.unlock(alice, "alice")
    with pytest.raises(SignInLocked):
        services.check_sign_in_allowed("alice")


def test_unlocking_a_name_without_failures_is_not_found(admin_user: User) -> None:
    with pytest.raises(NotFound):
        services.unlock(admin_user, "ghost")


def test_lock_message_in_chinese(client: Client, alice: User, clock: ManualClock) -> None:
    for _ in range(5):
        services.record_failure("alice")
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    body = response.content.decode()
    assert "登录失败次数过多" in body
    assert "09:15" in body


def test_an_empty_form_is_not_counted(client: Client, clock: ManualClock) -> None:
    for _ in range(6):
        status, body = sign_in(client, "  ", "")
        assert status == 200
        assert "Too many failed sign-ins" not in body
    assert not SignInThrottle.objects.exists()
