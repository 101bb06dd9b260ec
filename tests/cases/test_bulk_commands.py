"""Bulk commands: ``complete`` with several ids (批量审批), ``start --rows FILE`` (批量发起)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from flowbridge.cases import services
from flowbridge.cases.models import Case, CaseEvent
from flowbridge.core.clock import ManualClock
from flowbridge.processes.models import ProcessDefinition
from tests.cases import bpmn
from tests.cases.conftest import Org, fresh, holders, item_for

Deploy = Callable[..., ProcessDefinition]


TAGS = '<camunda:formField id="tags" label="tags" type="multichoice"></camunda:formField>'
TAG_VALUES = '<camunda:value id="travel" name="出差"/><camunda:value id="meal" name="餐费"/>'


@pytest.fixture
def expense(org: Org, deployed: Deploy, clock: ManualClock) -> ProcessDefinition:
    xml = bpmn.chain(
        bpmn.approval("head", "部门负责人审批", "head:requester"),
        bpmn.task("pay", "付款", "person:E003"),
        fields=("amount:money:r", "reason:string", "tags:multichoice"),
    )
    assert TAGS in xml
    return deployed(xml.replace(TAGS, TAGS.replace("><", f">{TAG_VALUES}<")), key="expense")


def _start(org: Org, reason: str) -> Case:
    return services.start_case(org.requester.user, "expense", {"amount": "10", "reason": reason})


def test_complete_with_one_id_prints_as_before(
    org: Org, expense: ProcessDefinition, capsys: pytest.CaptureFixture[str]
) -> None:
    case = _start(org, "a")
    item = item_for(case, org.sales_head)
    call_command("complete", str(item.pk), "--as", "E002", "--decision", "approved")
    assert capsys.readouterr().out.strip() == f"{case.reference} running"
    assert holders(fresh(case)) == ["E003"]


def test_complete_many_prints_a_line_per_task_and_exits_1_when_one_failed(
    org: Org, expense: ProcessDefinition, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second, other = _start(org, "a"), _start(org, "b"), _start(org, "c")
    services.decide(org.sales_head.user, item_for(other, org.sales_head).pk, "approved")
    a, b = item_for(first, org.sales_head).pk, item_for(second, org.sales_head).pk
    not_mine = item_for(other, org.finance_head).pk
    with pytest.raises(SystemExit) as exited:
        call_command(
            "complete", str(a), str(not_mine), str(b), "--as", "E002", "--decision", "approved"
        )
    assert exited.value.code == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{a} ok {first.reference} running",
        f"{not_mine} failed: This task is not yours.",
        f"{b} ok {second.reference} running",
    ]
    assert holders(fresh(first)) == holders(fresh(second)) == ["E003"]


def test_complete_many_all_done_exits_0_and_rejection_needs_a_comment(
    org: Org, expense: ProcessDefinition, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [_start(org, "a"), _start(org, "b")]
    ids = [str(item_for(c, org.sales_head).pk) for c in cases]
    with pytest.raises(SystemExit) as exited:
        call_command("complete", *ids, "--as", "E002", "--decision", "rejected")
    assert exited.value.code == 1
    assert "Say why you reject it." in capsys.readouterr().err
    assert {fresh(c).status for c in cases} == {"running"}
    call_command("complete", *ids, "--as", "E002", "--decision", "rejected", "--comment", "no")
    assert capsys.readouterr().out.splitlines() == [
        f"{i} ok {c.reference} rejected" for i, c in zip(ids, cases, strict=True)
    ]


def test_start_rows_from_csv_prints_reference_and_id_per_request(
    org: Org, expense: ProcessDefinition, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_bytes('amount,reason,tags\n12.5,出差,"travel, meal"\n30,,\n'.encode("gb18030"))
    call_command("start", "expense", "--as", "E001", "--rows", str(rows))
    cases = list(Case.objects.order_by("pk"))
    assert capsys.readouterr().out.splitlines() == [f"{c.reference} {c.pk}" for c in cases]
    assert [c.form_data["amount"] for c in cases] == ["12.50", "30.00"]
    assert [c.form_data["reason"] for c in cases] == ["出差", None]
    assert [c.form_data["tags"] for c in cases] == [["travel", "meal"], []]


def test_start_rows_from_json(
    org: Org, expense: ProcessDefinition, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = tmp_path / "rows.json"
    rows.write_text(json.dumps([{"amount": 1}, {"amount": "2", "reason": "x"}]), encoding="utf-8")
    call_command("start", "expense", "--as", "E001", "--rows", str(rows))
    assert len(capsys.readouterr().out.splitlines()) == 2 == Case.objects.count()


def test_bad_csv_names_row_line_and_field_and_starts_nothing(
    org: Org, expense: ProcessDefinition, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("amount,reason\n1,a\n2,b\nlots,c\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        call_command("start", "expense", "--as", "E001", "--rows", str(rows))
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "Nothing was started: 1 of 3 rows have problems." in err
    assert "row 3 (line 4), amount: amount: enter a number" in err
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("rows.json", b'{"amount": 1}', "must hold a list of objects"),
        ("rows.json", b"[{", "not valid JSON"),
        ("rows.json", json.dumps([{"amount": "x"}]).encode(), "row 1, amount"),
        ("rows.csv", b"", "The file is empty"),
        ("rows.csv", "amount\n1\n".encode("utf-16"), "UTF-16"),
        ("rows.csv", b"reason\nx\n", 'the required column "amount"'),
        ("rows.csv", b"amount,tags\n1,x\n", '"x" is not one of'),
    ],
)
def test_bad_rows_files_are_refused(
    org: Org,
    expense: ProcessDefinition,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    said: str,
) -> None:
    rows = tmp_path / name
    rows.write_bytes(content)
    with pytest.raises(SystemExit):
        call_command("start", "expense", "--as", "E001", "--rows", str(rows))
    assert said in capsys.readouterr().err
    assert Case.objects.count() == 0


def test_rows_option_misuse_is_a_command_error(
    org: Org, expense: ProcessDefinition, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match=r"\.csv or \.json"):
        call_command("start", "expense", "--as", "E001", "--rows", str(tmp_path / "rows.xlsx"))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("start", "expense", "--as", "E001", "--rows", str(tmp_path / "none.csv"))
    with pytest.raises(CommandError, match="cannot be combined"):
        call_command("start", "expense", "--as", "E001", "--rows", "x.csv", "--value", "amount=1")
