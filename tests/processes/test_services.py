"""Deploying BPMN files as versions: numbering, identical content, refusals, permissions, audit."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from flowbridge.core.clock import ManualClock
from flowbridge.core.errors import InvalidInput, NotAllowed, NotFound
from flowbridge.core.models import AuditEntry
from flowbridge.processes import services
from flowbridge.processes.bpmn import judge
from flowbridge.processes.models import ProcessDefinition, ProcessVersion
from tests.processes import files
from tests.processes.conftest import People


def test_first_deploy_creates_definition_and_version_1(people: People, clock: ManualClock) -> None:
    version = services.deploy(people.pmo, files.approval(), "purchase.bpmn", note="first")
    definition = version.definition
    assert definition.key == "purchase-approval"
    assert definition.name == "采购审批"
    assert definition.created_at == clock.now()
    assert version.number == 1
    assert version.bpmn_process_id == "Purchase_Approval"
    assert version.deployed_by == people.pmo
    assert version.deployed_at == clock.now()
    assert version.note == "first" and version.filename == "purchase.bpmn"
    assert len(version.sha256) == 64
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["processes.definition.create", "processes.version.deploy"]


def test_changed_content_makes_the_next_version(people: People, clock: ManualClock) -> None:
    v1 = services.deploy(people.pmo, files.approval(), "p.bpmn")
    clock.advance(timedelta(hours=1))
    v2 = services.deploy(people.pmo, files.approval(review_name="经理审批"), "p.bpmn", note="n")
    assert (v1.definition_id, v2.number) == (v2.definition_id, 2)
    assert ProcessVersion.objects.filter(definition=v1.definition).count() == 2
    assert services.get_version(v1.definition).pk == v2.pk
    assert services.get_version(v1.definition, 1).pk == v1.pk
    entry = AuditEntry.objects.filter(action="processes.version.deploy").last()
    assert entry is not None and entry.changes["number"] == [1, 2]


def test_identical_redeploy_returns_the_current_version(people: People, clock: ManualClock) -> None:
    v1 = services.deploy(people.pmo, files.approval(), "p.bpmn")
    again, created = services.deploy_file(people.pmo, files.approval(), "other-name.bpmn")
    assert again.pk == v1.pk and not created
    assert ProcessVersion.objects.count() == 1
    assert AuditEntry.objects.filter(action="processes.version.deploy").count() == 1


def test_refused_deploy_stores_nothing(people: People, clock: ManualClock) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.deploy(people.pmo, files.SCRIPT_TASK, "A.4.0.bpmn")
    assert "ScriptTask_1" in caught.value.message
    assert "scripts are not supported" in caught.value.message
    assert caught.value.problems and "ScriptTask_1" in caught.value.problems[0].where
    assert ProcessDefinition.objects.count() == 0 and ProcessVersion.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_refusal_lists_every_problem(people: People, clock: ManualClock) -> None:
    extra = '<bpmn:serviceTask id="Svc"/><bpmn:sendTask id="Send"/>'
    with pytest.raises(InvalidInput) as caught:
        services.deploy(people.pmo, files.approval(condition="open(1)", extra=extra), "x.bpmn")
    wheres = " ".join(p.where for p in caught.value.problems)
    assert all(i in wheres for i in ("Svc", "Send", "ToDirector"))


def test_employee_may_not_deploy(people: People, clock: ManualClock) -> None:
    with pytest.raises(NotAllowed):
        services.deploy(people.employee, files.approval(), "p.bpmn")
    assert ProcessDefinition.objects.count() == 0


def test_system_deploys_without_actor(people: People, clock: ManualClock) -> None:
    version = services.deploy(None, files.approval(), "p.bpmn", key="purchase", name="采购")
    assert version.definition.key == "purchase" and version.deployed_by is None
    assert AuditEntry.objects.last().actor_name == "system"  # type: ignore[union-attr]


def test_explicit_key_keeps_versions_apart(people: People, clock: ManualClock) -> None:
    a = services.deploy(people.pmo, files.approval(), "p.bpmn", key="purchase-a")
    b = services.deploy(people.pmo, files.approval(), "p.bpmn", key="purchase-b")
    assert a.definition_id != b.definition_id and a.number == b.number == 1


def test_bad_key_is_refused(people: People, clock: ManualClock) -> None:
    with pytest.raises(InvalidInput, match="not a valid key"):
        services.deploy(people.pmo, files.approval(), "p.bpmn", key="no spaces/here")


def test_export_round_trip_returns_the_uploaded_bytes(people: People, clock: ManualClock) -> None:
    data = files.approval()
    version = services.deploy(people.pmo, data, "p.bpmn")
    assert services.export_bpmn(ProcessVersion.objects.get(pk=version.pk)) == data


def test_export_keeps_a_declared_legacy_encoding(people: People, clock: ManualClock) -> None:
    text = files.approval(name="Ärger", review_name="Prüfung").decode()
    text = text.replace("总监审批", "Direktor").replace("提交", "Start")
    data = text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("iso-8859-1")
    version = services.deploy(people.pmo, data, "latin.bpmn")
    assert version.definition.name == "Ärger"
    assert services.export_bpmn(ProcessVersion.objects.get(pk=version.pk)) == data


def test_unknown_definition_and_version(people: People, clock: ManualClock) -> None:
    with pytest.raises(NotFound):
        services.get_definition("nope")
    version = services.deploy(people.pmo, files.approval(), "p.bpmn")
    with pytest.raises(NotFound):
        services.get_version(version.definition, 7)


def test_definitions_with_current(people: People, clock: ManualClock) -> None:
    services.deploy(people.pmo, files.approval(), "p.bpmn")
    services.deploy(people.pmo, files.approval(review_name="x"), "p.bpmn")
    rows = services.definitions_with_current(people.employee)
    assert [(d.key, n) for d, n in rows] == [("purchase-approval", 2)]


def test_every_miwg_file_that_is_ok_deploys(
    people: People, clock: ManualClock, shared_data: Path
) -> None:
    folder = shared_data / "bpmn" / "miwg"
    deployed = 0
    for path in sorted(folder.rglob("*.bpmn")):
        data = path.read_bytes()
        if not judge(data, path.name).ok:
            continue
        key = path.stem.lower().replace(".", "-")
        version = services.deploy(people.pmo, data, path.name, key=key)
        assert version.number == 1
        assert services.export_bpmn(ProcessVersion.objects.get(pk=version.pk)) == data
        deployed += 1
    assert deployed == 9
