"""The demo company loads on an empty database, once, through the services."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from flowbridge.core import audit
from flowbridge.core.clock import ManualClock
from flowbridge.core.models import AuditEntry
from flowbridge.core.permissions import Role, principal_for
from flowbridge.demo import loader
from flowbridge.demo.company import ACCOUNTS, DEMO_PASSWORD, NO_LIAISON_CODE, people
from flowbridge.org import services as org
from flowbridge.org.models import Delegation, Department, DepartmentKind, Liaison, Person
from flowbridge.responsibility.models import (
    CoreProcess,
    Part,
    ResponsibilityAssignment,
    ResponsibilityStep,
    ResponsibilityVersion,
)

pytestmark = pytest.mark.django_db


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(clock: ManualClock) -> str:
    return run_demo()


def test_the_people_are_plausible_and_distinct() -> None:
    specs = people()
    assert 110 <= len(specs) <= 130
    for attribute in ("name", "employee_no", "email", "username"):
        values = [getattr(p, attribute) for p in specs]
        assert len(values) == len(set(values)), attribute
    assert all(re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", p.name_en) for p in specs)
    assert all(p.email.endswith("@qiming.example") for p in specs)
    assert all(2 <= len(p.name) <= 3 for p in specs)
    assert people() == specs  # deterministic


def test_demo_loads_the_company(demo: str) -> None:
    assert "Loaded the demo company" in demo
    assert 110 <= Person.objects.count() <= 130
    assert Department.objects.filter(kind=DepartmentKind.DEPARTMENT).count() >= 10
    assert Department.objects.get(code="qiming").kind == DepartmentKind.COMPANY
    assert Department.objects.get(code="gmo").kind == DepartmentKind.MANAGEMENT
    assert Department.objects.filter(kind=DepartmentKind.DIVISION).count() == 2
    # Every department has a head, and all but one name one or two liaisons.
    for department in Department.objects.exclude(kind=DepartmentKind.COMPANY):
        assert department.head is not None, department.code
        assert department.head.department_id == department.pk
        liaisons = Liaison.objects.filter(department=department).count()
        if department.code == NO_LIAISON_CODE:
            assert liaisons == 0
        else:
            assert 1 <= liaisons <= 2, department.code
    assert [d.code for d in org.departments_without_liaison()] == [NO_LIAISON_CODE]
    # Someone is away this week and a colleague stands in for them.
    today = org.company_today()
    away = Delegation.objects.get()
    assert away.starts_on <= today <= away.ends_on
    assert org.acting_person(away.person, today) == away.deputy
    assert Liaison.objects.filter(person=away.person).exists()


def test_demo_loads_three_responsibility_lists_and_a_second_version(demo: str) -> None:
    assert set(CoreProcess.objects.values_list("code", flat=True)) == {
        "product-launch",
        "complaint",
        "order-fulfilment",
    }
    for version in ResponsibilityVersion.objects.all():
        assert 6 <= version.steps.count() <= 9
    for step in ResponsibilityStep.objects.all():
        responsible = ResponsibilityAssignment.objects.filter(step=step, part=Part.RESPONSIBLE)
        assert responsible.count() == 1, step.code
        assert step.assignments.filter(part=Part.COLLABORATOR).exists(), step.code
    complaint = CoreProcess.objects.get(code="complaint")
    newest = complaint.versions.order_by("-number").first()
    assert newest is not None and newest.number == 2
    assert newest.author is not None and newest.author.get_username() == "pmo"
    assert newest.steps.filter(code="corrective-action").exists()
    assert ResponsibilityAssignment.objects.filter(part=Part.CONSULTED).exists()
    assert ResponsibilityAssignment.objects.filter(part=Part.INFORMED).exists()


def test_demo_is_recorded_in_an_intact_audit_log(demo: str) -> None:
    assert AuditEntry.objects.filter(action="org.person.create", actor=None).count() == (
        Person.objects.count()
    )
    assert AuditEntry.objects.filter(action="demo.load").exists()
    assert audit.verify().ok


def test_demo_is_idempotent(demo: str) -> None:
    counts = (Person.objects.count(), Department.objects.count(), AuditEntry.objects.count())
    again = run_demo()
    assert "already loaded" in again
    assert (Person.objects.count(), Department.objects.count(), AuditEntry.objects.count()) == (
        counts
    )
    for account in ACCOUNTS:
        assert account.username in again


def test_command_prints_the_url_and_sign_ins(demo: str) -> None:
    assert "http://127.0.0.1:8000/" in demo
    assert DEMO_PASSWORD in demo
    for username in ("admin", "pmo", "gm", "rd_head", "cs_liaison", "employee", "auditor"):
        assert re.search(rf"^\s+{username}\s", demo, re.MULTILINE), username


def test_demo_accounts_sign_in_with_their_roles(demo: str) -> None:
    users = {u.username: u for u in get_user_model().objects.all()}
    for account in ACCOUNTS:
        assert Client().login(username=account.username, password=DEMO_PASSWORD), account
    assert principal_for(users["admin"]).is_admin
    assert users["admin"].is_staff
    pmo = principal_for(users["pmo"])
    assert Role.PROCESS_OFFICE in pmo.roles and not pmo.is_admin
    gm = principal_for(users["gm"])
    assert Role.MANAGEMENT in gm.roles and Role.DEPARTMENT_HEAD in gm.roles
    rd = Department.objects.get(code="rd")
    assert rd.pk in principal_for(users["rd_head"]).headed_department_ids
    cs = Department.objects.get(code="cs")
    assert cs.pk in principal_for(users["cs_liaison"]).liaison_department_ids
    employee = principal_for(users["employee"])
    assert employee.roles == frozenset({Role.EMPLOYEE})
    assert Person.objects.get(user=users["employee"]).department.code == "sales"
    assert Role.AUDITOR in principal_for(users["auditor"]).roles
    # Demo accounts are not administrators unless they are the admin.
    assert not users["gm"].is_staff and not users["employee"].is_superuser


def test_reset_reloads_the_same_company(demo: str) -> None:
    before = sorted(Person.objects.values_list("employee_no", "name"))
    users = get_user_model().objects.count()
    output = run_demo("--reset")
    assert "Loaded the demo company" in output
    assert sorted(Person.objects.values_list("employee_no", "name")) == before
    assert get_user_model().objects.count() == users  # accounts are reused
    assert Client().login(username="employee", password=DEMO_PASSWORD)
    assert audit.verify().ok
    assert AuditEntry.objects.filter(action="demo.reset").count() == 1


def test_reset_refuses_foreign_data_unless_forced(demo: str) -> None:
    org.create_department(None, code="lab", name="实验室", kind=DepartmentKind.DEPARTMENT)
    with pytest.raises(CommandError, match="not the demo's"):
        run_demo("--reset")
    assert Department.objects.filter(code="lab").exists()
    run_demo("--reset", "--force")
    assert not Department.objects.filter(code="lab").exists()
    assert loader.is_loaded()


def test_force_without_reset_is_refused(db: None) -> None:
    with pytest.raises(CommandError):
        run_demo("--force")
    assert not loader.is_loaded()


def test_demo_fails_cleanly_when_a_code_is_taken(clock: ManualClock) -> None:
    org.create_department(None, code="rd", name="研发", kind=DepartmentKind.DEPARTMENT)
    with pytest.raises(CommandError, match="could not load the demo"):
        run_demo()
    # One transaction: nothing of the demo stays behind.
    assert list(Department.objects.values_list("code", flat=True)) == ["rd"]
    assert not Person.objects.exists()
