"""The BPMN diagram drawn as SVG from the file's DI (no database needed)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree  # type: ignore[import-untyped]

from flowbridge.processes.diagram import DiagramUnavailable, NodeState, Overlay, render_svg
from flowbridge.processes.diagram.text import text_width, wrap

SVG = "{http://www.w3.org/2000/svg}"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs" targetNamespace="urn:test">"""


def shape(element_id: str, x: float, y: float, w: float, h: float, extra: str = "") -> str:
    return (
        f'<bpmndi:BPMNShape id="{element_id}_di" bpmnElement="{element_id}" {extra}>'
        f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>'
    )


def edge(element_id: str, *points: tuple[float, float]) -> str:
    waypoints = "".join(f'<di:waypoint x="{x}" y="{y}"/>' for x, y in points)
    return (
        f'<bpmndi:BPMNEdge id="{element_id}_di" bpmnElement="{element_id}">'
        f"{waypoints}</bpmndi:BPMNEdge>"
    )


def small_process(process_id: str = "p1", task_name: str = "Approve") -> str:
    p = process_id
    return f"""<bpmn:process id="{p}" name="Purchase {p}">
      <bpmn:startEvent id="{process_id}_start" name="Request"/>
      <bpmn:userTask id="{process_id}_task" name="{task_name}"/>
      <bpmn:endEvent id="{process_id}_end"/>
      <bpmn:sequenceFlow id="{p}_f1" sourceRef="{p}_start" targetRef="{p}_task"/>
      <bpmn:sequenceFlow id="{p}_f2" sourceRef="{p}_task" targetRef="{p}_end"/>
    </bpmn:process>"""


def small_diagram(process_id: str = "p1", x0: float = 0, plane_ref: str | None = None) -> str:
    return f"""<bpmndi:BPMNDiagram id="d_{process_id}"><bpmndi:BPMNPlane id="pl_{process_id}"
        bpmnElement="{plane_ref or process_id}">
      {shape(f"{process_id}_start", x0, 100, 36, 36)}
      {shape(f"{process_id}_task", x0 + 100, 78, 100, 80)}
      {shape(f"{process_id}_end", x0 + 260, 100, 36, 36)}
      {edge(f"{process_id}_f1", (x0 + 36, 118), (x0 + 100, 118))}
      {edge(f"{process_id}_f2", (x0 + 200, 118), (x0 + 260, 118))}
    </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"""


def document(*parts: str) -> bytes:
    return (HEADER + "".join(parts) + "</bpmn:definitions>").encode()


def parse(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode())


def groups(root: etree._Element) -> dict[str, etree._Element]:
    return {g.get("data-element-id"): g for g in root.iter(f"{SVG}g") if g.get("data-element-id")}


def expected_ids(path: Path) -> list[str]:
    """bpmnElement ids of the shapes and edges of the file's first diagram."""
    root = etree.fromstring(path.read_bytes())
    diagram = next(e for e in root.iter() if etree.QName(e).localname == "BPMNDiagram")
    ids = []
    for item in diagram.iter():
        if isinstance(item.tag, str) and etree.QName(item).localname in {"BPMNShape", "BPMNEdge"}:
            ids.append(item.get("bpmnElement") or item.get("id"))
    return ids


def miwg_files(shared_data: Path) -> list[Path]:
    files = sorted((shared_data / "bpmn" / "miwg").glob("*/*.bpmn"))
    assert len(files) >= 40
    return files


def test_every_miwg_file_renders_one_group_per_shape_and_edge(shared_data: Path) -> None:
    problems = []
    for path in miwg_files(shared_data):
        svg = render_svg(path.read_bytes())
        root = parse(svg)
        assert root.tag == f"{SVG}svg"
        assert root[0].tag == f"{SVG}title" and root[0].text
        drawn = [g.get("data-element-id") for g in root.iter(f"{SVG}g") if g.get("data-element-id")]
        if Counter(drawn) != Counter(expected_ids(path)):
            problems.append(path.name)
        _, _, width, height = (float(v) for v in root.get("viewBox").split())
        assert width > 0 and height > 0
    assert problems == []


