"""Reading the designed process from BPMN: every shared MIWG file reads or says clearly why not."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree  # type: ignore[import-untyped]

from flowbridge.mining.alignment import Aligner
from flowbridge.mining.bpmnmodel import BPMN_NS, ModelError, read_bpmn
from flowbridge.mining.errors import LogError
from flowbridge.mining.modelnet import reachability, to_net
from tests.mining.bpmn_support import HEAD, approval, bpmn


def test_tasks_of_any_kind_are_activities_named_by_their_name() -> None:
    model = read_bpmn(approval())
    assert model.process_id == "p1"
    assert model.activities == {"Submit", "Check", "Approve", "Pay", "Reject", "Archive"}
    assert len(model.flows) == 10


def test_a_task_without_a_name_is_named_by_its_id_and_whitespace_is_tidied() -> None:
    model = read_bpmn(
        bpmn(
            [
                ("startEvent", "s", ""),
                ("task", "t1", ""),
                ("task", "t2", " Two \n lines "),
                ("endEvent", "e", ""),
            ],
            [("s", "t1"), ("t1", "t2"), ("t2", "e")],
        )
    )
    assert model.activities == {"t1", "Two lines"}


def test_a_path_and_xml_text_read_the_same(tmp_path: Path) -> None:
    path = tmp_path / "approval.bpmn"
    path.write_bytes(approval())
    assert read_bpmn(path) == read_bpmn(str(path)) == read_bpmn(approval().decode())


def test_sub_processes_are_flattened_and_a_collapsed_one_is_an_activity() -> None:
    inner = (
        '<subProcess id="sub" name="Review">'
        '<startEvent id="ss"/><task id="r1" name="Read"/><task id="r2" name="Sign"/>'
        '<endEvent id="se"/>'
        '<sequenceFlow id="g1" sourceRef="ss" targetRef="r1"/>'
        '<sequenceFlow id="g2" sourceRef="r1" targetRef="r2"/>'
        '<sequenceFlow id="g3" sourceRef="r2" targetRef="se"/>'
        "</subProcess>"
        '<subProcess id="collapsed" name="Pay out"/>'
    )
    model = read_bpmn(
        bpmn(
            [("startEvent", "s", ""), ("endEvent", "e", "")],
            [("s", "sub"), ("sub", "collapsed"), ("collapsed", "e")],
            extra=inner,
        )
    )
    assert model.activities == {"Read", "Sign", "Pay out"}
    # Inner start and end events only pass the token on.
    assert model.nodes["ss"].kind == "silent" and model.nodes["se"].kind == "silent"


def test_an_interrupting_boundary_event_is_an_alternative_to_its_activity() -> None:
    extra = (
        '<boundaryEvent id="late" attachedToRef="t1"><timerEventDefinition/></boundaryEvent>'
        '<task id="esc" name="Escalate"/>'
        '<sequenceFlow id="b1" sourceRef="late" targetRef="esc"/>'
        '<sequenceFlow id="b2" sourceRef="esc" targetRef="e"/>'
    )
    model = read_bpmn(
        bpmn(
            [("startEvent", "s", ""), ("task", "t1", "Work"), ("endEvent", "e", "")],
            [("s", "t1"), ("t1", "e")],
            extra=extra,
        )
    )
    choice = model.nodes["t1/interrupted"]
    assert choice.kind == "exclusive"
    assert {f.target for f in model.flows if f.source == choice.id} == {"t1", "late"}
    assert [f.target for f in model.flows if f.source == "s"] == [choice.id]


def test_a_non_interrupting_boundary_event_may_run_its_path_beside_the_activity() -> None:
    extra = (
        '<boundaryEvent id="remind" cancelActivity="false" attachedToRef="t1"/>'
        '<task id="r" name="Remind"/>'
        '<sequenceFlow id="b1" sourceRef="remind" targetRef="r"/>'
        '<sequenceFlow id="b2" sourceRef="r" targetRef="e2"/>'
    )
    model = read_bpmn(
        bpmn(
            [
                ("startEvent", "s", ""), ("task", "t1", "Work"), ("task", "t2", "Done"),
                ("endEvent", "e", ""), ("endEvent", "e2", ""),
            ],
            [("s", "t1"), ("t1", "t2"), ("t2", "e")],
            extra=extra,
        )
    )  # fmt: skip
    fork = model.nodes["t1/alongside"]
    assert {f.target for f in model.flows if f.source == fork.id} == {"t1", "remind/maybe"}
    assert {f.target for f in model.flows if f.source == "remind/maybe"} == {
        "remind",
        "remind/not-fired",
    }
    aligner = Aligner(reachability(to_net(model)))
    for fitting in [("Work", "Done"), ("Work", "Remind", "Done"), ("Remind", "Work", "Done")]:
        assert aligner.align(fitting).deviations == 0, fitting
    assert aligner.align(("Work", "Remind", "Remind", "Done")).deviations == 1


def test_malformed_xml_says_so_with_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "broken.bpmn"
    path.write_bytes(approval()[:-20])
    with pytest.raises(ModelError) as caught:
        read_bpmn(path)
    assert caught.value.where == "broken.bpmn"
    assert isinstance(caught.value, LogError)
    assert "not well-formed XML" in caught.value.message


def test_other_xml_and_missing_files_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"not a BPMN 2\.0 file"):
        read_bpmn(b"<html><body/></html>")
    with pytest.raises(ModelError, match="cannot read the file") as caught:
        read_bpmn(tmp_path / "absent.bpmn")
    assert caught.value.where.endswith("absent.bpmn")


def test_entities_are_not_expanded() -> None:
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE definitions [<!ENTITY secret SYSTEM '
        '"file:///etc/hostname">]>\n' + approval().decode().replace(HEAD.splitlines()[0], "")
    ).replace('name="Check"', 'name="&secret;"')
    try:
        model = read_bpmn(text.encode())
    except ModelError as exc:
        assert "XML" in str(exc)
    else:
        hostname = (
            Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "?"
        )
        assert all(hostname not in a for a in model.activities)


def test_several_processes_are_chosen_by_id_or_listed() -> None:
    two = approval().replace(b"</process></definitions>", b"</process>") + (
        b'<process id="p2"><startEvent id="x"/></process></definitions>'
    )
    two = two.replace(b'isExecutable="true"', b"")
    # Only p1 has tasks, so it is taken.
    assert read_bpmn(two).process_id == "p1"
    with pytest.raises(ModelError, match="no process with id nope; processes: p1, p2"):
        read_bpmn(two, process_id="nope")
    with pytest.raises(ModelError, match="has no end event"):
        read_bpmn(two, process_id="p2")


def test_a_flow_to_an_unsupported_element_names_the_flow() -> None:
    with pytest.raises(ModelError) as caught:
        read_bpmn(
            bpmn(
                [("startEvent", "s", ""), ("complexGateway", "c", ""), ("endEvent", "e", "")],
                [("s", "c"), ("c", "e")],
            )
        )
    assert "complexGateway id=c" in str(caught.value)


@pytest.mark.shared_data
def test_every_miwg_file_reads_or_says_why_not(shared_data: Path) -> None:
    files = sorted((shared_data / "bpmn" / "miwg").glob("*/*.bpmn"))
    read, refused = [], []
    for path in files:
        try:
            model = read_bpmn(path)
        except ModelError as exc:
            # A clear reason, and where: the file, and the process or element.
            assert str(exc).startswith(path.name + ":"), str(exc)
            refused.append(path.name)
        else:
            assert model.activities, path.name
            # What reads can be checked: a run of the model reaches its end.
            aligner = Aligner(reachability(to_net(model)))
            assert aligner.align(tuple(sorted(model.activities))).cost >= 0
            read.append(path.name)
    assert len(files) == 64
    assert (len(read), len(refused)) == (50, 14)


@pytest.mark.shared_data
def test_every_pool_of_the_miwg_files_with_several_reads_by_its_id(shared_data: Path) -> None:
    pools = 0
    for path in sorted((shared_data / "bpmn" / "miwg").glob("*/*.bpmn")):
        root = etree.parse(str(path)).getroot()
        ids = [p.get("id") for p in root.iter(f"{{{BPMN_NS}}}process")]
        if len(ids) < 2:
            continue
        try:
            chosen = read_bpmn(path).process_id
        except ModelError as exc:
            assert "several processes; choose one with process_id" in str(exc)
        else:
            assert chosen in ids  # the only executable one, or the only one with tasks
        for process_id in ids:
            model = read_bpmn(path, process_id=process_id)
            assert model.process_id == process_id
            reachability(to_net(model))
            pools += 1
    assert pools == 62
