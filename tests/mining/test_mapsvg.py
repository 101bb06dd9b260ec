"""Process maps and hand-off matrices as SVG: well-formed, self-contained, escaped, with the
data attributes the pages' JavaScript reads."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import polars as pl
import pytest

from flowbridge.mining.handoffs import handoffs
from flowbridge.mining.log import EventLog, from_frame
from flowbridge.mining.mapsvg import duration_text, handoff_heatmap_svg, process_map_svg
from flowbridge.mining.processmap import process_map
from flowbridge.mining.xes import read_xes

SVG = "{http://www.w3.org/2000/svg}"
T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
AWKWARD = 'Check <amount> & "limit" \'s'


def log_of(traces: dict[str, list[tuple[str, str, int]]]) -> EventLog:
    """Cases of (activity, department, minutes after T0)."""
    rows = [
        (case, activity, department, T0 + timedelta(minutes=minutes))
        for case, events in traces.items()
        for activity, department, minutes in events
    ]
    frame = pl.DataFrame(rows, schema=["case", "activity", "department", "timestamp"], orient="row")
    return from_frame(frame)


LOG = log_of(
    {
        "1": [("提交申请", "销售部", 0), (AWKWARD, "财务部", 60), ("付款", "财务部", 3 * 1440)],
        "2": [("提交申请", "销售部", 0), (AWKWARD, "财务部", 120), ("付款", "财务部", 1440)],
        "3": [("提交申请", "销售部", 0), (AWKWARD, "财务部", 30), (AWKWARD, "财务部", 40)],
    }
)


def parse(svg: str) -> ET.Element:
    """Our own output, so the standard parser is safe here."""
    return ET.fromstring(svg)  # noqa: S314


def groups(svg: str, css_class: str) -> list[ET.Element]:
    root = parse(svg)
    return [g for g in root.iter(SVG + "g") if g.get("class") == css_class]


def test_duration_text_reads_like_a_person_would_say_it() -> None:
    assert duration_text(None) == "–"  # noqa: RUF001
    assert duration_text(float("nan")) == "–"  # noqa: RUF001
    assert duration_text(42) == "42 s"
    assert duration_text(5.25) == "5.2 s"
    assert duration_text(12 * 60) == "12 min"
    assert duration_text(5 * 3600) == "5 h"
    assert duration_text(3.2 * 86400) == "3.2 d"
    assert duration_text(400 * 86400) == "400 d"
    assert duration_text(-90) == "-1.5 min"


def test_every_node_and_edge_carries_its_figures_for_the_page() -> None:
    pm = process_map(LOG)
    svg = process_map_svg(pm)
    nodes = {
        g.get("data-activity"): int(g.get("data-frequency", "")) for g in groups(svg, "fb-node")
    }
    assert nodes == dict(pm.nodes.iter_rows())
    edges = {
        (g.get("data-source"), g.get("data-target")): (
            int(g.get("data-frequency", "")),
            float(g.get("data-median-seconds", "")),
        )
        for g in groups(svg, "fb-edge")
    }
    expected = {
        (s, t): (f, m)
        for s, t, f, m in pm.edges.select(
            "source", "target", "frequency", "median_seconds"
        ).iter_rows()
    }
    assert edges == expected
    assert edges[(AWKWARD, AWKWARD)] == (1, 600.0)  # the self-loop is an edge too
    terminals = {(g.get("data-side"), g.get("data-activity")) for g in groups(svg, "fb-terminal")}
    assert terminals == {("start", "提交申请"), ("end", "付款"), ("end", AWKWARD)}


def test_names_with_markup_characters_are_escaped_and_shown_as_written() -> None:
    svg = process_map_svg(process_map(LOG))
    assert "<amount>" not in svg and "&lt;amount&gt;" in svg
    root = parse(svg)  # well-formed XML despite <, & and quotes in names
    texts = {t.text for t in root.iter(SVG + "text")}
    assert AWKWARD in texts
    titles = [t.text or "" for t in root.iter(SVG + "title")]
    assert any(t.startswith(AWKWARD + "\n") for t in titles)


def test_the_map_is_self_contained() -> None:
    svg = process_map_svg(process_map(LOG), metric="median")
    assert "href" not in svg and "<script" not in svg and "<image" not in svg
    assert "url(" not in svg and "@import" not in svg
    assert svg.count("http") == 1  # only the SVG namespace


def test_the_median_metric_labels_edges_with_their_durations() -> None:
    by_frequency = process_map_svg(process_map(LOG))
    by_median = process_map_svg(process_map(LOG), metric="median")
    edge = next(
        g
        for g in groups(by_median, "fb-edge")
        if g.get("data-target") == AWKWARD and g.get("data-source") == "提交申请"
    )
    assert [t.text for t in edge.iter(SVG + "text")] == ["1 h"]  # 60, 120, 30 minutes
    edge = next(
        g
        for g in groups(by_frequency, "fb-edge")
        if g.get("data-target") == AWKWARD and g.get("data-source") == "提交申请"
    )
    assert [t.text for t in edge.iter(SVG + "text")] == ["3"]
    with pytest.raises(ValueError, match="metric"):
        process_map_svg(process_map(LOG), metric="mean")  # type: ignore[arg-type]


def test_busier_nodes_are_darker_and_busier_edges_wider() -> None:
    svg = process_map_svg(process_map(LOG))
    fills = {
        g.get("data-activity"): g.find(SVG + "rect").get("fill", "")  # type: ignore[union-attr]
        for g in groups(svg, "fb-node")
    }
    assert fills["提交申请"] < fills["付款"]  # darker blue has smaller red and green parts
    widths = {
        (g.get("data-source"), g.get("data-target")): float(
            g.find(SVG + "path").get("stroke-width", "")  # type: ignore[union-attr]
        )
        for g in groups(svg, "fb-edge")
    }
    assert widths[("提交申请", AWKWARD)] > widths[(AWKWARD, "付款")] > widths[(AWKWARD, AWKWARD)]


def test_the_heatmap_shows_each_hand_off_with_its_count_and_median_delay() -> None:
    frame = handoffs(LOG)
    svg = handoff_heatmap_svg(frame)
    cells = {
        (g.get("data-source"), g.get("data-target")): (
            g.get("data-count"),
            [t.text for t in g.iter(SVG + "text")],
        )
        for g in groups(svg, "fb-handoff")
    }
    assert cells == {("销售部", "财务部"): ("3", ["3", "1 h"])}
    labels = {t.text for t in parse(svg).iter(SVG + "text")}
    assert {"销售部", "财务部"} <= labels


def test_the_heatmap_keeps_the_most_involved_departments_and_says_so() -> None:
    rows = [(f"部门{i}", f"部门{i + 1}", 10 - i, 60.0) for i in range(6)]
    frame = pl.DataFrame(rows, schema=["source", "target", "count", "median_seconds"], orient="row")
    svg = handoff_heatmap_svg(frame, limit=3)
    shown = {g.get("data-source") for g in groups(svg, "fb-handoff")}
    # In hand-offs 部门1 takes part 19 times, 部门2 17, 部门3 15, 部门0 only 10.
    assert shown == {"部门1", "部门2"}
    assert "4 less involved departments are not shown." in svg


def test_the_heatmap_of_a_log_without_hand_offs_says_so() -> None:
    frame = handoffs(log_of({"1": [("a", "IT", 0), ("b", "IT", 5)]}))
    svg = handoff_heatmap_svg(frame)
    parse(svg)
    assert "No hand-offs" in svg and "fb-handoff" not in svg


def test_the_heatmap_rejects_a_frame_that_is_not_a_hand_off_table() -> None:
    with pytest.raises(ValueError, match=r"handoffs\(log\).*count"):
        handoff_heatmap_svg(pl.DataFrame({"source": ["a"], "target": ["b"]}))


def test_real_logs_give_well_formed_pictures(shared_data: Path) -> None:
    log = read_xes(shared_data / "logs" / "receipt.xes")
    metrics: tuple[Literal["frequency", "median"], ...] = ("frequency", "median")
    for metric in metrics:
        svg = process_map_svg(process_map(log, coverage=0.8), metric=metric)
        assert len(groups(svg, "fb-node")) == process_map(log, coverage=0.8).nodes.height
    heatmap = handoff_heatmap_svg(handoffs(log))
    assert len(groups(heatmap, "fb-handoff")) > 20


def test_a_map_with_everything_filtered_out_is_still_a_picture() -> None:
    pm = process_map(LOG, min_frequency=1000)
    svg = process_map_svg(pm)
    assert pm.nodes.is_empty()
    assert groups(svg, "fb-node") == [] and len(groups(svg, "fb-start")) == 1
