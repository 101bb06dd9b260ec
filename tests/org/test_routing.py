"""Who receives a request for a department; departments without liaison; the tree."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flowbridge.core.clock import ManualClock
from flowbridge.core.permissions import Role
from flowbridge.org import services
from flowbridge.org.models import DepartmentKind
from flowbridge.org.routing import Recipient
from tests.org.factories import make_department, make_person

pytestmark = pytest.mark.django_db


def test_liaisons_in_position_order_with_delegation() -> None:
    d = make_department("rnd", "研发部")
    a, b, c = make_person("a", d, "张三"), make_person("b", d, "李四"), make_person("c", d, "王五")
    services.set_liaisons(None, d, [b, a])
    services.add_delegation(None, b, c, date(2026, 3, 2), date(2026, 3, 3))
    assert services.recipients_for_department(d, date(2026, 3, 2)) == [
        Recipient(c, b, "liaison", d),
        Recipient(a, None, "liaison", d),
    ]
    assert services.recipients_for_department(d, date(2026, 3, 4)) == [
        Recipient(b, None, "liaison", d),
        Recipient(a, None, "liaison", d),
    ]


def test_head_when_no_liaison_then_process_office() -> None:
    company = make_department("acme", kind=DepartmentKind.COMPANY)
    d = make_department("rnd", parent=company)
    pmo1 = make_person("p1", company, "流程办甲", roles=[Role.PROCESS_OFFICE])
    pmo2 = make_person("p2", company, "流程办乙", roles=[Role.PROCESS_OFFICE])
    make_person("p3", company, "前流程办", roles=[Role.PROCESS_OFFICE], is_active=False)
    assert services.recipients_for_department(d, date(2026, 3, 2)) == [
        Recipient(pmo1, None, "process_office", d),
        Recipient(pmo2, None, "process_office", d),
    ]
    head = make_person("h", d, "部长")
    services.set_head(None, d, head)
    assert services.recipients_for_department(d, date(2026, 3, 2)) == [
        Recipient(head, None, "head", d)
    ]
    services.add_delegation(None, head, pmo1, date(2026, 3, 2), date(2026, 3, 2))
    assert services.recipients_for_department(d, date(2026, 3, 2)) == [
        Recipient(pmo1, head, "head", d)
    ]
    # An inactive liaison does not receive anything: the head still does.
    services.set_liaisons(None, d, [make_person("x", d, is_active=False)])
    assert services.recipients_for_department(d, date(2026, 3, 3))[0].via == "head"


def test_default_day_is_today_in_shanghai(clock: ManualClock) -> None:
    d = make_department("rnd")
    a, b = make_person("a", d), make_person("b", d)
    services.set_liaisons(None, d, [a])
    # The fixture starts 2026-03-02 09:00 Shanghai; 16:30 later it is 3-03 01:30 there, 3-02 in UTC.
    services.add_delegation(None, a, b, date(2026, 3, 3), date(2026, 3, 3))
    assert services.recipients_for_department(d)[0].person == a
    clock.advance(timedelta(hours=16, minutes=30))
    assert services.recipients_for_department(d)[0].person == b


def test_departments_without_liaison_skip_company_and_management() -> None:
    company = make_department("acme", kind=DepartmentKind.COMPANY)
    make_department("gm", kind=DepartmentKind.MANAGEMENT, parent=company)
    div = make_department("div", kind=DepartmentKind.DIVISION, parent=company)
    make_department("rnd", parent=div)
    mkt = make_department("mkt", parent=div)
    services.set_liaisons(None, mkt, [make_person("m", mkt)])
    assert {d.code for d in services.departments_without_liaison()} == {"div", "rnd"}


def test_tree_nested_with_warnings_in_constant_queries() -> None:
    company = make_department("acme", "公司", kind=DepartmentKind.COMPANY)
    div = make_department("div", "事业部", kind=DepartmentKind.DIVISION, parent=company)

    def measure() -> int:
        with CaptureQueriesContext(connection) as ctx:
            services.department_tree()
        return len(ctx.captured_queries)

    small = measure()
    for i in range(5):
        d = make_department(f"d{i}", f"部门{i}", parent=div, sort_order=5 - i)
        p = make_person(f"e{i}", d)
        services.set_liaisons(None, d, [p])
        services.set_head(None, d, p)
    assert measure() == small
    roots = services.department_tree()
    assert [r.department.code for r in roots] == ["acme"]
    (division,) = roots[0].children
    assert [c.department.code for c in division.children] == ["d4", "d3", "d2", "d1", "d0"]
    first = division.children[0]
    assert (first.member_count, [p.employee_no for p in first.liaisons]) == (1, ["e4"])
    assert first.warnings == []
    assert division.warnings == [
        "no liaison: requests go to the head or the process office",
        "no department head",
    ]
    assert len(roots[0].depth_first) == 7
