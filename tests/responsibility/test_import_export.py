from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from flowbridge.core.errors import InvalidInput, NotAllowed
from flowbridge.responsibility import exporter, services
from flowbridge.responsibility.importer import import_table
from flowbridge.responsibility.models import CoreProcess, Part, ResponsibilityVersion
from flowbridge.responsibility.specs import steps_of
from tests.responsibility.conftest import Company

HEADER = (
    "process_code,process_name,process_name_en,step_code,step_name,step_name_en,"
    "responsible,collaborators,consulted,informed"
)

GOOD = "\n".join(
    [
        HEADER,
        "devel,产品开发,Product development,research,需求调研,,市场部,销售部,,",
        "devel,,,build,研发实现,,rd,市场部\uff1b销售部,,gm",
        "devel,,,feedback,市场反馈,,Sales,研发部、市场部,,",
    ]
)


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_csv_import_creates_process(company: Company) -> None:
    result = import_table(company.pmo, GOOD.encode(), "list.csv")
    assert [p.status for p in result.plans] == ["new"]
    process = CoreProcess.objects.get(code="devel")
    assert process.name == "产品开发" and process.name_en == "Product development"
    steps = steps_of(services.current_version(process))
    assert [s.code for s in steps] == ["research", "build", "feedback"]
    assert steps[1].responsible == company.rd
    assert set(steps[1].collaborators) == {company.mkt, company.sales}
    assert steps[1].informed == (company.gm,)
    assert steps[2].responsible == company.sales
    assert set(steps[2].collaborators) == {company.rd, company.mkt}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_encodings(company: Company, encoding: str) -> None:
    import_table(company.pmo, GOOD.encode(encoding), "list.csv")
    assert (
        steps_of(services.current_version(CoreProcess.objects.get(code="devel")))[0].name
        == "需求调研"
    )


def test_chinese_headers_and_xlsx(company: Company) -> None:
    data = _xlsx(
        [
            [
                "流程编码",
                "流程名称",
                "步骤编码",
                "步骤名称",
                "责任主体",
                "协同角色",
                "咨询",
                "知会",
            ],
            ["devel", "产品开发", "research", "需求调研", "市场部", "销售部", None, None],
            ["devel", "产品开发", 10, "评审", "研发部", None, "总经理办公室", None],
        ]
    )
    import_table(company.pmo, data, "list.xlsx")
    steps = steps_of(services.current_version(CoreProcess.objects.get(code="devel")))
    assert [s.code for s in steps] == ["research", "10"]
    assert steps[1].consulted == (company.gm,)


BAD = "\n".join(
    [
        HEADER,
        "devel,产品开发,,research,需求调研,,市场部,,,",
        "devel,,,research,重复,,研发部; 市场部,,,",
        "devel,,,build,,,研发部,法务部,,",
        "devel,,,ship,发布,,,,,",
    ]
)


def test_bad_file_lists_every_problem_and_stores_nothing(company: Company) -> None:
    with pytest.raises(InvalidInput) as caught:
        import_table(company.pmo, BAD.encode(), "bad.csv")
    lines = [str(p) for p in caught.value.problems]
    assert 'row 3, column D (step_code): duplicate step code "research" (also step 1)' in lines
    assert any(
        line.startswith(
            'row 3, column G (responsible): two responsible departments "研发部; 市场部"'
        )
        for line in lines
    )
    assert "row 4, column E (step_name): step name is empty" in lines
    assert 'row 4, column H (collaborators): unknown department "法务部"' in lines
    assert "row 5, column G (responsible): no responsible department" in lines
    assert len(lines) == 5
    assert all(p.row and p.column for p in caught.value.problems)
    assert CoreProcess.objects.count() == 0
    assert ResponsibilityVersion.objects.count() == 0


def test_refusal_of_one_process_stores_no_other(
    company: Company, complaint: ResponsibilityVersion
) -> None:
    rows = exporter.rows_of([complaint])
    rows[0][7] = "nobody"  # unknown collaborator in complaint
    text = HEADER + "\n" + GOOD.split("\n", 1)[1] + "\n" + "\n".join(",".join(r) for r in rows)
    with pytest.raises(InvalidInput) as caught:
        import_table(company.pmo, text.encode(), "x.csv")
    assert [p.row for p in caught.value.problems] == [5]
    assert not CoreProcess.objects.filter(code="devel").exists()
    assert ResponsibilityVersion.objects.count() == 1


def test_missing_columns_and_unreadable_files(company: Company) -> None:
    with pytest.raises(InvalidInput) as caught:
        import_table(company.pmo, b"process_code,step_name\nx,y\n", "x.csv")
    assert len(caught.value.problems) == 2  # step_code and responsible
    with pytest.raises(InvalidInput):
        import_table(company.pmo, b"PK\x03\x04 not really a zip", "x.xlsx")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_creates_no_version(
    company: Company, complaint: ResponsibilityVersion, fmt: str
) -> None:
    data = exporter.export(fmt, exporter.current_versions())
    result = import_table(company.pmo, data, f"out.{fmt}")
    assert [p.status for p in result.plans] == ["unchanged"]
    assert ResponsibilityVersion.objects.count() == 1


def test_export_content_and_changed_import(
    company: Company, complaint: ResponsibilityVersion
) -> None:
    data = exporter.export("xlsx", exporter.current_versions("complaint"))
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = [[c or "" for c in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["process_code", "process_name", "process_name_en", "step_code"]
    assert rows[1][3:8] == ["intake", "受理", "Intake", "客服部", "销售部"]
    rows[2][8] = "市场部; 销售部"  # analysis: sales becomes consulted too
    result = import_table(company.pmo, _xlsx(rows), "changed.xlsx", dry_run=True)
    assert result.plans[0].status == "changed"
    assert ResponsibilityVersion.objects.count() == 1  # dry run stored nothing
    import_table(company.pmo, _xlsx(rows), "changed.xlsx")
    v2 = services.current_version(complaint.process)
    assert v2.number == 2
    assert services.matrix(v2).part("analysis", "sales") == Part.CONSULTED


def test_employee_may_not_import(company: Company) -> None:
    with pytest.raises(NotAllowed):
        import_table(company.employee, GOOD.encode(), "list.csv")
    assert CoreProcess.objects.count() == 0
