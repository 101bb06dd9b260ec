"""The admin saves through the services: rules and audit hold there too."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client

from flowbridge.core.models import AuditEntry
from flowbridge.org import services
from flowbridge.org.models import Delegation, Department, Liaison, Person
from tests.org.factories import make_department, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-Root-123")
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def form(**fields: object) -> dict[str, object]:
    return {k: "" if v is None else v for k, v in fields.items()}


def test_add_and_change_department(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/org/department/add/",
        form(
            code="rnd",
            name="研发部",
            name_en="",
            kind="department",
            parent=None,
            head=None,
            sort_order=1,
        ),
    )
    assert response.status_code == 302, response.content
    rnd = Department.objects.get(code="rnd")
    entry = AuditEntry.objects.get(action="org.department.create")
    assert entry.actor_name == "root"
    response = admin_client.post(
        f"/admin/org/department/{rnd.pk}/change/",
        form(name="研发中心", name_en="", kind="department", parent=None, head=None, sort_order=1),
    )
    assert response.status_code == 302
    rnd.refresh_from_db()
    assert (rnd.name, rnd.version) == ("研发中心", 2)
    assert AuditEntry.objects.get(action="org.department.update").changes == {
        "name": ["研发部", "研发中心"]
    }


def test_form_shows_rule_errors(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/org/department/add/",
        form(code="bad code", name="x", kind="department", sort_order=0),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["code"]
    response = admin_client.post(
        "/admin/org/department/add/",
        form(code="ok", name="x" * 101, kind="department", sort_order=0),
    )
    assert list(response.context["adminform"].form.errors) == ["name"]
    assert not Department.objects.exists()


def test_refused_delete_third_liaison_and_service_errors(admin_client: Client) -> None:
    d = make_department("rnd", "研发部")
    a, b, c = make_person("1", d, "张三"), make_person("2", d, "李四"), make_person("3", d, "王五")
    # Django's own protection check stops the delete before the service is asked.
    admin_client.post(f"/admin/org/department/{d.pk}/delete/", {"post": "yes"})
    assert Department.objects.filter(pk=d.pk).exists()
    empty = make_department("empty")
    admin_client.post(f"/admin/org/department/{empty.pk}/delete/", {"post": "yes"})
    assert not Department.objects.filter(pk=empty.pk).exists()
    assert AuditEntry.objects.get(action="org.department.delete").actor_name == "root"
    services.set_liaisons(None, d, [a, b])
    response = admin_client.post(
        "/admin/org/liaison/add/", {"department": d.pk, "person": c.pk, "position": 1}
    )
    errors = response.context["adminform"].form.errors
    assert errors["__all__"] == ["department 研发部 already has 2 liaisons: 王五, 张三"]
    assert Liaison.objects.filter(department=d).count() == 2
    # Naming a new first liaison of a department with one moves the other to position 2.
    services.set_liaisons(None, d, [a])
    response = admin_client.post(
        "/admin/org/liaison/add/", {"department": d.pk, "person": c.pk, "position": 1}
    )
    assert response.status_code == 302
    assert [lia.person for lia in Liaison.objects.filter(department=d)] == [c, a]
    # A refusal by the service itself (here: an inactive deputy) is shown as a message.
    services.update_person(None, b, is_active=False)
    response = admin_client.post(
        "/admin/org/delegation/add/",
        {"person": a.pk, "deputy": b.pk, "starts_on": "2026-03-02", "ends_on": "2026-03-03"},
        follow=True,
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("deputy 李四 is not active" in t for t in texts), texts


def test_person_with_inline_roles_and_delegation(admin_client: Client) -> None:
    d = make_department("rnd")
    data = form(
        employee_no="7",
        name="赵六",
        name_en="",
        department=d.pk,
        title="",
        email="",
        phone="",
        is_active="on",
        user=None,
        **{
            "role_grants-TOTAL_FORMS": 1,
            "role_grants-INITIAL_FORMS": 0,
            "role_grants-0-role": "auditor",
        },
    )
    response = admin_client.post("/admin/org/person/add/", data)
    assert response.status_code == 302, response.content
    person = Person.objects.get(employee_no="7")
    assert list(person.role_grants.values_list("role", flat=True)) == ["auditor"]
    deputy = make_person("8", d)
    response = admin_client.post(
        "/admin/org/delegation/add/",
        {
            "person": person.pk,
            "deputy": deputy.pk,
            "starts_on": "2026-03-02",
            "ends_on": "2026-03-03",
        },
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    admin_client.post(f"/admin/org/delegation/{delegation.pk}/delete/", {"post": "yes"})
    assert not Delegation.objects.exists()
    assert AuditEntry.objects.filter(action="org.delegation.cancel").count() == 1
