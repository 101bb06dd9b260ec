"""My profile: person card, password, language, delegations, API tokens."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from flowbridge.accounts.models import ApiToken
from flowbridge.core.clock import ManualClock
from flowbridge.core.models import AuditEntry
from flowbridge.org.models import Delegation

from .conftest import PASSWORD, Org

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)  # the clock fixture's day


def page(client: Client) -> str:
    response = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def signed_in(client: Client, user: User | None) -> User:
    assert user is not None
    client.force_login(user)
    return user


def test_person_card_shows_derived_roles(client: Client, org: Org, clock: ManualClock) -> None:
    signed_in(client, org.head.user)
    body = page(client)
    assert "Wang Fang" in body
    assert "Sales" in body
    assert "销售总监" in body
    assert "Department head" in body
    assert "Head of" in body
    signed_in(client, org.liaison.user)
    body = page(client)
    assert "lilei@example.com" in body
    assert "Liaison for" in body


def test_person_card_in_chinese(client: Client, org: Org, clock: ManualClock) -> None:
    signed_in(client, org.head.user)
    body = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "王芳" in body
    assert "部门负责人" in body
    assert "我的个人资料" in body


def test_admin_without_person_sees_a_plain_card(
    client: Client, admin_user: User, clock: ManualClock
) -> None:
    signed_in(client, admin_user)
    body = page(client)
    assert "root" in body
    assert "not linked to a person" in body
    assert 'id="delegations"' not in body


def test_change_password(client: Client, org: Org, clock: ManualClock) -> None:
    user = signed_in(client, org.employee.user)
    new = "a-much-better-passphrase-7"
    response = client.post(
        reverse("accounts:password"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert AuditEntry.objects.filter(action="accounts.password.change", actor=user).exists()
    # The session survives the change.
    assert page(client)


def test_weak_or_wrong_password_change_is_refused(
    client: Client, org: Org, clock: ManualClock
) -> None:
    user = signed_in(client, org.employee.user)
    response = client.post(
        reverse("accounts:password"),
        {"old_password": "wrong", "new_password1": "123", "new_password2": "123"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "old password was entered incorrectly" in body
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_language_choice_sets_the_cookie(client: Client, org: Org, clock: ManualClock) -> None:
    signed_in(client, org.employee.user)
    assert 'action="/i18n/setlang/"' in page(client)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/me/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "My profile" in body


def test_create_token_shows_it_once(client: Client, org: Org, clock: ManualClock) -> None:
    user = signed_in(client, org.employee.user)
    response = client.post(
        reverse("accounts:token_create"), {"name": "report script", "days": "7"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    body = response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert token.expires_at == clock.now() + timedelta(days=7)
    start = body.index('id="new-token-value">') + len('id="new-token-value">')
    raw = body[start : body.index("</code>", start)]
    assert raw.startswith(token.prefix)
    assert "will not be shown again" in body
    again = page(client)
    assert raw not in again
    assert "report script" in again and token.prefix in again


def test_token_form_errors(client: Client, org: Org) -> None:
    signed_in(client, org.employee.user)
    response = client.post(reverse("accounts:token_create"), {"name": "", "days": "-1"})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_revoke_token_from_profile(client: Client, org: Org, clock: ManualClock) -> None:
    from flowbridge.accounts import services

    user = signed_in(client, org.employee.user)
    mine, _raw = services.create_token(user, user, "mine")
    assert org.colleague.user is not None
    theirs, _ = services.create_token(None, org.colleague.user, "theirs")
    assert client.post(reverse("accounts:token_revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("accounts:token_revoke", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at == clock.now()
    assert theirs.revoked_at is None
    assert "mine" not in page(client).split('id="tokens"')[1].split("Create a token")[0]


def test_add_and_cancel_delegation(client: Client, org: Org, clock: ManualClock) -> None:
    signed_in(client, org.employee.user)
    body = page(client)
    assert 'id="deputy-search"' in body
    assert "Zhang" in body or "张伟" in body  # colleagues are offered as deputies
    response = client.post(
        reverse("accounts:delegation_add"),
        {
            "deputy": org.colleague.pk,
            "starts_on": "2026-03-05",
            "ends_on": "2026-03-09",
            "reason": "trade fair",
        },
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get(person=org.employee)
    assert delegation.deputy == org.colleague
    assert "trade fair" in page(client)
    response = client.post(reverse("accounts:delegation_cancel", args=[delegation.pk]))
    assert response.status_code == 302
    assert not Delegation.objects.exists()
    assert AuditEntry.objects.filter(action="org.delegation.cancel").exists()


def test_delegation_problems_are_shown(client: Client, org: Org, clock: ManualClock) -> None:
    signed_in(client, org.employee.user)
    Delegation.objects.create(
        person=org.colleague, deputy=org.employee, starts_on=TODAY, ends_on=TODAY + timedelta(5),
        created_at=clock.now(),
    )  # fmt: skip
    # A cycle: the colleague already delegates to me for these days.
    response = client.post(
        reverse("accounts:delegation_add"),
        {"deputy": org.colleague.pk, "starts_on": "2026-03-03", "ends_on": "2026-03-04"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'class="problems"' in body
    assert Delegation.objects.filter(person=org.employee).count() == 0
    # Dates in the wrong order are refused by the form already.
    response = client.post(
        reverse("accounts:delegation_add"),
        {"deputy": org.engineer.pk, "starts_on": "2026-03-09", "ends_on": "2026-03-03"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422


def test_acting_as_deputy_today(client: Client, org: Org, clock: ManualClock) -> None:
    Delegation.objects.create(
        person=org.head, deputy=org.employee, starts_on=TODAY, ends_on=TODAY + timedelta(2),
        created_at=clock.now(),
    )  # fmt: skip
    Delegation.objects.create(
        person=org.engineer, deputy=org.employee, starts_on=TODAY + timedelta(10),
        ends_on=TODAY + timedelta(12), created_at=clock.now(),
    )  # fmt: skip
    signed_in(client, org.employee.user)
    body = page(client)
    acting = body.split("Today I act as deputy for:")[1].split("</p>")[0]
    assert "Wang Fang" in acting
    assert "赵强" not in acting


def test_nobody_cancels_someone_elses_delegation_from_their_profile(
    client: Client, org: Org, clock: ManualClock
) -> None:
    delegation = Delegation.objects.create(
        person=org.colleague, deputy=org.liaison, starts_on=TODAY, ends_on=TODAY,
        created_at=clock.now(),
    )  # fmt: skip
    signed_in(client, org.employee.user)
    response = client.post(reverse("accounts:delegation_cancel", args=[delegation.pk]))
    assert response.status_code == 404
    assert Delegation.objects.filter(pk=delegation.pk).exists()
