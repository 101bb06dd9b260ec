"""A small organization with sign-in accounts, built with the ORM."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User

from flowbridge.org.models import Department, DepartmentKind, Liaison, Person

PASSWORD = "correct-horse-battery-9"


@dataclass
class Org:
    company: Department
    sales: Department
    rnd: Department
    head: Person
    liaison: Person
    employee: Person
    colleague: Person
    engineer: Person


def make_person(employee_no: str, name: str, department: Department, **fields: str) -> Person:
    user = User.objects.create_user(employee_no.lower(), password=PASSWORD)
    return Person.objects.create(
        user=user, employee_no=employee_no, name=name, department=department, **fields
    )


@pytest.fixture
def org(db: None) -> Org:
    company = Department.objects.create(code="acme", name="艾克米", kind=DepartmentKind.COMPANY)
    sales = Department.objects.create(
        code="sales", name="销售部", name_en="Sales", parent=company, sort_order=1
    )
    rnd = Department.objects.create(code="rnd", name="研发部", name_en="R&D", parent=company)
    head = make_person("S001", "王芳", sales, name_en="Wang Fang", title="销售总监")
    sales.head = head
    sales.save()
    liaison = make_person("S002", "李雷", sales, email="lilei@example.com", phone="123")
    Liaison.objects.create(department=sales, person=liaison, position=1)
    employee = make_person("S003", "韩梅梅", sales, name_en="Han Meimei", title="销售代表")
    colleague = make_person("S004", "张伟", sales)
    engineer = make_person("R001", "赵强", rnd)
    return Org(company, sales, rnd, head, liaison, employee, colleague, engineer)


@pytest.fixture
def admin_user(db: None) -> User:
    return User.objects.create_superuser("root", "root@example.com", PASSWORD)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Django's MD5 hasher: the real sign-in code path, without PBKDF2's deliberate slowness."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
