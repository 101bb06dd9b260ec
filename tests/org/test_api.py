"""The organization JSON API: auth, permissions, problems, query counts."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from flowbridge.accounts.tokens import issue_token
from flowbridge.core.permissions import Role
from flowbridge.org import services
from flowbridge.org.models import Delegation, Department, Person
from tests.org.factories import make_department, make_person, make_user_person
from tests.org.test_importexport import DEPARTMENTS, LIAISONS, PEOPLE, good_workbook, xlsx

pytestmark = pytest.mark.django_db


class Api:
    """A client that sends ``Authorization: Bearer`` and JSON bodies."""

    def __init__(self, person: Person | None) -> None:
        self.client = Client()
        # Messages are asserted in English (the msgids); the zh-hans test sets its own header.
        self.headers: dict[str, str] = {"Accept-Language": "en"}
        if person is not None and person.user is not None:
            self.headers["Authorization"] = f"Bearer {issue_token(person.user, 't')}"

    def __call__(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        call = getattr(self.client, method)
        if body is not None:
            kw.update(data=json.dumps(body), content_type="application/json")
        return call(f"/api{path}", headers=self.headers, **kw)


@pytest.fixture
def org() -> dict[str, Any]:
    company = make_department("acme", "艾克米", kind="company")
    rnd = make_department("rnd", "研发部", parent=company)
    office = make_user_person("pmo", company, roles=[Role.PROCESS_OFFICE], employee_no="9000")
    employee = make_user_person("emp", rnd, employee_no="1001", name="张三")
    head = make_user_person("head", rnd, employee_no="1002", name="李四")
    services.set_head(None, rnd, head)
    return {"rnd": rnd, "office": office, "employee": employee, "head": head}


def test_401_without_auth(org: dict[str, Any]) -> None:
    assert Api(None)("get", "/departments").status_code == 401
    assert Api(None)("get", "/people").status_code == 401


def test_list_and_get_departments(org: dict[str, Any]) -> None:
    api = Api(org["employee"])
    response = api("get", "/departments")
    assert response.status_code == 200
    rows = {d["code"]: d for d in response.json()}
    assert rows["rnd"]["parent"] == "acme"
    assert rows["rnd"]["head"]["employee_no"] == "1002"
    assert api("get", "/departments/rnd").json()["version"] == 2
    assert api("get", "/departments/nope").status_code == 404


def test_employee_cannot_change_department_403(org: dict[str, Any]) -> None:
    response = Api(org["employee"])("patch", "/departments/rnd", {"name": "x"})
    assert response.status_code == 403
    assert Department.objects.get(code="rnd").name == "研发部"


def test_process_office_creates_updates_deletes(org: dict[str, Any]) -> None:
    api = Api(org["office"])
    response = api("post", "/departments", {"code": "mkt", "name": "市场部", "parent": "acme"})
    assert response.status_code == 201, response.content
    assert response.json()["parent"] == "acme"
    response = api("patch", "/departments/mkt", {"name": "市场中心", "version": 1})
    assert (response.status_code, response.json()["version"]) == (200, 2)
    response = api("patch", "/departments/mkt", {"name": "again", "version": 1})
    assert response.status_code == 409
    assert api("delete", "/departments/mkt").status_code == 204
    assert not Department.objects.filter(code="mkt").exists()


def test_422_lists_every_problem(org: dict[str, Any]) -> None:
    api = Api(org["office"])
    response = api("post", "/departments", {"code": "rnd", "name": "", "kind": "bogus"})
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert [(p["where"], p["message"]) for p in problems] == [
        ("name", "name is required."),
        ("kind", 'unknown kind "bogus" (use one of: company, management, division, department)'),
        ("code", 'department code "rnd" is taken'),
    ]
    response = api("patch", "/departments/acme", {"parent": "rnd"})
    assert response.status_code == 422
    assert response.json()["problems"][0]["message"] == (
        "a department cannot be placed under itself or its own descendant: 艾克米 → 研发部 → 艾克米"
    )
    response = api("post", "/departments", {"code": "x", "name": "x", "parent": "ghost"})
    assert response.json()["problems"] == [
        {"where": "parent", "message": 'unknown department "ghost"', "row": None, "column": None}
    ]
    api.headers["Accept-Language"] = "zh-hans"
    response = api("post", "/departments", {"code": "x", "name": "x", "parent": "ghost"})
    assert response.json()["problems"][0]["message"] == "未知部门“ghost”"


def test_liaisons_get_put_and_recipients(org: dict[str, Any]) -> None:
    head = Api(org["head"])
    response = head("put", "/departments/rnd/liaisons", {"people": ["1001"]})
    assert response.status_code == 200, response.content
    assert head("get", "/departments/rnd/liaisons").json() == [
        {"position": 1, "person": {"employee_no": "1001", "name": "张三", "name_en": ""}}
    ]
    response = head("put", "/departments/rnd/liaisons", {"people": ["1001", "1002", "9000"]})
    assert response.status_code == 422
    assert response.json()["problems"][0]["message"] == (
        "department 研发部 already has 2 liaisons: 张三, 李四"
    )
    assert (
        Api(org["employee"])("put", "/departments/rnd/liaisons", {"people": []}).status_code == 403
    )
    services.add_delegation(None, org["employee"], org["head"], date(2026, 3, 2), date(2026, 3, 3))
    response = head("get", "/departments/rnd/recipients?on=2026-03-02")
    assert response.json() == [
        {
            "person": {"employee_no": "1002", "name": "李四", "name_en": ""},
            "on_behalf_of": {"employee_no": "1001", "name": "张三", "name_en": ""},
            "via": "liaison",
            "department": "rnd",
        }
    ]


def test_people_search_pagination_and_patch(org: dict[str, Any]) -> None:
    api = Api(org["office"])
    response = api("get", "/people?q=张")
    assert [p["employee_no"] for p in response.json()["items"]] == ["1001"]
    response = api("get", "/people?department=rnd&page_size=1&page=2")
    assert response.json()["count"] == 2
    assert [p["employee_no"] for p in response.json()["items"]] == ["1002"]
    response = api(
        "post",
        "/people",
        {"employee_no": "1003", "name": "王五", "department": "rnd", "roles": ["auditor"]},
    )
    assert response.status_code == 201, response.content
    assert response.json()["roles"] == ["auditor"]
    response = api("patch", "/people/1003", {"title": "工程师", "roles": ["management"]})
    assert (response.json()["title"], response.json()["roles"]) == ("工程师", ["management"])
    response = api("patch", "/people/1003", {"title": "x", "roles": ["department_head"]})
    assert response.status_code == 422
    assert Person.objects.get(employee_no="1003").title == "工程师"  # all or nothing
    assert Api(org["employee"])("patch", "/people/1003", {"title": "y"}).status_code == 403


def test_delegations_and_acting(org: dict[str, Any]) -> None:
    me = Api(org["employee"])
    body = {
        "employee_no": "1001",
        "deputy_employee_no": "1002",
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-04",
        "reason": "年假",
    }
    response = me("post", "/delegations", body)
    assert response.status_code == 201, response.content
    delegation_id = response.json()["id"]
    back = {**body, "employee_no": "1002", "deputy_employee_no": "1001"}
    response = Api(org["head"])("post", "/delegations", back)
    assert response.status_code == 422
    assert response.json()["problems"][0]["message"] == (
        "delegations would form a cycle: 李四 → 张三 → 李四 (2026-03-02…2026-03-04)"
    )
    response = me("get", "/people/1001/acting?on=2026-03-03")
    assert [p["employee_no"] for p in response.json()["chain"]] == ["1001", "1002"]
    assert response.json()["acting"]["employee_no"] == "1002"
    assert [d["id"] for d in me("get", "/delegations").json()] == [delegation_id]
    assert Api(org["office"])("delete", f"/delegations/{delegation_id}").status_code == 204
    assert not Delegation.objects.exists()


def test_import_and_export_over_http(org: dict[str, Any]) -> None:
    api = Api(org["office"])
    # 1001 signs in as "emp" here; a file naming another account for 1001 would be refused.
    people = [list(row) for row in PEOPLE]
    people[1][8] = "emp"
    workbook = xlsx(Departments=DEPARTMENTS, People=people, Liaisons=LIAISONS)
    upload = SimpleUploadedFile("org.xlsx", workbook)
    response = api.client.post(
        "/api/org/import", {"files": [upload], "dry_run": "true"}, headers=api.headers
    )
    assert response.status_code == 200, response.content
    assert response.json()["dry_run"] is True
    assert not Department.objects.filter(code="mkt").exists()
    upload = SimpleUploadedFile("org.xlsx", workbook)
    response = api.client.post("/api/org/import", {"files": [upload]}, headers=api.headers)
    assert response.json()["counts"]["departments"]["created"] == 1  # only mkt is new
    response = api("get", "/org/export?format=csv")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [
        "delegations.csv", "departments.csv", "liaisons.csv", "people.csv",
    ]  # fmt: skip
    response = api("get", "/org/export")
    assert response["Content-Disposition"] == 'attachment; filename="org.xlsx"'
    upload = SimpleUploadedFile("org.xlsx", response.content)
    response = api.client.post("/api/org/import", {"files": [upload]}, headers=api.headers)
    assert all(c["created"] == c["updated"] == 0 for c in response.json()["counts"].values())
    bad = SimpleUploadedFile("p.csv", b"employee_no,name,department_code\n1,x,ghost\n")
    response = api.client.post("/api/org/import", {"files": [bad]}, headers=api.headers)
    assert response.status_code == 422
    assert response.json()["problems"][0]["row"] == 2
    assert response.json()["problems"][0]["column"] == "C"
    upload = SimpleUploadedFile("org.xlsx", good_workbook())
    response = Api(org["employee"]).client.post(
        "/api/org/import", {"files": [upload]}, headers=Api(org["employee"]).headers
    )
    assert response.status_code == 403


def test_list_endpoints_do_not_grow_queries(
    org: dict[str, Any], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    api = Api(org["office"])
    for path in ["/departments", "/people", "/delegations"]:
        api("get", path)  # warm caches (token, principal) before counting
    for i in range(20):
        d = make_department(f"d{i}", parent=org["rnd"])
        a, b = make_person(f"a{i}", d, roles=["auditor"]), make_person(f"b{i}", d)
        services.set_liaisons(None, d, [a, b])
        services.set_head(None, d, a)
        services.add_delegation(None, a, b, date(2026, 3, 2), date(2026, 3, 3))
    for path in ["/departments", "/people", "/delegations"]:
        with django_assert_max_num_queries(12):
            response = api("get", path)
        assert response.status_code == 200
    assert len(api("get", "/departments").json()) == 22
    assert api("get", "/people").json()["count"] == 43