def test_miwg_notation_details(shared_data: Path) -> None:
    root = parse(render_svg((shared_data / "bpmn/miwg/reference/B.2.0.bpmn").read_bytes()))
    classes = " ".join(g.get("class", "") for g in root.iter(f"{SVG}g"))
    for expected in (
        "bpmn-kind-userTask", "bpmn-kind-serviceTask", "bpmn-kind-sendTask",
        "bpmn-kind-receiveTask", "bpmn-kind-callActivity", "bpmn-kind-subProcess",
        "bpmn-kind-boundaryEvent", "bpmn-kind-eventBasedGateway", "bpmn-kind-inclusiveGateway",
        "bpmn-kind-parallelGateway", "bpmn-pool", "bpmn-lane", "bpmn-group", "bpmn-annotation",
        "bpmn-data-object", "bpmn-data-store", "bpmn-message-flow", "bpmn-association",
    ):  # fmt: skip
        assert expected in classes, expected
    lines = list(root.iter(f"{SVG}path"))
    assert any("message-start" in (p.get("marker-start") or "") for p in lines)
    assert any("bpmn-default" in (p.get("class") or "") for p in lines)
    assert any("bpmn-non-interrupting" in (c.get("class") or "") for c in root.iter(f"{SVG}circle"))
    # Lane and pool names are rotated like in modelers.
    assert any("rotate(-90" in (t.get("transform") or "") for t in root.iter(f"{SVG}text"))


def test_biggest_miwg_file_renders_fast(shared_data: Path) -> None:
    biggest = max(miwg_files(shared_data), key=lambda p: p.stat().st_size)
    started = time.perf_counter()
    render_svg(biggest.read_bytes())
    assert time.perf_counter() - started < 1.0


def test_overlay_states_and_counts_land_on_their_elements() -> None:
    overlay = Overlay(
        nodes={
            "p1_start": NodeState(state="done"),
            "p1_f1": NodeState(state="done"),
            "p1_task": NodeState(state="current", count=12, label="12 cases wait here"),
            "p1_end": NodeState(state="not_reached"),
        }
    )
    root = parse(render_svg(document(small_process(), small_diagram()), overlay=overlay))
    found = groups(root)
    assert "state-done" in found["p1_start"].get("class").split()
    assert "state-done" in found["p1_f1"].get("class").split()
    assert "state-current" in found["p1_task"].get("class").split()
    assert "state-not_reached" in found["p1_end"].get("class").split()
    assert not any("state-" in c for c in found["p1_f2"].get("class").split())
    badges = [g for g in root.iter(f"{SVG}g") if g.get("class") == "bpmn-badge"]
    assert len(badges) == 1
    assert badges[0].getparent() is found["p1_task"]
    assert "".join(badges[0].itertext()) == "12"
    assert found["p1_task"][0].tag == f"{SVG}title"
    assert found["p1_task"][0].text == "12 cases wait here"


def test_overlay_count_badge_for_a_miwg_process(shared_data: Path) -> None:
    path = shared_data / "bpmn/miwg/reference/A.2.0.bpmn"
    task_id = "_5a972b87-735d-454a-b31c-f52fb3afc5c7"  # "Task 1"
    root = parse(render_svg(path.read_bytes(), overlay=Overlay({task_id: NodeState(count=7)})))
    badge = groups(root)[task_id].find(f"{SVG}g[@class='bpmn-badge']")
    assert badge is not None and badge.get("data-count") == "7"


def test_names_are_escaped() -> None:
    evil = '&lt;script&gt;alert(1)&lt;/script&gt;" onload="alert(2)'
    xml = document(small_process(task_name="x&quot; onload=&quot;alert(2)"), small_diagram())
    xml = xml.replace(b'name="Request"', f'name="{evil.replace(chr(34), "&quot;")}"'.encode())
    svg = render_svg(xml, title='<script>alert(3)</script>"')
    root = parse(svg)
    assert not list(root.iter(f"{SVG}script"))
    assert all(not name.lower().startswith("on") for item in root.iter() for name in item.attrib)
    texts = " ".join(root.itertext())
    assert "<script>alert(1)</script>" in texts
    assert 'x" onload="alert(2)' in texts
    assert root[0].text == '<script>alert(3)</script>"'
    assert "<script" not in svg


def test_chooses_the_diagram_of_the_requested_process() -> None:
    xml = document(
        small_process("p1"), small_process("p2"), small_diagram("p1"), small_diagram("p2")
    )
    first = groups(parse(render_svg(xml)))
    assert "p1_task" in first and "p2_task" not in first
    second = groups(parse(render_svg(xml, process_id="p2")))
    assert "p2_task" in second and "p1_task" not in second
    assert parse(render_svg(xml, process_id="p2"))[0].text  # a title is always there


def test_chooses_the_collaboration_that_shows_the_process() -> None:
    collaboration = """<bpmn:collaboration id="c1">
      <bpmn:participant id="pool2" name="Finance" processRef="p2"/></bpmn:collaboration>"""
    xml = document(
        small_process("p1"),
        small_process("p2"),
        collaboration,
        small_diagram("p1"),
        small_diagram("p2", plane_ref="c1"),
    )
    found = groups(parse(render_svg(xml, process_id="p2")))
    assert "p2_task" in found and "p1_task" not in found


