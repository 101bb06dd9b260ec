"""Users with the roles the core pages and services care about."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from flowbridge.core.permissions import Role
from flowbridge.org.models import Department, Person, PersonRole


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in English unless a test asks for Chinese (the default language is zh-hans)."""
    with translation.override("en"):
        yield


def _person(username: str, *roles: Role) -> User:
    department, _ = Department.objects.get_or_create(code="pmo", defaults={"name": "流程办"})
    user = User.objects.create_user(username, password="pw-for-tests-1")
    person = Person.objects.create(
        user=user, employee_no=username, name=username, department=department
    )
    for role in roles:
        PersonRole.objects.create(person=person, role=role.value)
    return user


@pytest.fixture
def system_admin(db: Any) -> User:
    return _person("sysadmin", Role.SYSTEM_ADMIN)


@pytest.fixture
def auditor(db: Any) -> User:
    return _person("auditor", Role.AUDITOR)


@pytest.fixture
def employee(db: Any) -> User:
    return _person("employee")
