"""Judging BPMN files: every MIWG file of real tools, and hand-made attacks.

The verdict per MIWG file is the contract (reviewed once by hand): a change
in what we support changes this table on purpose, never by accident.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from flowbridge.processes.bpmn import MAX_BYTES, judge
from tests.processes import files

# file → (verdict, element id named by the first reason)
MIWG_CONTRACT: dict[str, tuple[str, str | None]] = {
    "bpmn-io/A.1.0-export.bpmn": ("OK", None),
    "bpmn-io/A.1.0-roundtrip.bpmn": ("OK", None),
    "bpmn-io/A.2.0-export.bpmn": ("REFUSED", "Flow_0dd1rck"),
    "bpmn-io/A.2.0-roundtrip.bpmn": ("REFUSED", "_f1478fb7-98c4-4c01-8c15-68bd04c91535"),
    "bpmn-io/A.2.0-rountrip.bpmn": ("REFUSED", "_f1478fb7-98c4-4c01-8c15-68bd04c91535"),
    "bpmn-io/A.2.1-export.bpmn": ("REFUSED", "Flow_0zwjy3h"),
    "bpmn-io/A.2.1-roundtrip.bpmn": ("REFUSED", "_To9Z7TOCEeSknpIVFCxNIQ"),
    "bpmn-io/A.3.0-export.bpmn": ("REFUSED", "Event_1uez1gc"),
    "bpmn-io/A.3.0-roundtrip.bpmn": ("REFUSED", "_428dcbf5-8e5e-48e0-9c0c-d93003fa8c82"),
    "bpmn-io/A.4.0-export.bpmn": ("OK", None),
    "bpmn-io/A.4.0-roundtrip.bpmn": ("OK", None),
    "bpmn-io/A.4.1-export.bpmn": ("OK", None),
    "bpmn-io/A.4.1-roundtrip.bpmn": ("OK", None),
    "bpmn-io/B.1.0-export.bpmn": ("REFUSED", "StartEvent_1"),
    "bpmn-io/B.1.0-roundtrip.bpmn": ("REFUSED", "_e314751e-5c3a-41f2-a1ae-4cb99efa0916"),
    "bpmn-io/B.2.0-export.bpmn": ("REFUSED", "Activity_1n1hhyt"),
    "bpmn-io/B.2.0-roundtrip.bpmn": ("REFUSED", "_708d55c8-684a-4e3b-a69d-69c620cd0ac0"),
    "bpmn-io/C.1.0-export.bpmn": ("REFUSED", "StartEvent_1"),
    "bpmn-io/C.1.0-roundtrip.bpmn": ("REFUSED", "StartEvent_1"),
    "bpmn-io/C.1.1-export.bpmn": ("REFUSED", "Activity_1f1t5k9"),
    "bpmn-io/C.1.1-roundtrip.bpmn": ("REFUSED", "archiveInvoice"),
    "bpmn-io/C.2.0-export.bpmn": ("REFUSED", "Event_1k8uukf"),
    "bpmn-io/C.2.0-roundtrip.bpmn": ("REFUSED", "__0ef615c7-5456-45c8-9cfb-f1fe30c44436"),
    "bpmn-io/C.3.0-export.bpmn": ("REFUSED", "Event_1p3ah5d"),
    "bpmn-io/C.3.0-roundtrip.bpmn": ("REFUSED", "_cc9778bd-edd8-4df2-ba15-56c310f90e62"),
    "bpmn-io/C.4.0-export.bpmn": ("REFUSED", "Event_1uj58zc"),
    "bpmn-io/C.4.0-roundtrip.bpmn": ("REFUSED", "_855451b0-5298-48b2-a81d-84ecbcca0a85"),
    "bpmn-io/C.5.0-export.bpmn": ("REFUSED", "Event_150agrk"),
    "bpmn-io/C.5.0-roundtrip.bpmn": ("REFUSED", "_8055ae64-cafd-4fd0-be36-2216e3b02e37"),
    "bpmn-io/C.6.0-export.bpmn": ("REFUSED", "StartEvent_1"),
    "bpmn-io/C.6.0-roundtrip.bpmn": ("REFUSED", "_15fef309-6718-4352-9b71-f757bcd8c023"),
    "bpmn-io/C.7.0-export.bpmn": ("REFUSED", "Activity_0rnylu0"),
    "bpmn-io/C.7.0-roundtrip.bpmn": ("REFUSED", "_64eabfe9-6947-43eb-ac45-8d331745f86c"),
    "bpmn-io/C.8.0-export.bpmn": ("REFUSED", "Activity_0lrykpf"),
    "bpmn-io/C.8.0-roundtrip.bpmn": ("REFUSED", "_a97c1a48-faba-447b-bfa6-7aa81a6fe0a0"),
    "bpmn-io/C.8.1-export.bpmn": ("REFUSED", "Activity_0lrykpf"),
    "bpmn-io/C.8.1-roundtrip.bpmn": ("REFUSED", "_0a1c4f20-509f-4aeb-baf9-acc762f4fdf9"),
    "bpmn-io/C.9.0-export.bpmn": ("REFUSED", "Activity_0r5vs4p"),
    "bpmn-io/C.9.0-roundtrip.bpmn": ("REFUSED", "SequenceFlow_Red"),
    "bpmn-io/C.9.1-export.bpmn": ("REFUSED", "Activity_01qizhy"),
    "bpmn-io/C.9.1-roundtrip.bpmn": ("REFUSED", "SendTask_RequestDocument"),
    "bpmn-io/C.9.2-export.bpmn": ("REFUSED", "Event_0s3q36a"),
    "bpmn-io/C.9.2-roundtrip.bpmn": ("REFUSED", "TimerEvent_Timeout"),
    "reference/A.1.0.bpmn": ("OK", None),
    "reference/A.2.0.bpmn": ("REFUSED", "_f1478fb7-98c4-4c01-8c15-68bd04c91535"),
    "reference/A.2.1.bpmn": ("REFUSED", "_To9Z7TOCEeSknpIVFCxNIQ"),
    "reference/A.3.0.bpmn": ("REFUSED", "_428dcbf5-8e5e-48e0-9c0c-d93003fa8c82"),
    "reference/A.4.0.bpmn": ("OK", None),
    "reference/A.4.1.bpmn": ("OK", None),
    "reference/B.1.0.bpmn": ("REFUSED", "_e314751e-5c3a-41f2-a1ae-4cb99efa0916"),
    "reference/B.2.0.bpmn": ("REFUSED", "_708d55c8-684a-4e3b-a69d-69c620cd0ac0"),
    "reference/C.1.0.bpmn": ("REFUSED", "StartEvent_1"),
    "reference/C.1.1.bpmn": ("REFUSED", "archiveInvoice"),
    "reference/C.2.0.bpmn": ("REFUSED", "__0ef615c7-5456-45c8-9cfb-f1fe30c44436"),
    "reference/C.3.0.bpmn": ("REFUSED", "_cc9778bd-edd8-4df2-ba15-56c310f90e62"),
    "reference/C.4.0.bpmn": ("REFUSED", "_855451b0-5298-48b2-a81d-84ecbcca0a85"),
    "reference/C.5.0.bpmn": ("REFUSED", "_8055ae64-cafd-4fd0-be36-2216e3b02e37"),
    "reference/C.6.0.bpmn": ("REFUSED", "_15fef309-6718-4352-9b71-f757bcd8c023"),
    "reference/C.7.0.bpmn": ("REFUSED", "_64eabfe9-6947-43eb-ac45-8d331745f86c"),
    "reference/C.8.0.bpmn": ("REFUSED", "_a97c1a48-faba-447b-bfa6-7aa81a6fe0a0"),
    "reference/C.8.1.bpmn": ("REFUSED", "_0a1c4f20-509f-4aeb-baf9-acc762f4fdf9"),
    "reference/C.9.0.bpmn": ("REFUSED", "SequenceFlow_Red"),
    "reference/C.9.1.bpmn": ("REFUSED", "SendTask_RequestDocument"),
    "reference/C.9.2.bpmn": ("REFUSED", "TimerEvent_Timeout"),
}


@pytest.fixture(autouse=True)
def english() -> object:
    with translation.override("en"):
        yield


def test_every_miwg_file_is_judged_as_recorded(shared_data: Path) -> None:
    folder = shared_data / "bpmn" / "miwg"
    found = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.bpmn"))
    assert found == sorted(MIWG_CONTRACT), "the MIWG folder changed: review the contract"
    for name, (verdict, element_id) in MIWG_CONTRACT.items():
        judgement = judge((folder / name).read_bytes(), name)
        line = judgement.line(name)
        assert line.startswith(f"{verdict} {name}"), line
        assert judgement.element_id == element_id, line
        if judgement.ok:
            assert judgement.process_ids and judgement.reason == ""
        else:
            assert judgement.reason and judgement.problems
            if element_id:
                assert f'element "{element_id}"' in judgement.reason


def test_a_good_approval_process_is_ok() -> None:
    judgement = judge(files.approval(), "purchase.bpmn")
    assert judgement.ok, judgement.reason
    assert judgement.process_ids == ["Purchase_Approval"]
    assert judgement.process_names == {"Purchase_Approval": "采购审批"}
    assert judgement.line("purchase.bpmn") == "OK purchase.bpmn"


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b"<a><b></a>", b"\x00\xff\xfe garbage", b"not xml at all", "<中文>".encode()],
)
def test_malformed_input_is_refused_never_raised(data: bytes) -> None:
    judgement = judge(data, "bad.bpmn")
    assert not judgement.ok
    assert judgement.reason
    assert judgement.line("bad.bpmn").startswith("REFUSED bad.bpmn: ")


def test_xml_that_is_not_bpmn() -> None:
    judgement = judge(b"<html><body/></html>", "page.bpmn")
    assert not judgement.ok
    assert "not a BPMN 2.0 file" in judgement.reason and "html" in judgement.reason


def test_billion_laughs_is_refused_without_expansion() -> None:
    started = time.perf_counter()
    judgement = judge(files.BILLION_LAUGHS, "lol.bpmn")
    assert not judgement.ok
    assert "DOCTYPE is not allowed" in judgement.reason
    assert "lol" not in judgement.reason
    assert time.perf_counter() - started < 2


def test_external_entity_is_refused_and_never_read() -> None:
    judgement = judge(files.XXE, "xxe.bpmn")
    assert not judgement.ok
    assert "DOCTYPE is not allowed" in judgement.reason
    assert "root:" not in judgement.reason  # /etc/passwd never reached the verdict


def test_script_task_is_refused_with_its_id_and_nothing_runs(tmp_path: Path) -> None:
    judgement = judge(files.SCRIPT_TASK, "A.4.0.bpmn")
    assert not judgement.ok
    assert judgement.element_id == "ScriptTask_1"
    assert judgement.line("A.4.0.bpmn").startswith(
        'REFUSED A.4.0.bpmn: element "ScriptTask_1" (scriptTask): scripts are not supported'
    )
    assert not Path("/tmp/pwned").exists()  # noqa: S108 - the path the script would write


def test_condition_reaching_the_os_is_refused() -> None:
    judgement = judge(files.approval(condition="__import__('os').system('id')"), "x.bpmn")
    assert not judgement.ok
    assert judgement.element_id == "ToDirector"
    assert "condition" in judgement.reason and "not allowed" in judgement.reason


def test_camunda_listener_script_is_refused_even_in_a_user_task() -> None:
    listener = (
        '<bpmn:userTask id="Sneaky"><bpmn:extensionElements><camunda:taskListener event="create">'
        '<camunda:script scriptFormat="groovy">"rm -rf /".execute()</camunda:script>'
        "</camunda:taskListener></bpmn:extensionElements></bpmn:userTask>\n"
    )
    judgement = judge(files.approval(extra=listener), "x.bpmn")
    assert not judgement.ok
    assert judgement.element_id == "Sneaky"
    assert "code hooks" in judgement.reason


def test_every_problem_is_listed_not_only_the_first() -> None:
    extra = (
        '<bpmn:serviceTask id="Svc"/><bpmn:sendTask id="Send"/>'
        '<bpmn:intermediateCatchEvent id="Wait"><bpmn:messageEventDefinition/>'
        "</bpmn:intermediateCatchEvent>\n"
    )
    judgement = judge(files.approval(condition="amount >", extra=extra), "x.bpmn")
    assert not judgement.ok
    assert {p.element_id for p in judgement.problems} == {"Svc", "Send", "Wait", "ToDirector"}
    assert "(and 3 more problems)" in judgement.reason


def test_timers_are_refused_until_they_follow_the_company_clock() -> None:
    good = (
        '<bpmn:boundaryEvent id="Late" attachedToRef="Review" cancelActivity="false">'
        "<bpmn:timerEventDefinition><bpmn:timeDuration>P2D</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        '<bpmn:endEvent id="LateEnd"/>'
        '<bpmn:sequenceFlow id="FL" sourceRef="Late" targetRef="LateEnd"/>\n'
    )
    later = judge(files.approval(extra=good), "x.bpmn")
    assert not later.ok and later.element_id == "Late"
    assert "timer events are not supported yet" in later.reason
    bad = good.replace("P2D", "two days")
    judgement = judge(files.approval(extra=bad), "x.bpmn")
    assert not judgement.ok and judgement.element_id == "Late"
    assert "ISO 8601" in judgement.reason


def test_call_activity_must_call_a_process_in_the_file() -> None:
    extra = '<bpmn:callActivity id="Call" calledElement="Elsewhere"/>'
    judgement = judge(files.approval(extra=extra), "x.bpmn")
    assert not judgement.ok and judgement.element_id == "Call"
    assert '"Elsewhere"' in judgement.reason


def test_too_large_file_is_refused() -> None:
    judgement = judge(b" " * (MAX_BYTES + 1), "big.bpmn")
    assert not judgement.ok and "larger than 5 MB" in judgement.reason


def test_reason_in_chinese() -> None:
    with translation.override("zh-hans"):
        judgement = judge(files.SCRIPT_TASK, "x.bpmn")
    assert "脚本" in judgement.reason


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400), st.integers(min_value=0, max_value=4000))
def test_judge_never_raises_on_random_or_damaged_input(noise: bytes, cut: int) -> None:
    good = files.approval()
    for data in (noise, good[:cut] + noise, good[:cut] + good[cut + len(noise) :]):
        judgement = judge(data, "fuzz.bpmn")
        assert judgement.ok or judgement.reason
