"""A small company for runtime tests, and every scenario run twice: cached and restored.

Like SpiffWorkflow's own tests, each scenario also runs with the in-memory
workflow cache off, so every step restores the engine from its saved state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from flowbridge.cases import runtime
from flowbridge.cases.models import Case, WorkItem
from flowbridge.core.permissions import Role
from flowbridge.org.liaisons import set_liaisons
from flowbridge.org.models import Department, DepartmentKind, Person
from flowbridge.org.services import set_head
from flowbridge.processes.models import ProcessDefinition
from flowbridge.processes.services import deploy
from tests.org.factories import make_department, make_user_person


@dataclass
class Org:
    company: Department
    sales: Department
    finance: Department
    gm_office: Department
    requester: Person
    sales_head: Person
    finance_head: Person
    liaison1: Person
    liaison2: Person
    gm: Person
    pmo: Person
    outsider: Person


@pytest.fixture
def org(db: None) -> Org:
    company = make_department("acme", "启明", kind=DepartmentKind.COMPANY)
    gm_office = make_department(
        "gm", "总经理办公室", kind=DepartmentKind.MANAGEMENT, parent=company
    )
    sales = make_department("sales", "销售部", parent=company)
    finance = make_department("finance", "财务部", parent=company)
    it = make_department("it", "信息部", parent=company)
    requester = make_user_person("requester", sales, employee_no="E001", name="张三")
    sales_head = make_user_person("sales_head", sales, employee_no="E002", name="李四")
    finance_head = make_user_person("finance_head", finance, employee_no="E003", name="王五")
    liaison1 = make_user_person("liaison1", finance, employee_no="E004", name="赵六")
    liaison2 = make_user_person("liaison2", finance, employee_no="E005", name="钱七")
    gm = make_user_person("gm", gm_office, employee_no="E006", name="孙总", roles=[Role.MANAGEMENT])
    pmo = make_user_person(
        "pmo", gm_office, employee_no="E007", name="周八", roles=[Role.PROCESS_OFFICE]
    )
    outsider = make_user_person("outsider", it, employee_no="E008", name="吴九")
    set_head(None, sales, sales_head)
    set_head(None, finance, finance_head)
    set_head(None, gm_office, gm)
    set_head(None, company, gm)
    set_liaisons(None, finance, [liaison1, liaison2])
    for d in (company, gm_office, sales, finance):
        d.refresh_from_db()
    return Org(
        company,
        sales,
        finance,
        gm_office,
        requester,
        sales_head,
        finance_head,
        liaison1,
        liaison2,
        gm,
        pmo,
        outsider,
    )


@pytest.fixture(params=["cached", "restored"])
def engine_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run with the workflow cache, and again with every step restored from the database."""
    runtime.workflows.clear()
    if request.param == "restored":
        monkeypatch.setattr(runtime.workflows, "put", lambda *args, **kwargs: None)
    yield request.param
    runtime.workflows.clear()


@pytest.fixture
def deployed(org: Org) -> Callable[..., ProcessDefinition]:
    def _deploy(xml: str, key: str = "chain") -> ProcessDefinition:
        version = deploy(org.pmo.user, xml.encode(), f"{key}.bpmn", key=key)
        return version.definition

    return _deploy


def open_items(case: Case, person: Person | None = None) -> list[WorkItem]:
    rows = WorkItem.objects.filter(case=case, status="open").select_related("step", "assignee")
    if person is not None:
        rows = rows.filter(assignee=person)
    return list(rows.order_by("id"))


def item_for(case: Case, person: Person) -> WorkItem:
    items = open_items(case, person)
    assert len(items) == 1, f"{person} holds {len(items)} open items on {case}"
    return items[0]


def holders(case: Case) -> list[str]:
    return sorted(i.assignee.employee_no for i in open_items(case) if i.assignee is not None)


def activities(case: Case, lifecycle: str = "complete") -> list[tuple[str, str]]:
    return [
        (e.activity, e.operation) for e in case.events.filter(lifecycle=lifecycle).order_by("id")
    ]


def fresh(case: Case) -> Case:
    case.refresh_from_db()
    return case
