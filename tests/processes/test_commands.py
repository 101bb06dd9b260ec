"""``flowbridge bpmn validate`` and ``flowbridge deploy``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from flowbridge.core.clock import ManualClock
from flowbridge.processes.models import ProcessVersion
from tests.processes import files
from tests.processes.conftest import People


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_validate_prints_one_line_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _write(tmp_path, "good.bpmn", files.approval())
    bad = _write(tmp_path, "A.4.0.bpmn", files.SCRIPT_TASK)
    call_command("bpmn", "validate", str(good), str(bad))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"OK {good}"
    assert lines[1].startswith(f'REFUSED {bad}: element "ScriptTask_1" (scriptTask): scripts')
    assert len(lines) == 2


def test_validate_missing_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _write(tmp_path, "good.bpmn", files.approval())
    missing = tmp_path / "missing.bpmn"
    with pytest.raises(SystemExit) as exited:
        call_command("bpmn", "validate", str(missing), str(good))
    assert exited.value.code == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"REFUSED {missing}: cannot read: ")
    assert lines[1] == f"OK {good}"


def test_validate_every_miwg_file(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = sorted((shared_data / "bpmn" / "miwg").rglob("*.bpmn"))
    call_command("bpmn", "validate", *map(str, paths))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(paths) == 64
    assert sum(line.startswith("OK ") for line in lines) == 9
    assert all(line.startswith(("OK ", "REFUSED ")) for line in lines)


def test_deploy_prints_version_and_refusal(
    tmp_path: Path, people: People, clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _write(tmp_path, "good.bpmn", files.approval())
    call_command("deploy", str(good), "--key", "purchase", "--note", "n", "--as", "pmo")
    assert capsys.readouterr().out.strip() == "deployed purchase version 1"
    version = ProcessVersion.objects.get()
    assert version.deployed_by == people.pmo and version.note == "n"
    bad = _write(tmp_path, "bad.bpmn", files.SCRIPT_TASK)
    with pytest.raises(SystemExit) as exited:
        call_command("deploy", str(bad))
    assert exited.value.code == 1
    assert "ScriptTask_1" in capsys.readouterr().err
    assert ProcessVersion.objects.count() == 1


def test_deploy_as_employee_is_refused(
    tmp_path: Path, people: People, clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _write(tmp_path, "good.bpmn", files.approval())
    with pytest.raises(SystemExit) as exited:
        call_command("deploy", str(good), "--as", "emp")
    assert exited.value.code == 1
    assert "not allowed" in capsys.readouterr().err
    assert ProcessVersion.objects.count() == 0
