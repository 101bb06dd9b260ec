"""Departments, people, roles and liaisons: every rule and its exact message."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from flowbridge.core.errors import Conflict, InvalidInput, NotAllowed
from flowbridge.core.models import AuditEntry
from flowbridge.core.permissions import Role
from flowbridge.org import services
from flowbridge.org.models import Department, DepartmentKind, Liaison, Person, PersonRole
from tests.org.factories import make_department, make_person, make_user_person

pytestmark = pytest.mark.django_db


def messages(exc: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [p.message for p in exc.value.problems]


def test_create_department_audits_and_refuses_taken_code() -> None:
    company = make_department("acme", "艾克米", kind=DepartmentKind.COMPANY)
    rnd = make_department("rnd", "研发部", parent=company)
    assert rnd.parent == company
    entry = AuditEntry.objects.filter(action="org.department.create").last()
    assert entry is not None and entry.changes["code"] == [None, "rnd"]
    with pytest.raises(InvalidInput) as exc:
        services.create_department(None, code="rnd", name="", kind="nonsense")
    assert messages(exc) == [
        "name is required.",
        'unknown kind "nonsense" (use one of: company, management, division, department)',
        'department code "rnd" is taken',
    ]


def test_update_department_bumps_version_and_detects_conflicts() -> None:
    d = make_department("rnd", "研发部")
    assert d.version == 1
    services.update_department(None, d, expected_version=1, name="研发中心", sort_order=3)
    assert (d.name, d.sort_order, d.version) == ("研发中心", 3, 2)
    entry = AuditEntry.objects.filter(action="org.department.update").get()
    assert entry.changes == {"name": ["研发部", "研发中心"], "sort_order": [0, 3]}
    with pytest.raises(Conflict):
        services.update_department(None, d, expected_version=1, name="x")
    assert Department.objects.get(pk=d.pk).name == "研发中心"


def test_parent_change_refuses_cycles_naming_the_chain() -> None:
    a = make_department("a", "甲", kind=DepartmentKind.DIVISION)
    b = make_department("b", "乙", parent=a)
    c = make_department("c", "丙", parent=b)
    with pytest.raises(InvalidInput) as exc:
        services.update_department(None, a, parent=c)
    assert messages(exc) == [
        "a department cannot be placed under itself or its own descendant: 甲 → 丙 → 乙 → 甲"
    ]
    with pytest.raises(InvalidInput) as exc:
        services.update_department(None, a, parent=a)
    assert messages(exc) == [
        "a department cannot be placed under itself or its own descendant: 甲 → 甲"
    ]
    assert Department.objects.get(pk=a.pk).parent is None


def test_delete_department_refuses_members_and_children() -> None:
    a = make_department("a", "甲")
    b = make_department("b", "乙", parent=a)
    make_person("1", a)
    with pytest.raises(InvalidInput) as exc:
        services.delete_department(None, a)
    assert messages(exc) == ["it still has 1 member(s)", "it still has sub-departments: 乙"]
    services.delete_department(None, b)
    assert not Department.objects.filter(code="b").exists()
    assert AuditEntry.objects.filter(action="org.department.delete").count() == 1


def test_create_person_with_account_and_roles() -> None:
    d = make_department("rnd")
    p = services.create_person(
        None,
        employee_no="E1",
        name="张三",
        department=d,
        email="zs@example.com",
        roles=[Role.PROCESS_OFFICE, "auditor"],
        username="zhangsan",
        password="Long-enough-pass-1",
    )
    assert p.user is not None and p.user.check_password("Long-enough-pass-1")
    assert set(p.role_grants.values_list("role", flat=True)) == {"process_office", "auditor"}


def test_create_person_lists_every_problem() -> None:
    d = make_department("rnd")
    make_user_person("taken", d)
    with pytest.raises(InvalidInput) as exc:
        services.create_person(
            None,
            employee_no="u-taken",
            name="",
            department=d,
            email="not-an-email",
            roles=["liaison", "boss"],
            username="taken",
            password="123",
        )
    found = messages(exc)
    assert "name is required." in found
    assert '"not-an-email" is not an e-mail address.' in found
    assert 'employee number "u-taken" is taken' in found
    assert any(m.startswith('role "liaison" cannot be granted') for m in found)
    assert any(m.startswith('unknown role "boss"') for m in found)
    assert 'username "taken" is taken' in found
    assert any("too short" in m for m in found)
    assert Person.objects.count() == 1


def test_update_person_and_set_roles() -> None:
    d = make_department("rnd")
    other = make_department("mkt")
    p = make_person("1", d, "张三")
    services.update_person(None, p, department=other, title="工程师")
    p.refresh_from_db()
    assert (p.department, p.title) == (other, "工程师")
    services.set_roles(None, p, ["management"])
    services.set_roles(None, p, ["management", "auditor"])
    assert set(PersonRole.objects.filter(person=p).values_list("role", flat=True)) == {
        "management",
        "auditor",
    }
    with pytest.raises(InvalidInput) as exc:
        services.set_roles(None, p, ["department_head"])
    assert messages(exc)[0].startswith('role "department_head" cannot be granted')
    entry = AuditEntry.objects.filter(action="org.person.roles").last()
    assert entry is not None and entry.changes == {
        "roles": [["management"], ["auditor", "management"]]
    }


def test_liaisons_at_most_two() -> None:
    d = make_department("rnd", "研发部")
    a, b, c = (make_person(n, d, name) for n, name in [("1", "张三"), ("2", "李四"), ("3", "王五")])
    services.add_liaison(None, d, a)
    services.add_liaison(None, d, b)
    with pytest.raises(InvalidInput) as exc:
        services.add_liaison(None, d, c)
    assert messages(exc) == ["department 研发部 already has 2 liaisons: 张三, 李四"]
    services.remove_liaison(None, d, a)
    assert [(lia.person, lia.position) for lia in Liaison.objects.filter(department=d)] == [(b, 1)]
    services.set_liaisons(None, d, [c, b])
    assert list(
        Liaison.objects.filter(department=d).order_by("position").values_list("person", flat=True)
    ) == [c.pk, b.pk]
    with pytest.raises(InvalidInput) as exc:
        services.set_liaisons(None, d, [a, a])
    assert messages(exc) == ["张三 is named twice as liaison of 研发部"]


def test_permissions_employee_cannot_change_head_can_name_liaisons() -> None:
    d = make_department("rnd", "研发部")
    sub = make_department("rnd-a", "研发一组", parent=d)
    employee = make_user_person("emp", d)
    head = make_user_person("boss", d)
    services.set_head(None, d, head)
    with pytest.raises(NotAllowed):
        services.update_department(employee.user, d, name="x")
    with pytest.raises(NotAllowed):
        services.create_department(employee.user, code="x", name="x", kind="department")
    # A head names liaisons of their department and of the departments below it.
    services.set_liaisons(head.user, sub, [employee])
    assert sub.liaisons.count() == 1
    office = make_user_person("pmo", d, roles=[Role.PROCESS_OFFICE])
    services.update_department(office.user, d, name="研发中心")
    assert Department.objects.get(pk=d.pk).name == "研发中心"
    entry = AuditEntry.objects.filter(action="org.department.update").last()
    assert entry is not None and entry.actor_name == "pmo"


def test_user_model_untouched_without_username() -> None:
    d = make_department("rnd")
    make_person("9", d)
    assert get_user_model().objects.count() == 0


def test_delete_department_refuses_when_referenced(clock: object) -> None:
    from flowbridge.core import clock as core_clock
    from flowbridge.responsibility.models import (
        CoreProcess,
        ResponsibilityAssignment,
        ResponsibilityStep,
        ResponsibilityVersion,
    )

    d = make_department("rnd", "研发部")
    process = CoreProcess.objects.create(code="complaint", name="客户投诉处理")
    version = ResponsibilityVersion.objects.create(
        process=process, number=1, created_at=core_clock.now()
    )
    step = ResponsibilityStep.objects.create(version=version, code="s1", position=1, name="受理")
    ResponsibilityAssignment.objects.create(step=step, department=d, part="responsible")
    with pytest.raises(InvalidInput) as exc:
        services.delete_department(None, d)
    assert messages(exc) == ["it is referenced by assignments"]
    assert Department.objects.filter(pk=d.pk).exists()
    assert not AuditEntry.objects.filter(action="org.department.delete").exists()
