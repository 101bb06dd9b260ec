"""Small builders and fixtures shared by several test folders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import translation

from flowbridge.org.models import Department, Person, PersonRole

TEST_PASSWORD = "pw-for-tests-123"


def user_with_person(
    username: str, department: Department, role: str | None = None
) -> AbstractBaseUser:
    """An account (password :data:`TEST_PASSWORD`) with a person record, made with the ORM."""
    user = get_user_model().objects.create_user(username=username, password=TEST_PASSWORD)
    person = Person.objects.create(
        user=user, employee_no=username.upper(), name=username, department=department
    )
    if role:
        PersonRole.objects.create(person=person, role=role)
    return user


@pytest.fixture
def english_site(settings: Any) -> Iterator[None]:
    """Pages and messages in English (the default language is zh-hans).

    Registered as a plugin by ``tests/conftest.py``; a folder makes it automatic
    with an autouse fixture that requests it.
    """
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
