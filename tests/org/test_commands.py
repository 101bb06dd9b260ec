"""``flowbridge import-org`` / ``export-org``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from flowbridge.core.models import AuditEntry
from flowbridge.org.models import Department, Person
from tests.org.factories import make_department, make_user_person
from tests.org.test_importexport import PEOPLE, build_org, csv_bytes, good_workbook

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_summary_and_dry_run(tmp_path: Path) -> None:
    path = tmp_path / "org.xlsx"
    path.write_bytes(good_workbook())
    out, _ = run("import_org", str(path), "--dry-run")
    assert "departments: 3 created, 0 updated, 0 unchanged" in out
    assert "dry run: nothing was written" in out
    assert not Department.objects.exists()
    out, _ = run("import_org", str(path))
    assert out.splitlines()[1] == "people: 3 created, 0 updated, 0 unchanged"
    assert Person.objects.count() == 3


def test_refused_import_prints_problems_and_exits_1(tmp_path: Path) -> None:
    people = [*PEOPLE[:2], ["1002", "李四", "", "xyz", "", "", "", "", ""]]
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(people, "gb18030"))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import_org", str(path), stderr=err)
    assert exc.value.code == 1
    lines = err.getvalue().splitlines()
    assert 'People row 2, column D (department_code): unknown department "rnd"' in lines
    assert 'People row 3, column D (department_code): unknown department "xyz"' in lines
    assert not Person.objects.exists()


def test_import_as_user(tmp_path: Path) -> None:
    office = make_user_person("pmo", make_department("pmo"), roles=["process_office"])
    path = tmp_path / "org.xlsx"
    path.write_bytes(good_workbook())
    run("import_org", str(path), "--as", "pmo")
    assert AuditEntry.objects.get(action="org.import").actor_id == office.user_id
    with pytest.raises(CommandError):
        run("import_org", str(path), "--as", "ghost")


def test_export_xlsx_and_csv_then_reimport(tmp_path: Path) -> None:
    build_org()
    out, _ = run("export_org", str(tmp_path / "org.xlsx"))
    assert out.strip() == f"wrote {tmp_path / 'org.xlsx'}"
    out, _ = run("export_org", str(tmp_path / "csv"), "--format", "csv")
    assert len(out.splitlines()) == 4
    files = sorted(str(p) for p in (tmp_path / "csv").iterdir())
    out, _ = run("import_org", *files)
    assert "people: 0 created, 0 updated, 3 unchanged" in out
    out, _ = run("import_org", str(tmp_path / "org.xlsx"))
    assert "departments: 0 created, 0 updated, 2 unchanged" in out
