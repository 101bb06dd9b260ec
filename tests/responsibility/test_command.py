from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from flowbridge.responsibility import services
from flowbridge.responsibility.models import ResponsibilityVersion
from tests.responsibility.conftest import Company


def test_export_then_import_is_a_no_op(
    tmp_path: Path,
    company: Company,
    complaint: ResponsibilityVersion,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "list.xlsx"
    call_command("responsibility", "export", str(out))
    assert "1 process(es), 3 step(s)" in capsys.readouterr().out
    call_command("responsibility", "import", str(out), "--as", "pmo")
    assert "complaint: unchanged" in capsys.readouterr().out
    assert ResponsibilityVersion.objects.count() == 1


def test_import_refusal_prints_problems_and_exits_1(
    tmp_path: Path,
    company: Company,
    complaint: ResponsibilityVersion,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "流程编码,步骤编码,步骤名称,责任主体\ncomplaint,a,,法务部\n", encoding="utf-8-sig"
    )
    with pytest.raises(SystemExit) as exited:
        call_command("responsibility", "import", str(path))
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "row 2, column C (步骤名称): step name is empty" in err
    assert 'row 2, column D (责任主体): unknown department "法务部"' in err
    assert services.current_version(complaint.process).number == 1


def test_dry_run_and_csv_export_of_one_version(
    tmp_path: Path,
    company: Company,
    complaint: ResponsibilityVersion,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "v1.csv"
    call_command("responsibility", "export", str(out), "--process", "complaint", "--version", "1")
    text = out.read_text(encoding="utf-8-sig").replace("受理", "登记")
    out.write_text(text, encoding="utf-8")
    call_command("responsibility", "import", str(out), "--dry-run")
    assert "complaint: would be changed" in capsys.readouterr().out
    assert ResponsibilityVersion.objects.count() == 1
