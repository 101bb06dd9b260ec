"""Deploying a designed chain, reopening it from its version, and the preview."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flowbridge.core.clock import ManualClock
from flowbridge.core.errors import InvalidInput, NotAllowed
from flowbridge.core.models import AuditEntry
from flowbridge.processes import services as process_services
from flowbridge.processes.designer.chain import parse_chain
from flowbridge.processes.designer.services import (
    chain_from_version,
    design_deploy,
    design_deploy_file,
    preview_svg,
)
from flowbridge.processes.models import ProcessDefinition, ProcessVersion
from tests.processes import files
from tests.processes.conftest import People
from tests.processes.designer import chains

pytestmark = pytest.mark.django_db


def test_deploy_round_trip_and_same_chain_same_version(people: People, clock: ManualClock) -> None:
    chains.responsibility_step()
    chain = parse_chain(chains.full())
    version = design_deploy(people.pmo, chain, note="first")
    definition = version.definition
    assert (definition.key, definition.name, definition.name_en) == (
        "purchase",
        "采购审批",
        "Purchase approval",
    )
    assert version.number == 1 and version.note == "first"
    assert version.bpmn_process_id == "Process_purchase"
    assert chain_from_version(version) == chain

    clock.advance(timedelta(minutes=5))
    again, created = design_deploy_file(people.pmo, parse_chain(chains.full()))
    assert not created and again.pk == version.pk
    assert ProcessVersion.objects.count() == 1

    changed = chains.full()
    changed["nodes"].append(
        {"type": "cc", "name": "通知采购员", "approvers": [{"type": "field", "field": "buyer"}]}
    )
    second = design_deploy(people.pmo, parse_chain(changed))
    assert second.number == 2
    reopened = chain_from_version(second)
    assert reopened is not None and reopened.nodes[-1].name == "通知采购员"
    assert chain_from_version(version) == chain  # older versions reopen as they were
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions.count("processes.version.deploy") == 2


def test_only_the_process_office_deploys(people: People, clock: ManualClock) -> None:
    chain = parse_chain(chains.small())
    with pytest.raises(NotAllowed):
        design_deploy(people.employee, chain)
    assert not ProcessDefinition.objects.exists()


def test_drawn_and_hand_edited_versions_do_not_reopen(people: People, clock: ManualClock) -> None:
    drawn = process_services.deploy(people.pmo, files.approval(), "purchase.bpmn", key="drawn")
    assert chain_from_version(drawn) is None

    version = design_deploy(people.pmo, parse_chain(chains.small()))
    edited = version.bpmn_xml.replace("主管审批", "主管审批-改", 1)
    assert edited.count("主管审批-改") == 1  # the task name, not the embedded chain
    hand = process_services.deploy(
        people.pmo, edited.encode("utf-8"), "leave.bpmn", key="leave", note="edited in a modeler"
    )
    assert hand.number == 2 and chain_from_version(hand) is None


def test_a_refused_chain_stores_nothing(people: People, clock: ManualClock) -> None:
    payload = chains.small()
    payload["nodes"][0]["approvers"] = []
    with pytest.raises(InvalidInput) as caught:
        design_deploy(people.pmo, parse_chain(payload))
    assert [p.where for p in caught.value.problems] == ["nodes[0].approvers"]
    assert not ProcessDefinition.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="processes.").exists()


def test_preview_draws_the_chain(people: People) -> None:
    svg = preview_svg(parse_chain(chains.small()))
    assert svg.startswith("<svg") and "管理层会签" in svg and "长假" in svg


def test_the_form_layer_reads_the_written_form(people: People, clock: ManualClock) -> None:
    """The form XML follows the forms contract: processes.forms reads back what was designed."""
    forms = pytest.importorskip("flowbridge.processes.forms")
    chains.responsibility_step()
    spec = forms.form_for(design_deploy(people.pmo, parse_chain(chains.full())))
    assert [f.id for f in spec.fields] == ["item", "amount", "risk", "buyer", "note"]
    amount = spec.field("amount")
    assert (amount.type, amount.required, amount.currency) == ("money", True, "CNY")
    assert (amount.label_zh, amount.label_en) == ("金额", "Amount")
    assert (str(amount.minimum), str(amount.maximum)) == ("0", "10000000")
    assert amount.help == "含税 | Tax included"
    assert spec.field("risk").options == [("low", "低", "Low"), ("high", "高", "High")]
    assert spec.field("note").max_length == 500
    assert spec.field("buyer").type == "person"
