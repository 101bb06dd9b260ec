"""A small company for responsibility-list tests, made directly with the ORM."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AbstractBaseUser

from flowbridge.core.clock import ManualClock
from flowbridge.org.models import Department, DepartmentKind
from flowbridge.responsibility import services
from flowbridge.responsibility.models import ResponsibilityVersion
from flowbridge.responsibility.specs import StepSpec
from tests.support import user_with_person


@dataclass
class Company:
    root: Department
    rd: Department
    mkt: Department
    sales: Department
    cs: Department
    gm: Department
    pmo: AbstractBaseUser
    employee: AbstractBaseUser


@pytest.fixture
def company(db: None) -> Company:
    root = Department.objects.create(
        code="acme", name="公司", name_en="ACME", kind=DepartmentKind.COMPANY
    )

    def dept(
        code: str, name: str, name_en: str, order: int, kind: str = DepartmentKind.DEPARTMENT
    ) -> Department:
        return Department.objects.create(
            code=code, name=name, name_en=name_en, sort_order=order, kind=kind, parent=root
        )

    rd = dept("rd", "研发部", "R&D", 10)
    mkt = dept("mkt", "市场部", "Marketing", 20)
    sales = dept("sales", "销售部", "Sales", 30)
    cs = dept("cs", "客服部", "Customer Service", 40)
    gm = dept("gm", "总经理办公室", "General Manager's Office", 5, DepartmentKind.MANAGEMENT)
    return Company(
        root=root,
        rd=rd,
        mkt=mkt,
        sales=sales,
        cs=cs,
        gm=gm,
        pmo=user_with_person("pmo", gm, "process_office"),
        employee=user_with_person("emp", sales),
    )


@pytest.fixture
def complaint(company: Company, clock: ManualClock) -> ResponsibilityVersion:
    """Process ``complaint`` at version 1: intake (cs), analysis (rd), reply (cs)."""
    return services.create_process(
        company.pmo,
        code="complaint",
        name="客户投诉处理",
        name_en="Customer complaint handling",
        steps=[
            StepSpec("intake", "受理", "Intake", company.cs, [company.sales], [], [company.gm]),
            StepSpec("analysis", "分析", "Analysis", company.rd, [company.cs], [company.mkt]),
            StepSpec("reply", "答复", "Reply", company.cs, [company.sales]),
        ],
        note="first",
    )


@pytest.fixture(autouse=True)
def english(english_site: None) -> None:
    """Messages are asserted in English; test_translations checks the Chinese ones."""
