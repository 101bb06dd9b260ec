"""The permission layer (core.permissions) with the organization's rules (org.rules).

A small company built with the ORM: departments A (with sub-department A1)
and B, each with a head and a liaison, employees, the process office,
management, an auditor and system administrators. The tests state the
matrix of who may view and change what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User

from flowbridge.core.errors import NotAllowed
from flowbridge.core.permissions import (
    ANONYMOUS,
    Action,
    Role,
    forget,
    may,
    principal_for,
    require,
    visible,
)
from flowbridge.org.models import (
    Delegation,
    Department,
    DepartmentKind,
    Liaison,
    Person,
    PersonRole,
)
from flowbridge.responsibility.models import CoreProcess

VIEW, CHANGE = Action.VIEW, Action.CHANGE
DAY = date(2026, 3, 2)


@dataclass
class World:
    company: Department
    a: Department
    a1: Department
    b: Department
    people: dict[str, Person]
    delegations: dict[str, Delegation]
    superuser: User

    def user(self, key: str) -> User:
        user = self.people[key].user
        assert user is not None
        return user


def _person(key: str, department: Department, *roles: Role) -> Person:
    user = User.objects.create_user(key)  # no password: hashing would dominate the run time
    person = Person.objects.create(
        user=user, employee_no=key.upper(), name=key, department=department
    )
    for role in roles:
        PersonRole.objects.create(person=person, role=role.value)
    return person


def _delegate(person: Person, deputy: Person) -> Delegation:
    return Delegation.objects.create(
        person=person, deputy=deputy, starts_on=DAY, ends_on=DAY, created_at="2026-03-01T00:00Z"
    )


@pytest.fixture
def world(db: None) -> World:
    company = Department.objects.create(code="co", name="公司", kind=DepartmentKind.COMPANY)
    a = Department.objects.create(code="a", name="甲部", parent=company)
    a1 = Department.objects.create(code="a1", name="甲一组", parent=a)
    b = Department.objects.create(code="b", name="乙部", parent=company)
    pmo = Department.objects.create(code="pmo", name="流程办", parent=company)
    people = {
        "head_a": _person("head_a", a),
        "head_b": _person("head_b", b),
        "liaison_a": _person("liaison_a", a),
        "liaison_a1": _person("liaison_a1", a1),
        "liaison_b": _person("liaison_b", b),
        "employee": _person("employee", a),
        "colleague": _person("colleague", a),
        "member_a1": _person("member_a1", a1),
        "member_b": _person("member_b", b),
        "office": _person("office", pmo, Role.PROCESS_OFFICE),
        "manager": _person("manager", company, Role.MANAGEMENT),
        "auditor": _person("auditor", pmo, Role.AUDITOR),
        "sysadmin": _person("sysadmin", pmo, Role.SYSTEM_ADMIN),
    }
    a.head, b.head = people["head_a"], people["head_b"]
    a.save()
    b.save()
    Liaison.objects.create(department=a, person=people["liaison_a"], position=1)
    Liaison.objects.create(department=a1, person=people["liaison_a1"], position=1)
    Liaison.objects.create(department=b, person=people["liaison_b"], position=1)
    delegations = {
        "employee": _delegate(people["employee"], people["colleague"]),
        "member_a1": _delegate(people["member_a1"], people["liaison_a1"]),
        "member_b": _delegate(people["member_b"], people["liaison_b"]),
        "head_b_to_employee": _delegate(people["head_b"], people["employee"]),
    }
    superuser = User.objects.create_superuser("root", "root@example.com", None)
    return World(company, a, a1, b, people, delegations, superuser)


def liaison_of(department: Department) -> Liaison:
    return Liaison.objects.get(department=department)


# --- principal_for -------------------------------------------------------------------------


def test_principal_derives_head_and_liaison_from_the_org_chart(world: World) -> None:
    head = principal_for(world.user("head_a"))
    assert head.roles == {Role.DEPARTMENT_HEAD, Role.EMPLOYEE}
    # The subtree: heading A covers A1 as well.
    assert head.headed_department_ids == {world.a.pk, world.a1.pk}
    assert head.department_ids == {world.a.pk}
    liaison = principal_for(world.user("liaison_a1"))
    assert liaison.roles == {Role.LIAISON, Role.EMPLOYEE}
    assert liaison.liaison_department_ids == {world.a1.pk}
    assert liaison.headed_department_ids == frozenset()
    office = principal_for(world.user("office"))
    assert office.roles == {Role.PROCESS_OFFICE, Role.EMPLOYEE}
    assert principal_for(world.superuser).is_admin
    assert principal_for(world.superuser).person_id is None


def test_principal_is_cached_per_user_object(world: World, django_assert_num_queries: Any) -> None:
    user = User.objects.get(username="head_a")
    first = principal_for(user)
    with django_assert_num_queries(0):
        assert principal_for(user) is first
    # Another object for the same account is resolved afresh.
    other = User.objects.get(username="head_a")
    with django_assert_num_queries(0):
        principal_for(user)
    assert principal_for(other) == first
    # After the org chart changes, forget() makes the next call read it again.
    world.a.head = None
    world.a.save()
    assert Role.DEPARTMENT_HEAD in principal_for(user).roles
    forget(user)
    assert Role.DEPARTMENT_HEAD not in principal_for(user).roles


def test_inactive_person_has_no_roles(world: World) -> None:
    person = world.people["office"]
    person.is_active = False
    person.save()
    user = User.objects.get(pk=world.user("office").pk)
    principal = principal_for(user)
    assert principal.roles == frozenset()
    assert not may(user, CHANGE, Department)


def test_anonymous_is_the_empty_principal(world: World) -> None:
    assert principal_for(None) is ANONYMOUS
    assert principal_for(AnonymousUser()) is ANONYMOUS
    assert not ANONYMOUS.is_authenticated


# --- the matrix ----------------------------------------------------------------------------


def org_objects(world: World) -> list[Any]:
    return [
        Department,
        world.a,
        world.b,
        Person,
        world.people["employee"],
        Liaison,
        liaison_of(world.a),
        liaison_of(world.b),
        Delegation,
        world.delegations["member_b"],
        CoreProcess,
    ]


def test_auditor_views_everything_and_changes_nothing(world: World) -> None:
    auditor = world.user("auditor")
    for obj in [*org_objects(world), PersonRole]:
        assert may(auditor, VIEW, obj), obj
        if obj is not Delegation:
            assert not may(auditor, CHANGE, obj), obj
    # Like everyone with a person record, the auditor records their own absences, nobody else's.
    assert may(auditor, CHANGE, Delegation(person=world.people["auditor"]))
    for delegation in world.delegations.values():
        assert not may(auditor, CHANGE, delegation)
    assert visible(auditor, Delegation.objects.all()).count() == 4


@pytest.mark.parametrize("key", ["sysadmin", None])
def test_system_admins_may_do_everything(world: World, key: str | None) -> None:
    user = world.user(key) if key else world.superuser
    for obj in [*org_objects(world), PersonRole]:
        assert may(user, CHANGE, obj), obj
    require(user, CHANGE, world.a)  # does not raise


def test_employee_views_the_organization_but_does_not_change_it(world: World) -> None:
    employee = world.user("employee")
    for obj in [Department, world.a, world.b, Person, world.people["member_b"], Liaison]:
        assert may(employee, VIEW, obj), obj
        assert not may(employee, CHANGE, obj), obj
    assert not may(employee, CHANGE, liaison_of(world.a))
    assert not may(employee, VIEW, PersonRole)
    assert may(employee, VIEW, CoreProcess)
    assert not may(employee, CHANGE, CoreProcess)
    with pytest.raises(NotAllowed):
        require(employee, CHANGE, world.a)
    assert visible(employee, Department.objects.all()).count() == 5


def test_head_names_liaisons_of_own_department_and_below_only(world: World) -> None:
    head_a = world.user("head_a")
    assert may(head_a, CHANGE, liaison_of(world.a))
    assert may(head_a, CHANGE, liaison_of(world.a1))
    assert may(head_a, CHANGE, Liaison(department=world.a1))  # naming a new one
    assert not may(head_a, CHANGE, liaison_of(world.b))
    assert not may(head_a, CHANGE, Liaison(department=world.b))
    assert not may(head_a, CHANGE, world.a)
    assert not may(head_a, CHANGE, world.people["employee"])
    head_b = world.user("head_b")
    assert may(head_b, CHANGE, liaison_of(world.b))
    assert not may(head_b, CHANGE, liaison_of(world.a1))


def test_liaisons_do_not_name_liaisons(world: World) -> None:
    assert not may(world.user("liaison_a"), CHANGE, liaison_of(world.a))


def test_process_office_changes_departments_people_and_responsibility_lists(
    world: World,
) -> None:
    office = world.user("office")
    for obj in [Department, world.a, Person, world.people["member_b"], liaison_of(world.b)]:
        assert may(office, CHANGE, obj), obj
    assert may(office, CHANGE, CoreProcess)
    assert may(office, CHANGE, world.delegations["member_b"])
    assert may(office, VIEW, PersonRole)
    assert not may(office, CHANGE, PersonRole)  # granting roles is for system admins
    assert visible(office, Delegation.objects.all()).count() == 4


def test_management_reads_but_does_not_edit_the_organization(world: World) -> None:
    manager = world.user("manager")
    assert may(manager, VIEW, world.b)
    assert not may(manager, CHANGE, world.b)
    assert not may(manager, CHANGE, CoreProcess)
    assert not may(manager, CHANGE, world.delegations["employee"])


def test_people_manage_their_own_delegations_only(world: World) -> None:
    employee = world.user("employee")
    own = world.delegations["employee"]
    assert may(employee, CHANGE, own)
    assert may(employee, CHANGE, Delegation(person=world.people["employee"]))
    assert may(employee, CHANGE, Delegation)  # anyone with a person record may add
    assert not may(employee, CHANGE, world.delegations["member_a1"])
    assert not may(employee, VIEW, world.delegations["member_b"])
    # As deputy: may see the delegation but not change it.
    as_deputy = world.delegations["head_b_to_employee"]
    assert may(employee, VIEW, as_deputy)
    assert not may(employee, CHANGE, as_deputy)
    assert not may(world.user("colleague"), CHANGE, own)
    assert may(world.user("colleague"), VIEW, own)


def test_heads_manage_delegations_of_their_departments_members(world: World) -> None:
    head_a = world.user("head_a")
    assert may(head_a, CHANGE, world.delegations["employee"])
    assert may(head_a, CHANGE, world.delegations["member_a1"])  # sub-department
    assert may(head_a, CHANGE, Delegation(person=world.people["member_a1"]))
    assert not may(head_a, CHANGE, world.delegations["member_b"])
    assert not may(head_a, VIEW, world.delegations["member_b"])


def test_user_without_person_may_not_add_delegations(db: None) -> None:
    loner = User.objects.create_user("loner")
    assert may(loner, VIEW, Delegation)
    assert not may(loner, CHANGE, Delegation)
    assert visible(loner, Delegation.objects.all()).count() == 0


def _keys(world: World, rows: Any) -> set[str]:
    by_pk = {d.pk: key for key, d in world.delegations.items()}
    return {by_pk[d.pk] for d in rows}


def test_visible_delegations_are_scoped(world: World) -> None:
    all_rows = Delegation.objects.all()
    assert _keys(world, visible(world.user("employee"), all_rows)) == {
        "employee",
        "head_b_to_employee",
    }
    assert _keys(world, visible(world.user("head_a"), all_rows)) == {"employee", "member_a1"}
    assert _keys(world, visible(world.user("head_b"), all_rows)) == {
        "member_b",
        "head_b_to_employee",
    }
    assert _keys(world, visible(world.user("liaison_a1"), all_rows)) == {"member_a1"}
    assert _keys(world, visible(world.user("manager"), all_rows)) == set()
    assert _keys(world, visible(world.superuser, all_rows)) == set(world.delegations)
    # visible() narrows an already filtered queryset; it never widens it.
    narrowed = visible(world.user("head_a"), all_rows.filter(person__department=world.a))
    assert _keys(world, narrowed) == {"employee"}


def test_anonymous_may_nothing(world: World) -> None:
    for who in [None, AnonymousUser(), ANONYMOUS]:
        for obj in org_objects(world):
            assert not may(who, VIEW, obj), obj
            assert not may(who, CHANGE, obj), obj
        assert visible(who, Delegation.objects.all()).count() == 0
        assert visible(who, Department.objects.all()).count() == 0
        with pytest.raises(NotAllowed):
            require(who, VIEW, world.a)


def test_models_without_rules_are_denied(world: World) -> None:
    # A plain class: defining a Django model here would register it with the app
    # registry for the rest of the session (and make makemigrations see a new model).
    class Unruled:
        pass

    employee = world.user("employee")
    assert not may(employee, VIEW, Unruled)
    assert may(world.superuser, VIEW, Unruled)
