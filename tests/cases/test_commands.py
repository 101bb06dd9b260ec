"""The request commands for scripts: start, tasks, complete, export-log."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from flowbridge.cases.models import Case, CaseEvent
from flowbridge.cli import main
from flowbridge.core.clock import ManualClock
from flowbridge.processes.models import ProcessDefinition
from tests.cases import bpmn
from tests.cases.conftest import Org, fresh, item_for

Deploy = Callable[..., ProcessDefinition]


@pytest.fixture
def expense(org: Org, deployed: Deploy, clock: ManualClock) -> ProcessDefinition:
    return deployed(
        bpmn.chain(
            bpmn.approval("head", "部门负责人审批", "head:requester"),
            fields=("amount:money:r", "reason:string"),
        ),
        key="expense",
    )


def test_start_prints_reference_and_id(
    expense: ProcessDefinition, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    values = tmp_path / "values.json"
    values.write_text(json.dumps({"amount": "12.5", "reason": "taxi"}), encoding="utf-8")
    call_command("start", "expense", "--as", "E001", "--json", str(values), "--value", "amount=20")
    case = Case.objects.get()
    assert capsys.readouterr().out.strip() == f"{case.reference} {case.pk}"
    assert case.form_data == {"amount": "20.00", "reason": "taxi"}
    assert case.requester.employee_no == "E001"


def test_start_refusal_prints_the_message_and_exits_1(
    expense: ProcessDefinition, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        call_command("start", "expense", "--as", "E001", "--value", "amount=lots")
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "amount" in err and Case.objects.count() == 0
    with pytest.raises(SystemExit):
        call_command("start", "nope", "--as", "E001")
    assert 'No process "nope"' in capsys.readouterr().err
    with pytest.raises(CommandError, match="E999"):
        call_command("start", "expense", "--as", "E999")
    with pytest.raises(CommandError, match="KEY=VALUE"):
        call_command("start", "expense", "--as", "E001", "--value", "amount")


def test_tasks_lists_open_items_as_text_and_json(
    org: Org, expense: ProcessDefinition, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("start", "expense", "--as", "E001", "--value", "amount=5")
    case = Case.objects.get()
    capsys.readouterr()
    call_command("tasks", "--as", "E002")
    item = item_for(case, org.sales_head)
    assert capsys.readouterr().out.splitlines() == [
        f"{item.pk}\t{case.reference}\t部门负责人审批\t{case.title}"
    ]
    call_command("tasks", "--as", "E002", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert [(r["item_id"], r["process"], r["purpose"]) for r in rows] == [
        (item.pk, "expense", "decide")
    ]
    call_command("tasks", "--as", "E008", "--json")
    assert json.loads(capsys.readouterr().out) == []


def test_complete_decides_and_refuses_clearly(
    org: Org, expense: ProcessDefinition, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("start", "expense", "--as", "E001", "--value", "amount=5")
    case = Case.objects.get()
    item = item_for(case, org.sales_head)
    events = CaseEvent.objects.count()
    with pytest.raises(SystemExit) as exited:
        call_command("complete", str(item.pk), "--as", "E002", "--decision", "rejected")
    assert exited.value.code == 1
    assert "reject" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        call_command("complete", str(item.pk), "--as", "E008", "--decision", "approved")
    assert "not yours" in capsys.readouterr().err
    assert CaseEvent.objects.count() == events and fresh(case).status == "running"
    call_command(
        "complete", str(item.pk), "--as", "E002", "--decision", "approved", "--comment", "ok"
    )
    assert capsys.readouterr().out.strip() == f"{case.reference} completed"


def test_export_log_writes_xes_and_csv(
    org: Org, expense: ProcessDefinition, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("start", "expense", "--as", "E001", "--value", "amount=5")
    xes, table = tmp_path / "log.xes", tmp_path / "log.csv"
    call_command("export_log", str(xes), "--process", "expense")
    assert xes.read_bytes().count(b"<event>") == CaseEvent.objects.count() == 2
    call_command(
        "export_log",
        str(table),
        "--process",
        "expense",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-02",
        "--lifecycle",
        "complete",
    )
    lines = table.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("case_id,") and len(lines) == 2
    assert "2 events written" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        call_command("export_log", str(xes), "--process", "nope")
    assert 'No process "nope"' in capsys.readouterr().err
    with pytest.raises(CommandError, match="not a date"):
        call_command("export_log", str(xes), "--process", "expense", "--from", "March")


def test_cli_dispatches_hyphenated_names(
    org: Org,
    expense: ProcessDefinition,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A command run from the shell closes its connections on exit; in-process that would
    # close the test's own transaction (PostgreSQL), so here the connection stays open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    main(["start", "expense", "--as", "E001", "--value", "amount=7"])
    case = Case.objects.get()
    assert capsys.readouterr().out.strip() == f"{case.reference} {case.pk}"
    out = tmp_path / "events.csv"
    main(["export-log", "--process", "expense", "--format", "csv", str(out)])
    assert out.read_text(encoding="utf-8").count(case.reference) == 2
    main(["--help"])
    usage = capsys.readouterr().out
    assert "export-log" in usage and "complete" in usage and "tasks" in usage
