"""Users for process tests: a process-office member and a plain employee."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import translation

from flowbridge.org.models import Department, DepartmentKind, Person, PersonRole


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    """Messages are asserted in English; tests that want Chinese override it."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@dataclass
class People:
    pmo: AbstractBaseUser
    employee: AbstractBaseUser
    department: Department


def _user(username: str, department: Department, role: str | None = None) -> AbstractBaseUser:
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-123")
    person = Person.objects.create(
        user=user, employee_no=username.upper(), name=username, department=department
    )
    if role:
        PersonRole.objects.create(person=person, role=role)
    return user


@pytest.fixture
def people(db: None) -> People:
    root = Department.objects.create(code="acme", name="公司", kind=DepartmentKind.COMPANY)
    gm = Department.objects.create(
        code="gm", name="总经理办公室", kind=DepartmentKind.MANAGEMENT, parent=root
    )
    sales = Department.objects.create(code="sales", name="销售部", parent=root)
    return People(
        pmo=_user("pmo", gm, "process_office"), employee=_user("emp", sales), department=gm
    )
