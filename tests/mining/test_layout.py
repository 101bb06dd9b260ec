"""The process map's layered layout: structure on hand-made maps and on real logs."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from flowbridge.mining.layout import Layout, NodeBox, fit_label, label_columns, layout
from flowbridge.mining.log import EventLog, from_frame
from flowbridge.mining.processmap import ProcessMap, process_map
from flowbridge.mining.xes import read_xes

T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)


def log_of(traces: dict[str, list[str]]) -> EventLog:
    """One case per entry, its activities one minute apart."""
    rows = [
        (case, activity, T0 + timedelta(minutes=i))
        for case, sequence in traces.items()
        for i, activity in enumerate(sequence)
    ]
    return from_frame(pl.DataFrame(rows, schema=["case", "activity", "timestamp"], orient="row"))


# Submit, approve, with a loop back for corrections and a self-loop on check.
LOOPING = log_of(
    {
        "1": ["submit", "check", "approve", "pay"],
        "2": ["submit", "check", "check", "approve", "pay"],
        "3": ["submit", "check", "correct", "check", "approve", "pay"],
        "4": ["submit", "check", "reject"],
        "5": ["submit", "approve", "pay"],
    }
)


def activities(drawn: Layout) -> dict[str, NodeBox]:
    return {box.name: box for box in drawn.nodes if box.kind == "activity"}


def overlapping(drawn: Layout) -> list[tuple[str, str]]:
    found = []
    for a, b in itertools.combinations(drawn.nodes, 2):
        apart_x = abs(a.x - b.x) >= (a.width + b.width) / 2
        apart_y = abs(a.y - b.y) >= (a.height + b.height) / 2
        if not (apart_x or apart_y):
            found.append((a.name or a.kind, b.name or b.kind))
    return found


def assert_well_formed(pm: ProcessMap, drawn: Layout) -> None:
    """Every activity once, no overlaps, layers top to bottom, edges joining their nodes."""
    boxes = activities(drawn)
    assert set(boxes) == set(pm.nodes.get_column("activity"))
    assert overlapping(drawn) == []
    start = next(b for b in drawn.nodes if b.kind == "start")
    end = next(b for b in drawn.nodes if b.kind == "end")
    assert start.layer == 0 and all(b.layer > 0 for b in boxes.values())
    assert all(end.layer > b.layer for b in boxes.values())
    for box in drawn.nodes:
        assert box.y == pytest.approx(min(b.y for b in drawn.nodes if b.layer == box.layer))
        assert box.x - box.width / 2 >= 0 and box.x + box.width / 2 <= drawn.width
        assert box.y - box.height / 2 >= 0 and box.y + box.height / 2 <= drawn.height
    dfg_edges = [e for e in drawn.edges if e.source is not None and e.target is not None]
    assert len(dfg_edges) == pm.edges.height
    starts = {e.target: e.frequency for e in drawn.edges if e.source is None}
    ends = {e.source: e.frequency for e in drawn.edges if e.target is None}
    assert (starts, ends) == (pm.starts, pm.ends)
    for edge in drawn.edges:
        if edge.self_loop:
            assert edge.source == edge.target and edge.points == ()
            continue
        upper = start if edge.source is None else boxes[edge.source]
        lower = end if edge.target is None else boxes[edge.target]
        # Forward edges run down a layer or more; back edges close a loop, going up.
        if edge.back:
            assert upper.layer >= lower.layer
        else:
            assert upper.layer < lower.layer
        (x0, y0), (x1, y1) = edge.points[0], edge.points[-1]
        assert abs(x0 - upper.x) <= upper.width / 2 and abs(x1 - lower.x) <= lower.width / 2
        top_or_bottom = {upper.y - upper.height / 2, upper.y + upper.height / 2}
        assert y0 in top_or_bottom
        assert y1 in {lower.y - lower.height / 2, lower.y + lower.height / 2}
        ys = [y for _x, y in edge.points]
        assert ys == sorted(ys, reverse=edge.back), "a route never turns back on itself"


def test_a_looping_process_flows_down_with_the_loop_drawn_back_up() -> None:
    pm = process_map(LOOPING)
    drawn = layout(pm)
    assert_well_formed(pm, drawn)
    layer = {name: box.layer for name, box in activities(drawn).items()}
    assert layer["submit"] < layer["check"] < layer["approve"] < layer["pay"]
    assert layer["check"] < layer["correct"] and layer["check"] < layer["reject"]
    back = {(e.source, e.target) for e in drawn.edges if e.back}
    assert back == {("correct", "check")}
    loops = {(e.source, e.frequency) for e in drawn.edges if e.self_loop}
    assert loops == {("check", 1)}


def test_a_long_edge_is_routed_through_a_point_per_layer_it_crosses() -> None:
    drawn = layout(process_map(LOOPING))
    edge = next(e for e in drawn.edges if (e.source, e.target) == ("submit", "approve"))
    boxes = activities(drawn)
    crossed = boxes["approve"].layer - boxes["submit"].layer - 1
    assert crossed >= 1 and len(edge.points) == crossed + 2
    # The points in between stay clear of the nodes of their layers.
    for x, y in edge.points[1:-1]:
        for box in drawn.nodes:
            if box.y == y:
                assert abs(x - box.x) > box.width / 2


def test_the_same_map_gives_the_same_layout() -> None:
    assert layout(process_map(LOOPING)) == layout(process_map(LOOPING))


def test_node_width_fits_its_label_with_chinese_counted_double() -> None:
    log = log_of({"1": ["提交申请", "abcd", "部门经理审批并签字确认"]})
    boxes = activities(layout(process_map(log)))
    assert label_columns("提交申请") == label_columns("abcdefgh") == 8
    assert boxes["部门经理审批并签字确认"].width > boxes["提交申请"].width
    assert boxes["提交申请"].width == boxes["abcd"].width  # both at the minimum width


def test_a_very_long_name_is_cut_in_the_box_but_kept_whole_as_the_name() -> None:
    name = "Determine necessity of stop advice for the whole department " * 2
    boxes = activities(layout(process_map(log_of({"1": ["start", name]}))))
    assert boxes[name].name == name
    assert boxes[name].label.endswith("…") and boxes[name].label == fit_label(name)
    assert label_columns(boxes[name].label) <= 30


def test_a_map_without_edges_still_gets_its_markers() -> None:
    pm = process_map(log_of({"1": ["alone"], "2": ["alone"]}))
    drawn = layout(pm)
    assert_well_formed(pm, drawn)
    assert [e.frequency for e in drawn.edges] == [2, 2]


def test_every_shared_log_is_laid_out_cleanly(shared_data: Path) -> None:
    for name in ("receipt.xes", "07_bpic2013_incidents.xes.gz", "helpdesk.xes.gz"):
        pm = process_map(read_xes(shared_data / "logs" / name))
        assert_well_formed(pm, layout(pm))


def test_a_map_with_hundreds_of_edges_is_laid_out_cleanly(shared_data: Path) -> None:
    """BPIC 2013 incidents with activity and role as one name: 69 nodes, 485 edges."""
    log = read_xes(shared_data / "logs" / "07_bpic2013_incidents.xes.gz")
    detailed = log.events.with_columns(
        pl.concat_str(["activity", "org:role"], separator=" / ").alias("activity")
    )
    pm = process_map(EventLog(detailed, log.source, log.report))
    assert pm.edges.height > 400
    drawn = layout(pm)
    assert_well_formed(pm, drawn)
    assert len({b.layer for b in drawn.nodes}) >= 4
