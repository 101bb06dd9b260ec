"""The sign-in and sign-out pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_page_is_bilingual(client: Client) -> None:
    english = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in to Flowbridge" in english
    assert 'autocomplete="current-password"' in english
    chinese = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登录 Flowbridge" in chinese
    assert 'lang="zh-hans"' in chinese


def test_demo_hint_only_in_demo_or_debug(client: Client) -> None:
    url = reverse("accounts:login")
    assert "flowbridge demo" not in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    with override_settings(FLOWBRIDGE_DEMO=True):
        body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "flowbridge demo" in body
    assert PASSWORD not in body


def test_sign_in_goes_to_next_only_on_this_site(client: Client) -> None:
    User.objects.create_user("bob", password=PASSWORD)
    url = reverse("accounts:login")
    response = client.post(url, {"username": "bob", "password": PASSWORD, "next": "/me/"})
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    client.logout()
    response = client.post(
        url, {"username": "bob", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("core:home")


def test_wrong_password_keeps_the_user_name_and_signs_nobody_in(client: Client) -> None:
    User.objects.create_user("bob", password=PASSWORD)
    response = client.post(
        reverse("accounts:login"),
        {"username": "bob", "password": "nope"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    assert 'value="bob"' in body
    assert "Please enter a correct" in body
    assert "nope" not in body
    assert "_auth_user_id" not in client.session


def test_inactive_account_gets_the_same_answer_as_a_wrong_password(client: Client) -> None:
    User.objects.create_user("gone", password=PASSWORD, is_active=False)
    response = client.post(
        reverse("accounts:login"),
        {"username": "gone", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Please enter a correct" in response.content.decode()
    assert "inactive" not in response.content.decode()


def test_signed_in_user_visiting_sign_in_is_sent_home(client: Client) -> None:
    client.force_login(User.objects.create_user("bob", password=PASSWORD))
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302


def test_sign_out_needs_post(client: Client) -> None:
    client.force_login(User.objects.create_user("bob", password=PASSWORD))
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_pages_need_sign_in(client: Client) -> None:
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=/me/")
