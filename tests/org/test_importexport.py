"""Organization import (all or nothing, every problem located) and export round trips."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from flowbridge.core.errors import InvalidInput, NotAllowed
from flowbridge.core.models import AuditEntry
from flowbridge.core.permissions import Role
from flowbridge.org import services
from flowbridge.org.importexport import export_csv_dir, export_xlsx, import_org
from flowbridge.org.models import Delegation, Department, Liaison, Person, PersonRole
from tests.org.factories import make_department, make_person, make_user_person

pytestmark = pytest.mark.django_db

Rows = Sequence[Sequence[object]]

DEPARTMENTS: Rows = [
    ["code", "name", "name_en", "kind", "parent_code", "head_employee_no", "sort_order"],
    ["acme", "艾克米公司", "Acme", "company", "", "", 0],
    ["rnd", "研发部", "R&D", "department", "acme", "1001", 1],
    ["mkt", "市场部", "Marketing", "department", "acme", "", 2],
]
PEOPLE: Rows = [
    [
        "employee_no",
        "name",
        "name_en",
        "department_code",
        "title",
        "email",
        "phone",
        "roles",
        "username",
    ],
    ["1001", "张三", "Zhang San", "rnd", "部长", "zs@example.com", "", "management", "zhangsan"],
    ["1002", "李四", "", "rnd", "工程师", "", "", "", ""],
    ["1003", "王五", "", "mkt", "", "", "", "process_office,auditor", ""],
]
LIAISONS: Rows = [
    ["department_code", "employee_no", "position"],
    ["rnd", "1002", 1],
    ["rnd", "1001", 2],
]
DELEGATIONS: Rows = [
    ["employee_no", "deputy_employee_no", "starts_on", "ends_on", "reason"],
    ["1002", "1001", date(2026, 3, 2), "2026-03-05", "出差"],
]


def xlsx(**sheets: Rows) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        worksheet = workbook.create_sheet(title)
        for row in rows:
            worksheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: Rows, encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def good_workbook() -> bytes:
    return xlsx(Departments=DEPARTMENTS, People=PEOPLE, Liaisons=LIAISONS, Delegations=DELEGATIONS)


def snapshot() -> tuple[object, ...]:
    return (
        Department.objects.count(),
        Person.objects.count(),
        Liaison.objects.count(),
        Delegation.objects.count(),
        PersonRole.objects.count(),
        AuditEntry.objects.count(),
        list(
            Department.objects.order_by("code").values_list(
                "code", "name", "parent__code", "head__employee_no"
            )
        ),
        list(
            Person.objects.order_by("employee_no").values_list(
                "employee_no", "name", "department__code"
            )
        ),
    )


def test_good_workbook_imports_everything() -> None:
    result = import_org(None, [("org.xlsx", good_workbook())])
    assert result.counts()["departments"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert result.counts()["people"]["created"] == 3
    rnd = Department.objects.get(code="rnd")
    assert (
        rnd.parent.code if rnd.parent else None,
        rnd.head.employee_no if rnd.head else None,
    ) == ("acme", "1001")
    assert [lia.person.employee_no for lia in rnd.liaisons.order_by("position")] == ["1002", "1001"]
    zhang = Person.objects.get(employee_no="1001")
    assert zhang.user is not None and zhang.user.username == "zhangsan"
    assert not zhang.user.has_usable_password()
    assert set(
        PersonRole.objects.filter(person__employee_no="1003").values_list("role", flat=True)
    ) == {
        "process_office",
        "auditor",
    }
    delegation = Delegation.objects.get()
    assert (delegation.starts_on, delegation.ends_on, delegation.reason) == (
        date(2026, 3, 2),
        date(2026, 3, 5),
        "出差",
    )
    entry = AuditEntry.objects.get(action="org.import")
    assert entry.changes["counts"]["people"] == {"created": 3, "updated": 0, "unchanged": 0}
    # Importing the same file again changes nothing and writes no audit entry.
    again = import_org(None, [("org.xlsx", good_workbook())])
    assert not again.changed
    assert again.counts()["liaisons"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert AuditEntry.objects.filter(action="org.import").count() == 1


def test_upsert_updates_by_key() -> None:
    import_org(None, [("org.xlsx", good_workbook())])
    people = [list(row) for row in PEOPLE]
    people[2][1] = "李四四"
    people[2][3] = "mkt"
    result = import_org(None, [("people.csv", csv_bytes(people, "utf-8"))])
    assert result.counts()["people"] == {"created": 0, "updated": 1, "unchanged": 2}
    li = Person.objects.get(employee_no="1002")
    assert (li.name, li.department.code) == ("李四四", "mkt")


def test_bad_import_lists_every_problem_and_changes_nothing() -> None:
    import_org(None, [("org.xlsx", good_workbook())])
    before = snapshot()
    departments = [
        *DEPARTMENTS,
        ["a", "甲", "", "division", "b", "", 0],
        ["b", "乙", "", "division", "a", "", 0],
    ]
    departments[2] = ["rnd", "研发中心", "R&D", "department", "acme", "1001", 1]
    people = [
        *PEOPLE,
        ["1004", "赵六", "", "xyz", "", "", "", "boss", ""],
        ["1005", "孙七", "", "mkt", "", "", "", "", ""],
    ]
    liaisons = [
        *LIAISONS,
        ["rnd", "1003", ""],  # a third liaison
        ["mkt", "1003", 1],
        ["mkt", "1005", 1],  # two rows in conflict
        ["nope", "1003", 1],
    ]
    delegations = [
        *DELEGATIONS,
        ["1001", "1002", "2026-03-04", "2026-03-09", ""],
        ["1003", "1005", "2026-02-30", "2026-03-01", ""],
    ]
    content = xlsx(
        Departments=departments, People=people, Liaisons=liaisons, Delegations=delegations
    )
    with pytest.raises(InvalidInput) as exc:
        import_org(None, [("bad.xlsx", content)])
    found = [str(p) for p in exc.value.problems]
    assert found == [
        "Departments row 5, column E (parent_code): the department tree has a cycle: a → b → a",
        'People row 5, column D (department_code): unknown department "xyz"',
        'People row 5, column H (roles): unknown role "boss" '
        "(grantable: system_admin, process_office, management, employee, auditor)",
        "Liaisons row 4, column B (employee_no): "
        "department 研发中心 already has 2 liaisons: 李四, 张三",
        "Liaisons row 6, column C (position): liaison rows in conflict: "
        "position 1 of 市场部 is given to 1003 (row 5) and 1005 (row 6)",
        'Liaisons row 7, column A (department_code): unknown department "nope"',
        "Delegations row 3, column B (deputy_employee_no): delegations would form a cycle: "
        "张三 → 李四 → 张三 (2026-03-04…2026-03-05)",
        'Delegations row 4, column C (starts_on): bad date "2026-02-30" (use YYYY-MM-DD)',
    ]
    problem = exc.value.problems[1]
    assert (problem.row, problem.column) == (5, "D")
    assert snapshot() == before
    assert Department.objects.get(code="rnd").name == "研发部"


def test_header_problems_and_duplicates() -> None:
    people = [["employee_no", "name", "department_code", "emial"], ["1", "甲", "x", ""]]
    with pytest.raises(InvalidInput) as exc:
        import_org(None, [("p.xlsx", xlsx(People=people))])
    assert [str(p) for p in exc.value.problems] == [
        'People row 1, column D: unknown column "emial"'
    ]
    departments = [["code", "name"], ["a", "甲"], ["a", "乙"], ["", "丙"], ["b c", ""]]
    with pytest.raises(InvalidInput) as exc:
        import_org(None, [("d.csv", csv_bytes(departments, "utf-8"))])
    assert [str(p) for p in exc.value.problems] == [
        'Departments row 3, column A (code): duplicate code "a" (also on row 2)',
        "Departments row 4, column A (code): code is required.",
        "Departments row 5, column A (code): "
        'code "b c" may only contain letters, digits, "-" and "_".',
        "Departments row 5, column B (name): name is required.",
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_with_chinese_headers_in_each_encoding(encoding: str) -> None:
    departments = [
        ["部门编码", "名称", "类型", "上级部门编码"],
        ["acme", "艾克米", "公司", ""],
        ["rnd", "研发部", "部门", "acme"],
    ]
    people = [["工号", "姓名", "部门编码", "角色"], ["1001", "张三", "rnd", "管理层"]]
    people[1][3] = "management"
    liaisons = [["部门编码", "工号"], ["rnd", "1001"]]
    result = import_org(
        None,
        [
            (f"{n}.csv", csv_bytes(rows, encoding))
            for n, rows in [("d", departments), ("p", people), ("l", liaisons)]
        ],
    )
    assert result.counts()["departments"]["created"] == 2
    assert Department.objects.get(code="acme").kind == "company"
    assert Person.objects.get(employee_no="1001").name == "张三"
    assert Liaison.objects.get().position == 1


def test_unrecognized_csv_and_garbage() -> None:
    with pytest.raises(InvalidInput) as exc:
        import_org(None, [("x.csv", b"foo,bar\n1,2\n"), ("y.xlsx", b"PK not really")])
    assert exc.value.problems[0].message.startswith(
        "x.csv: the header row matches none of the sheets"
    )
    assert exc.value.problems[1].message == "y.xlsx is not an XLSX workbook"


def test_dry_run_reports_counts_and_writes_nothing() -> None:
    before = snapshot()
    result = import_org(None, [("org.xlsx", good_workbook())], dry_run=True)
    assert result.counts()["departments"]["created"] == 3
    assert result.summary_lines()[-1] == "dry run: nothing was written"
    assert snapshot() == before


def test_only_org_editors_import() -> None:
    d = make_department("rnd")
    employee = make_user_person("emp", d)
    with pytest.raises(NotAllowed):
        import_org(employee.user, [("org.xlsx", good_workbook())])
    office = make_user_person("pmo", d, roles=[Role.PROCESS_OFFICE])
    import_org(office.user, [("org.xlsx", good_workbook())])
    assert AuditEntry.objects.get(action="org.import").actor_name == "pmo"


def build_org() -> None:
    company = make_department("acme", "艾克米", kind="company")
    rnd = make_department("rnd", "研发部", parent=company, name_en="R&D", sort_order=2)
    a = make_person(
        "001", rnd, "张三", roles=[Role.MANAGEMENT, Role.AUDITOR], email="a@example.com"
    )
    b = make_user_person("lisi", rnd, employee_no="002", name="李四")
    c = make_person("003", company, "王五", is_active=False)
    services.set_head(None, rnd, a)
    services.set_liaisons(None, rnd, [b, a])
    services.add_delegation(None, a, b, date(2026, 3, 2), date(2026, 3, 6), "年假")
    services.add_delegation(None, b, a, date(2026, 4, 1), date(2026, 4, 1))
    assert c.is_active is False


def test_xlsx_round_trip_changes_nothing() -> None:
    build_org()
    before = snapshot()
    result = import_org(None, [("export.xlsx", export_xlsx(None))])
    assert not result.changed, result.summary_lines()
    assert result.counts()["people"]["unchanged"] == 3
    assert result.counts()["delegations"]["unchanged"] == 2
    assert snapshot() == before


def test_csv_round_trip_into_empty_database(tmp_path: Path) -> None:
    build_org()
    paths = export_csv_dir(None, tmp_path)
    assert [p.name for p in paths] == [
        "departments.csv",
        "people.csv",
        "liaisons.csv",
        "delegations.csv",
    ]
    assert paths[0].read_bytes().startswith(b"\xef\xbb\xbf")
    files = [(p.name, p.read_bytes()) for p in paths]
    assert not import_org(None, files).changed
    exported = export_xlsx(None)
    Delegation.objects.all().delete()
    Liaison.objects.all().delete()
    Department.objects.update(head=None)
    PersonRole.objects.all().delete()
    Person.objects.all().delete()
    Department.objects.filter(parent__isnull=False).delete()
    Department.objects.all().delete()
    result = import_org(None, [("export.xlsx", exported)])
    assert result.counts()["departments"]["created"] == 2
    assert not import_org(None, files).changed


def test_problems_in_chinese() -> None:
    """With zh-hans active (run ``flowbridge compilemessages`` first) problems read in Chinese."""
    from django.utils import translation

    people = [["工号", "姓名", "部门编码"], ["1", "甲", "xyz"]]
    departments = [["部门编码", "名称"], ["a", "甲"]]
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as exc:
        import_org(
            None,
            [
                ("p.csv", csv_bytes(people, "gb18030")),
                ("d.csv", csv_bytes([*departments, ["a", "乙"]], "utf-8")),
            ],
        )
    assert [str(p) for p in exc.value.problems] == [
        "Departments 第 3 行，第 A 列（code）: code“a”重复（第 2 行也有）",  # noqa: RUF001
        "People 第 2 行，第 C 列（department_code）: 未知部门“xyz”",  # noqa: RUF001
    ]
