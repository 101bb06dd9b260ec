"""``flowbridge mine LOG --report OUT.html``: the installed command writes the report, without
Django, in the user's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mining.cli_support import mine, modules_of_django_after

ROWS = """工单,步骤,完成时间,部门
R1,提交申请,2024-03-05 09:00:00,销售部
R1,财务审核,2024-03-05 10:00:00,财务部
R1,付款,2024-03-06 10:00:00,财务部
R2,提交申请,2024-03-05 09:30:00,销售部
R2,财务审核,2024-03-05 11:30:00,财务部
R2,提交申请,2024-03-06 11:30:00,销售部
R2,财务审核,2024-03-06 15:30:00,财务部
R2,付款,2024-03-07 09:00:00,财务部
"""
MAPPING = [
    "--case",
    "工单",
    "--activity",
    "步骤",
    "--timestamp",
    "完成时间",
    "--department",
    "部门",
]


@pytest.fixture
def requests_csv(tmp_path: Path) -> Path:
    path = tmp_path / "报销.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path


def test_report_writes_one_html_file_beside_the_summary(requests_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = mine(str(requests_csv), *MAPPING, "--report", str(out), language="C.UTF-8")
    assert result.returncode == 0, result.stderr
    assert "cases:" in result.stdout and " 2" in result.stdout
    assert f"report written to {out}" in result.stderr
    document = out.read_text(encoding="utf-8")
    assert "<title>报销.csv</title>" in document
    for section in ("summary", "findings", "map", "variants", "handoffs", "rework"):
        assert f'<section id="{section}">' in document
    assert 'data-activity="财务审核"' in document
    assert 'class="fb-handoff" data-source="销售部" data-target="财务部" data-count="3"' in document


def test_report_and_json_to_stdout_together(requests_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = mine(str(requests_csv), *MAPPING, "--json", "-", "--report", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('{"source"') and out.is_file()


def test_report_is_in_chinese_under_a_chinese_locale(requests_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "报告.html"
    result = mine(str(requests_csv), *MAPPING, "--report", str(out), language="zh_CN.UTF-8")
    assert result.returncode == 0, result.stderr
    assert "报告已写入" in result.stderr
    document = out.read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in document
    assert "<h2>流程图</h2>" in document and "<h2>部门间交接</h2>" in document
    assert "有返工的案例" in document


def test_report_into_a_missing_folder_fails_before_reading() -> None:
    result = mine("missing.csv", "--report", "/no/such/folder/out.html")
    assert result.returncode == 2
    # The folder is checked first: the missing log is not even mentioned.
    assert result.stderr.strip().splitlines() == [
        "flowbridge mine: error: --report /no/such/folder/out.html: no such folder"
    ]


def test_report_does_not_import_django(requests_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = modules_of_django_after([str(requests_csv), *MAPPING, "--report", str(out)])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("no django") and out.is_file()