def test_negative_coordinates_are_inside_the_view_box() -> None:
    root = parse(render_svg(document(small_process(), small_diagram(x0=-800))))
    x, y, width, height = (float(v) for v in root.get("viewBox").split())
    assert x < -800 and x + width > -800 + 296
    assert y < 78 and y + height > 158


def test_chinese_names_wrap_without_spaces() -> None:
    lines = wrap("部门负责人审批并确认预算后交由财务部处理", 60)
    assert len(lines) > 2
    assert all(text_width(line) <= 60 for line in lines)
    assert "".join(lines) == "部门负责人审批并确认预算后交由财务部处理"
    latin = wrap("Approve the purchase order", 90)
    assert len(latin) > 1 and " ".join(latin) == "Approve the purchase order"


def test_chinese_task_name_is_drawn_in_several_lines() -> None:
    xml = document(small_process(task_name="部门负责人审批并确认预算"), small_diagram())
    task = groups(parse(render_svg(xml)))["p1_task"]
    spans = [s.text for s in task.iter(f"{SVG}tspan")]
    assert len(spans) >= 2 and "".join(spans) == "部门负责人审批并确认预算"


def test_file_without_diagram_information_is_refused() -> None:
    with pytest.raises(DiagramUnavailable, match="no diagram information"):
        render_svg(document(small_process()))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not xml at all",
        b"<bpmn:definitions><unclosed></bpmn:definitions>",
        HEADER.encode(),
        document(small_process(), small_diagram()).replace(b'x="100"', b'x="abc"'),
        document(small_process(), small_diagram()).replace(b'width="100"', b'width="nan"'),
    ],
)
def test_malformed_input_is_refused_cleanly(content: bytes) -> None:
    with pytest.raises(DiagramUnavailable):
        render_svg(content)


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    doctype = f'<!DOCTYPE bpmn:definitions [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    xml = document(small_process(task_name="&xxe;"), small_diagram())
    xml = xml.replace(b"?>", b"?>" + doctype.encode(), 1)
    try:
        svg = render_svg(xml)
    except DiagramUnavailable:
        return
    assert "TOP-SECRET-VALUE" not in svg


def test_billion_laughs_does_not_expand() -> None:
    entities = '<!ENTITY lol "lolololololololololol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    doctype = f"<!DOCTYPE bpmn:definitions [{entities}]>"
    xml = document(small_process(task_name="&lol9;"), small_diagram())
    xml = xml.replace(b"?>", b"?>" + doctype.encode(), 1)
    started = time.perf_counter()
    try:
        svg = render_svg(xml)
    except DiagramUnavailable:
        svg = ""
    assert time.perf_counter() - started < 2.0
    assert len(svg) < 100_000


def test_decoded_text_is_accepted_whatever_its_declared_encoding(shared_data: Path) -> None:
    raw = (shared_data / "bpmn/miwg/reference/A.2.0.bpmn").read_bytes()
    assert b'encoding="ISO-8859-1"' in raw
    latin = raw.replace(b"Task 1", "Tâche 1".encode("latin-1"))
    from_text = parse(render_svg(latin.decode("latin-1")))
    assert "Tâche 1" in " ".join(from_text.itertext())
    assert from_text.get("viewBox") == parse(render_svg(latin)).get("viewBox")


def test_the_library_does_not_import_django() -> None:
    code = (
        "import sys, flowbridge.processes.diagram; "
        "print(any(m.startswith('django') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60)
coordinates = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    st.sampled_from([1e308, -1e308, 0.0]),
)


@settings(max_examples=60, deadline=None)
@given(name=names, x=coordinates, width=coordinates, y=coordinates)
def test_any_names_and_coordinates_give_svg_or_a_clear_refusal(
    name: str, x: float, width: float, y: float
) -> None:
    xml = document(small_process(task_name=escape(name, {'"': "&quot;"})), small_diagram())
    xml = xml.replace(b'x="100" y="78" width="100"', f'x="{x}" y="{y}" width="{width}"'.encode())
    try:
        svg = render_svg(xml)
    except DiagramUnavailable:
        return
    task = groups(parse(svg))["p1_task"]
    spans = "".join(s.text or "" for s in task.iter(f"{SVG}tspan"))
    assert set(spans) - {"…"} <= set(name)


def test_a_non_breaking_space_keeps_words_together_and_is_kept() -> None:
    joined = "Purchase\u00a0order"
    lines = wrap(joined + " review", text_width(joined) + 1)
    assert lines == [joined, "review"]
