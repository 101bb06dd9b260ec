"""Approval operations on running requests: who may, what changes, what is on record."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from flowbridge.cases import operations, services
from flowbridge.cases.models import (
    Attachment,
    CarbonCopy,
    Case,
    CaseEvent,
    CaseStatus,
    Comment,
    Step,
    WorkItem,
)
from flowbridge.core.clock import ManualClock
from flowbridge.core.errors import Conflict, InvalidInput, NotAllowed
from flowbridge.core.models import AuditEntry
from flowbridge.notify.models import Notification
from flowbridge.notify.services import text_of
from flowbridge.org.models import Person
from flowbridge.processes.models import ProcessDefinition
from tests.cases import bpmn
from tests.cases.conftest import Org, activities, fresh, holders, item_for

pytestmark = pytest.mark.usefixtures("engine_mode", "english_site")

Deploy = Callable[..., ProcessDefinition]


def counts(case: Case) -> tuple[int, int, int, int]:
    """Everything an operation may write, to show a refused one wrote nothing."""
    return (
        CaseEvent.objects.filter(case=case).count(),
        WorkItem.objects.filter(case=case).count(),
        Notification.objects.count(),
        fresh(case).revision,
    )


def notices(person: Person, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, kind=kind).order_by("id"))


def audited(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def one_step(deployed: Deploy, assignee: str = "person:E003", **props: str) -> ProcessDefinition:
    return deployed(bpmn.chain(bpmn.approval("check", "审核", assignee, **props)))


# -- add approver (加签) ------------------------------------------------------------------------


def test_an_approver_added_before_acts_first_then_mine_reopens(
    org: Org, deployed: Deploy, clock: ManualClock
) -> None:
    case = services.start_case(org.requester.user, one_step(deployed), {})
    mine = item_for(case, org.finance_head)
    operations.add_approver(
        org.finance_head.user, mine.pk, [org.liaison1], "before", comment="请先核对"
    )
    assert holders(case) == ["E004"]
    mine.refresh_from_db()
    assert mine.status == "waiting"
    note = case.events.get(operation="add_approver")
    assert note.lifecycle == "note" and note.person == org.finance_head
    assert note.attributes == {"position": "before", "people": ["E004"], "comment": "请先核对"}
    assert notices(org.liaison1, "task_assigned")
    assert audited("cases.add_approver") == 1
    clock.advance(timedelta(minutes=5))
    services.decide(org.liaison1.user, item_for(case, org.liaison1).pk, "approved")
    assert holders(case) == ["E003"] and fresh(case).is_running
    services.decide(org.finance_head.user, mine.pk, "approved")
    assert fresh(case).status == CaseStatus.COMPLETED
    assert activities(case) == [
        ("提交申请", "start"),
        ("审核", "approve"),
        ("审核", "approve"),
        ("完成", "end"),
    ]


def test_an_approver_added_after_must_approve_before_the_step_completes(
    org: Org, deployed: Deploy
) -> None:
    case = services.start_case(org.requester.user, one_step(deployed), {})
    mine = item_for(case, org.finance_head)
    operations.add_approver(org.finance_head.user, mine.pk, [org.gm], "after")
    assert holders(case) == ["E003"]
    assert [n.params["step"] for n in notices(org.gm, "added_approver")] == ["审核"]
    assert "王五" in text_of(notices(org.gm, "added_approver")[0])
    services.decide(org.finance_head.user, mine.pk, "approved")
    assert fresh(case).is_running and holders(case) == ["E006"]
    services.decide(org.gm.user, item_for(case, org.gm).pk, "approved")
    assert fresh(case).status == CaseStatus.COMPLETED


def test_sequential_newcomers_act_one_after_another(org: Org, deployed: Deploy) -> None:
    definition = one_step(deployed, "person:E003;person:E006", mode="sequential")
    case = services.start_case(org.requester.user, definition, {})
    mine = item_for(case, org.finance_head)
    operations.add_approver(org.finance_head.user, mine.pk, [org.liaison1, org.liaison2], "after")
    order = []
    for _ in range(4):
        (holder,) = holders(case)
        order.append(holder)
        person = Person.objects.get(employee_no=holder)
        services.decide(person.user, item_for(case, person).pk, "approved")
    assert order == ["E003", "E004", "E005", "E006"]
    assert fresh(case).status == CaseStatus.COMPLETED


def test_a_parallel_approver_joins_the_group(org: Org, deployed: Deploy) -> None:
    case = services.start_case(org.requester.user, one_step(deployed, mode="countersign"), {})
    mine = item_for(case, org.finance_head)
    operations.add_approver(org.finance_head.user, mine.pk, [org.gm], "parallel")
    assert holders(case) == ["E003", "E006"]
    services.decide(org.finance_head.user, mine.pk, "approved")
    assert fresh(case).is_running
    services.decide(org.gm.user, item_for(case, org.gm).pk, "approved")
    assert fresh(case).status == CaseStatus.COMPLETED

    # In an or-sign step the first decision still decides.
    orsign = services.start_case(org.requester.user, one_step(deployed, mode="or-sign"), {})
    mine = item_for(orsign, org.finance_head)
    operations.add_approver(org.finance_head.user, mine.pk, [org.gm], "parallel")
    services.decide(org.gm.user, item_for(orsign, org.gm).pk, "approved")
    assert fresh(orsign).status == CaseStatus.COMPLETED


def test_adding_approvers_is_refused_with_reasons_and_changes_nothing(
    org: Org, deployed: Deploy
) -> None:
    case = services.start_case(
        org.requester.user, one_step(deployed, "person:E003;person:E006", mode="countersign"), {}
    )
    mine = item_for(case, org.finance_head)
    org.outsider.is_active = False
    org.outsider.save()
    before = counts(case)
    with pytest.raises(InvalidInput) as error:
        operations.add_approver(
            org.finance_head.user, mine.pk, [org.requester, org.gm, org.outsider], "before"
        )
    assert [p.where for p in error.value.problems] == ["people[0]", "people[1]", "people[2]"]
    assert "张三" in error.value.problems[0].message
    with pytest.raises(InvalidInput, match="position"):
        operations.add_approver(org.finance_head.user, mine.pk, [org.liaison1], "sideways")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        operations.add_approver(org.finance_head.user, mine.pk, [], "after")
    with pytest.raises(NotAllowed):
        operations.add_approver(org.gm.user, mine.pk, [org.liaison1], "after")
    with pytest.raises(Conflict):
        operations.add_approver(
            org.finance_head.user, mine.pk, [org.liaison1], "after", expected_revision=1
        )
    assert counts(case) == before


# -- transfer and delegate ----------------------------------------------------------------------


def test_transfer_hands_the_task_over(org: Org, deployed: Deploy) -> None:
    case = services.start_case(org.requester.user, one_step(deployed), {})
    mine = item_for(case, org.finance_head)
    operations.transfer(org.finance_head.user, mine.pk, org.liaison1, comment="你来办")
    assert holders(case) == ["E004"]
    moved = item_for(case, org.liaison1)
    assert moved.origin == "transferred"
    event = case.events.get(operation="transfer")
    assert event.lifecycle == "reassign" and event.work_item == moved
    assert event.attributes == {"from": "E003", "to": "E004", "comment": "你来办"}
    assert "王五" in text_of(notices(org.liaison1, "transferred")[0])
    assert audited("cases.transfer") == 1
    with pytest.raises(Conflict):
        operations.transfer(org.finance_head.user, mine.pk, org.gm)
    services.decide(org.liaison1.user, moved.pk, "approved")
    assert fresh(case).status == CaseStatus.COMPLETED


def test_the_process_office_transfers_stuck_and_unassigned_tasks(
    org: Org, deployed: Deploy
) -> None:
    stuck = services.start_case(
        org.requester.user,
        deployed(bpmn.chain(bpmn.approval("x", "无人", "department:nowhere"))),
        {},
    )
    item = item_for(stuck, org.pmo)
    operations.transfer(org.pmo.user, item.pk, org.finance_head)
    assert holders(stuck) == ["E003"] and not item_for(stuck, org.finance_head).unassigned

    other = services.start_case(org.requester.user, one_step(deployed), {})
    held = item_for(other, org.finance_head)
    before = counts(other)
    with pytest.raises(NotAllowed):
        operations.transfer(org.gm.user, held.pk, org.liaison1)
    with pytest.raises(InvalidInput):
        operations.transfer(org.pmo.user, held.pk, org.finance_head)
    with pytest.raises(InvalidInput):
        operations.transfer(org.pmo.user, held.pk, org.requester)
    assert counts(other) == before
    operations.transfer(org.pmo.user, held.pk, org.gm)
    assert holders(other) == ["E006"]
    # The previous holder is told, and still sees the case.
    assert notices(org.finance_head, "transferred")
    assert services.case_of(org.finance_head.user, other.pk) == other


def test_a_delegates_answer_returns_to_the_owner_who_decides(org: Org, deployed: Deploy) -> None:
    case = services.start_case(org.requester.user, one_step(deployed), {})
    mine = item_for(case, org.finance_head)
    operations.delegate(org.finance_head.user, mine.pk, org.liaison2, comment="帮我看看")
    assert holders(case) == ["E005"]
    assert notices(org.liaison2, "delegated")
    with pytest.raises(NotAllowed, match="王五"):
        operations.transfer(org.liaison2.user, mine.pk, org.gm)
    with pytest.raises(NotAllowed):
        operations.return_to(org.liaison2.user, mine.pk, "requester", comment="x")
    assert operations.available_actions(org.liaison2.user, case, fresh_item(mine)) >= {
        "approve",
        "reject",
    }
    assert "transfer" not in operations.available_actions(org.liaison2.user, case, fresh_item(mine))
    services.decide(org.liaison2.user, mine.pk, "rejected", comment="金额有误")
    # The delegate only advised: the owner holds it again and decides.
    assert fresh(case).is_running and holders(case) == ["E003"]
    assert notices(org.finance_head, "task_handed_back")
    hand_back = case.events.get(operation="hand_back")
    assert hand_back.attributes["advice"] == "rejected"
    services.decide(org.finance_head.user, mine.pk, "approved")
    assert fresh(case).status == CaseStatus.COMPLETED
    assert [e.operation for e in case.events.filter(lifecycle="reassign")] == [
        "delegate",
        "hand_back",
    ]


def fresh_item(item: WorkItem) -> WorkItem:
    item.refresh_from_db()
    return item


# -- return and resubmit ------------------------------------------------------------------------


def test_countersign_returned_to_the_requester_starts_again_after_the_correction(
    org: Org, deployed: Deploy
) -> None:
    xml = bpmn.chain(
        bpmn.approval("joint", "会签", "person:E002;person:E003;person:E006", mode="countersign"),
        fields=("amount:money:r", "reason:string"),
    )
    case = services.start_case(
        org.requester.user, deployed(xml), {"amount": "900", "reason": "差旅"}
    )
    services.decide(org.sales_head.user, item_for(case, org.sales_head).pk, "approved")
    finance = item_for(case, org.finance_head)
    assert [t for t, _ in operations.return_targets(fresh(case))] == ["requester"]
    with pytest.raises(InvalidInput, match="why"):
        operations.return_to(org.finance_head.user, finance.pk, "requester", comment=" ")
    operations.return_to(org.finance_head.user, finance.pk, "requester", comment="金额写错了")
    assert holders(case) == ["E001"]
    redo = item_for(case, org.requester)
    assert (redo.purpose, redo.origin) == ("resubmit", "returned")
    assert "金额写错了" in text_of(notices(org.requester, "returned")[0])
    assert operations.available_actions(org.requester.user, fresh(case), redo) >= {"resubmit"}
    with pytest.raises(InvalidInput):
        services.decide(org.requester.user, redo.pk, "approved")

    before = counts(case)
    with pytest.raises(InvalidInput) as error:
        operations.resubmit(org.requester.user, redo.pk, {"amount": "lots"})
    assert [p.where for p in error.value.problems] == ["amount"]
    assert counts(case) == before and fresh(case).form_data["amount"] == "900.00"

    operations.resubmit(org.requester.user, redo.pk, {"amount": "1200"}, comment="已改")
    case = fresh(case)
    assert case.form_data == {"amount": "1200.00", "reason": "差旅"}
    assert holders(case) == ["E002", "E003", "E006"]
    assert notices(org.finance_head, "resubmitted")
    steps = list(Step.objects.filter(case=case).order_by("id"))
    assert [(s.status, s.outcome) for s in steps] == [("cancelled", "returned"), ("open", "")]
    for person in (org.sales_head, org.finance_head, org.gm):
        services.decide(person.user, item_for(case, person).pk, "approved")
    case = fresh(case)
    assert case.status == CaseStatus.COMPLETED
    assert activities(case) == [
        ("提交申请", "start"),
        ("会签", "approve"),
        ("会签", "return"),
        ("会签", "resubmit"),
        ("会签", "approve"),
        ("会签", "approve"),
        ("会签", "approve"),
        ("完成", "end"),
    ]
    aborted = case.events.filter(lifecycle="ate_abort", operation="return")
    assert sorted(e.person.employee_no for e in aborted if e.person) == ["E006"]
    assert audited("cases.return") == 1 and audited("cases.resubmit") == 1


def test_return_to_an_earlier_node_in_a_chain_of_three(org: Org, deployed: Deploy) -> None:
    xml = bpmn.chain(
        bpmn.approval("head", "部门负责人审批", "head:requester"),
        bpmn.approval("finance", "财务审核", "person:E003"),
        bpmn.approval("gm", "总经理审批", "person:E006"),
    )
    case = services.start_case(org.requester.user, deployed(xml), {})
    services.decide(org.sales_head.user, item_for(case, org.sales_head).pk, "approved")
    services.decide(org.finance_head.user, item_for(case, org.finance_head).pk, "approved")
    top = item_for(case, org.gm)
    assert operations.return_targets(fresh(case)) == [
        ("head", "部门负责人审批"),
        ("finance", "财务审核"),
        ("requester", "The requester, to correct and resubmit"),
    ]
    before = counts(case)
    with pytest.raises(InvalidInput) as error:
        operations.return_to(org.gm.user, top.pk, "gm", comment="x")
    assert error.value.problems[0].where == "target"
    assert counts(case) == before
    operations.return_to(org.gm.user, top.pk, "head", comment="请部门负责人再确认")
    assert holders(case) == ["E002"]
    assert [t for t, _ in operations.return_targets(fresh(case))] == ["requester"]
    assert Step.objects.get(case=case, node_id="gm").outcome == "returned"
    services.decide(org.sales_head.user, item_for(case, org.sales_head).pk, "approved")
    assert holders(case) == ["E003"]
    assert [t for t, _ in operations.return_targets(fresh(case))] == ["head", "requester"]
    operations.return_to(
        org.finance_head.user, item_for(case, org.finance_head).pk, "head", comment="再看"
    )
    services.decide(org.sales_head.user, item_for(case, org.sales_head).pk, "approved")
    services.decide(org.finance_head.user, item_for(case, org.finance_head).pk, "approved")
    services.decide(org.gm.user, item_for(case, org.gm).pk, "approved")
    case = fresh(case)
    assert case.status == CaseStatus.COMPLETED
    assert [a for a, op in activities(case) if op == "return"] == ["总经理审批", "财务审核"]
    assert Step.objects.filter(case=case, node_id="head").count() == 3


def test_only_the_holder_returns(org: Org, deployed: Deploy) -> None:
    case = services.start_case(org.requester.user, one_step(deployed), {})
    item = item_for(case, org.finance_head)
    with pytest.raises(NotAllowed):
        operations.return_to(org.gm.user, item.pk, "requester", comment="x")
    with pytest.raises(NotAllowed):
        operations.resubmit(org.gm.user, item.pk, {})


# -- withdraw -----------------------------------------------------------------------------------


def test_the_requester_withdraws_until_someone_decides(org: Org, deployed: Deploy) -> None:
    definition = one_step(deployed, "person:E003;person:E006", mode="countersign")
    case = services.start_case(org.requester.user, definition, {})
    assert "withdraw" in operations.available_actions(org.requester.user, case)
    with pytest.raises(NotAllowed):
        operations.withdraw(org.finance_head.user, case.pk)
    operations.withdraw(org.requester.user, case.pk, reason="不需要了")
    case = fresh(case)
    assert case.status == CaseStatus.WITHDRAWN and case.ended_at is not None
    assert holders(case) == []
    end = case.events.get(lifecycle="pi_abort")
    assert (end.operation, end.attributes["reason"]) == ("withdraw", "不需要了")
    assert case.events.filter(lifecycle="ate_abort", operation="case_closed").count() == 2
    assert notices(org.gm, "case_withdrawn") and notices(org.finance_head, "case_withdrawn")
    assert audited("cases.withdraw") == 1
    with pytest.raises(Conflict):
        operations.withdraw(org.requester.user, case.pk)

    decided = services.start_case(org.requester.user, definition, {})
    services.decide(org.gm.user, item_for(decided, org.gm).pk, "approved")
    assert "withdraw" not in operations.available_actions(org.requester.user, fresh(decided))
    before = counts(decided)
    with pytest.raises(NotAllowed, match="already decided"):
        operations.withdraw(org.requester.user, decided.pk)
    assert counts(decided) == before


@pytest.mark.parametrize(("policy", "allowed"), [("any_time", True), ("never", False)])
def test_the_process_says_when_withdrawing_is_allowed(
    org: Org, deployed: Deploy, policy: str, allowed: bool
) -> None:
    xml = bpmn.chain(
        bpmn.approval("a", "一审", "person:E003"),
        bpmn.approval("b", "二审", "person:E006"),
        process_props={"withdraw": policy},
    )
    case = services.start_case(org.requester.user, deployed(xml), {})
    services.decide(org.finance_head.user, item_for(case, org.finance_head).pk, "approved")
    if allowed:
        operations.withdraw(org.requester.user, case.pk)
        assert fresh(case).status == CaseStatus.WITHDRAWN
    else:
        with pytest.raises(NotAllowed, match="cannot be withdrawn"):
            operations.withdraw(org.requester.user, case.pk)
        assert fresh(case).is_running


# -- urge, copies, comments ---------------------------------------------------------------------


@override_settings(FLOWBRIDGE_URGE_INTERVAL_MINUTES=30)
def test_urging_notifies_the_holders_at_most_once_per_interval(
    org: Org, deployed: Deploy, clock: ManualClock
) -> None:
    case = services.start_case(
        org.requester.user, one_step(deployed, "person:E003;person:E006", mode="countersign"), {}
    )
    revision = fresh(case).revision
    operations.urge(org.requester.user, case.pk, message="请尽快")
    assert fresh(case).revision == revision  # an urge does not make open pages stale
    assert [e.attributes["urged"] for e in case.events.filter(operation="urge")] == ["E003", "E006"]
    assert "请尽快" in text_of(notices(org.gm, "urged")[0])
    with translation.override("zh-hans"):
        assert "张三 催你处理" in text_of(notices(org.gm, "urged")[0])
    clock.advance(timedelta(minutes=10))
    before = counts(case)
    with pytest.raises(Conflict, match="09:30"):
        operations.urge(org.requester.user, case.pk)
    assert counts(case) == before
    assert "urge" not in operations.available_actions(org.requester.user, case)
    operations.urge(org.pmo.user, case.pk)  # the limit is per person
    with pytest.raises(NotAllowed):
        operations.urge(org.gm.user, case.pk)
    clock.advance(timedelta(minutes=20))
    operations.urge(org.requester.user, case.pk)
    assert len(notices(org.finance_head, "urged")) == 3
    assert audited("cases.urge") == 3


def test_copies_let_people_read_the_case_once(org: Org, deployed: Deploy) -> None:
    case = services.start_case(org.requester.user, one_step(deployed), {})
    with pytest.raises(NotAllowed):
        services.case_of(org.outsider.user, case.pk)
    with pytest.raises(NotAllowed):
        operations.carbon_copy(org.outsider.user, case.pk, [org.gm])
    operations.carbon_copy(
        org.finance_head.user, case.pk, [org.outsider, org.outsider], note="知悉"
    )
    assert services.case_of(org.outsider.user, case.pk) == case
    assert CarbonCopy.objects.filter(case=case).count() == 1
    assert len(notices(org.outsider, "case_copied")) == 1
    event = case.events.get(operation="cc")
    assert (event.lifecycle, event.attributes) == ("note", {"people": ["E008"], "note": "知悉"})
    before = counts(case)
    with pytest.raises(InvalidInput, match="already copied"):
        operations.carbon_copy(org.requester.user, case.pk, [org.outsider])
    with pytest.raises(InvalidInput):
        operations.carbon_copy(org.requester.user, case.pk, [org.requester])
    assert counts(case) == before
    operations.carbon_copy(org.requester.user, case.pk, [org.outsider, org.gm])
    assert CarbonCopy.objects.filter(case=case).count() == 2
    assert audited("cases.cc") == 2


def test_comments_with_attachments(
    org: Org, deployed: Deploy, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    case = services.start_case(org.requester.user, one_step(deployed), {})
    item = item_for(case, org.finance_head)
    upload = SimpleUploadedFile("发票.pdf", b"%PDF-1.4 invoice", content_type="application/pdf")
    comment = operations.add_comment(
        org.finance_head.user, case.pk, "请补充发票", [upload], item_id=item.pk
    )
    assert comment.work_item == item
    (attachment,) = Attachment.objects.filter(comment=comment)
    assert attachment.sha256 == hashlib.sha256(b"%PDF-1.4 invoice").hexdigest()
    assert operations.attachment_for(org.requester.user, attachment.pk) == attachment
    with pytest.raises(NotAllowed):
        operations.attachment_for(org.outsider.user, attachment.pk)
    event = case.events.get(operation="comment")
    assert (event.lifecycle, event.activity, event.attributes["files"]) == (
        "note",
        "审核",
        ["发票.pdf"],
    )
    assert "请补充发票" in text_of(notices(org.requester, "comment")[0])
    assert not notices(org.finance_head, "comment")

    before = (counts(case), Comment.objects.count(), Attachment.objects.count())
    bad = [
        SimpleUploadedFile("run.EXE", b"MZ"),
        SimpleUploadedFile("big.txt", b"x" * 20),
    ]
    with override_settings(FLOWBRIDGE_MAX_UPLOAD_BYTES=10), pytest.raises(InvalidInput) as error:
        operations.add_comment(org.requester.user, case.pk, "附件", bad)
    assert [p.where for p in error.value.problems] == ["files[0]", "files[1]"]
    with pytest.raises(InvalidInput):
        operations.add_comment(org.requester.user, case.pk, "   ")
    with pytest.raises(NotAllowed):
        operations.add_comment(org.outsider.user, case.pk, "路过")
    with pytest.raises(NotAllowed):
        operations.add_comment(org.requester.user, case.pk, "我的", item_id=item.pk)
    assert (counts(case), Comment.objects.count(), Attachment.objects.count()) == before
    assert audited("cases.comment") == 1


def test_available_actions_follow_the_person_and_the_state(org: Org, deployed: Deploy) -> None:
    case = services.start_case(org.requester.user, one_step(deployed), {})
    item = item_for(case, org.finance_head)
    assert operations.available_actions(org.finance_head.user, case, item) == {
        "approve", "reject", "add_approver", "transfer", "delegate", "return", "cc", "comment",
    }  # fmt: skip
    assert operations.available_actions(org.requester.user, case) == {
        "withdraw", "urge", "cc", "comment",
    }  # fmt: skip
    assert operations.available_actions(org.pmo.user, case, item) == {
        "transfer", "urge", "cc", "comment",
    }  # fmt: skip
    assert operations.available_actions(org.outsider.user, case) == set()
    services.decide(org.finance_head.user, item.pk, "approved")
    case = fresh(case)
    assert operations.available_actions(org.finance_head.user, case, fresh_item(item)) == {
        "comment"
    }
    assert operations.available_actions(org.requester.user, case) == {"cc", "comment"}


def test_operations_on_an_ended_or_changed_case_are_refused_and_change_nothing(
    org: Org, deployed: Deploy
) -> None:
    case = services.start_case(org.requester.user, one_step(deployed), {})
    item = item_for(case, org.finance_head)
    stale = fresh(case).revision
    operations.carbon_copy(org.requester.user, case.pk, [org.gm])  # notes keep the revision
    operations.urge(org.requester.user, case.pk)
    with pytest.raises(Conflict, match="changed since"):
        operations.withdraw(org.requester.user, case.pk, expected_revision=stale - 1)
    services.decide(org.finance_head.user, item.pk, "approved", expected_revision=stale)
    case = fresh(case)
    assert case.status == CaseStatus.COMPLETED
    before = counts(case)
    attempts: list[Callable[[], object]] = [
        lambda: operations.add_approver(org.finance_head.user, item.pk, [org.gm], "after"),
        lambda: operations.transfer(org.finance_head.user, item.pk, org.gm),
        lambda: operations.transfer(org.pmo.user, item.pk, org.gm),
        lambda: operations.delegate(org.finance_head.user, item.pk, org.gm),
        lambda: operations.return_to(org.finance_head.user, item.pk, "requester", comment="x"),
        lambda: operations.withdraw(org.requester.user, case.pk),
        lambda: operations.urge(org.requester.user, case.pk),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict):
            attempt()
    assert counts(case) == before
    assert operations.return_targets(case) == []
    # Comments and copies stay possible after the end.
    operations.add_comment(org.requester.user, case.pk, "谢谢")
    operations.carbon_copy(org.requester.user, case.pk, [org.outsider])
