"""Users for process tests: a process-office member and a plain employee."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AbstractBaseUser

from flowbridge.org.models import Department, DepartmentKind
from tests.support import user_with_person


@dataclass
class People:
    pmo: AbstractBaseUser
    employee: AbstractBaseUser
    department: Department


@pytest.fixture
def people(db: None) -> People:
    root = Department.objects.create(code="acme", name="公司", kind=DepartmentKind.COMPANY)
    gm = Department.objects.create(
        code="gm", name="总经理办公室", kind=DepartmentKind.MANAGEMENT, parent=root
    )
    sales = Department.objects.create(code="sales", name="销售部", parent=root)
    return People(
        pmo=user_with_person("pmo", gm, "process_office"),
        employee=user_with_person("emp", sales),
        department=gm,
    )


@pytest.fixture(autouse=True)
def english(english_site: None) -> None:
    """Messages are asserted in English; test_translations checks the Chinese ones."""
