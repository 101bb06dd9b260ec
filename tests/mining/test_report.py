"""The HTML report: one self-contained file with every section, escaped, readable map."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import polars as pl

from flowbridge.mining.bpmnmodel import read_bpmn
from flowbridge.mining.findings import findings
from flowbridge.mining.log import EventLog, from_frame
from flowbridge.mining.report import MAX_EDGES, MAX_NODES, html_report, readable_map
from flowbridge.mining.xes import read_xes
from tests.mining.bpmn_support import approval

T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
AWKWARD = 'Check <b>amount</b> & "limit"'


def log_of(cases: dict[str, list[tuple[str, str, int]]]) -> EventLog:
    """Cases of (activity, department, minutes after T0)."""
    rows = [
        (case, activity, department, T0 + timedelta(minutes=minutes))
        for case, steps in cases.items()
        for activity, department, minutes in steps
    ]
    frame = pl.DataFrame(rows, schema=["case", "activity", "department", "timestamp"], orient="row")
    return from_frame(frame, source="requests.csv")


# An approval flow: c3 goes back to be checked again; c4 is rejected.
LOG = log_of(
    {
        "c1": [("Submit", "Sales", 0), (AWKWARD, "Finance", 60), ("Approve", "Finance", 600)],
        "c2": [("Submit", "Sales", 0), (AWKWARD, "Finance", 90), ("Approve", "Finance", 700)],
        "c3": [
            ("Submit", "Sales", 0),
            (AWKWARD, "Finance", 30),
            ("Submit", "Sales", 2000),
            (AWKWARD, "Finance", 2100),
            ("Approve", "Finance", 2400),
        ],
        "c4": [("Submit", "Sales", 0), (AWKWARD, "Finance", 45), ("Reject", "Finance", 50)],
    }
)


class Links(HTMLParser):
    """Collects every attribute that can load something, and the tags used."""

    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "data", "action", "poster"):
                self.references.append(value or "")


def test_the_report_opens_offline() -> None:
    document = html_report(LOG, title="Requests")
    links = Links()
    links.feed(document)
    assert links.references and all(r.startswith("#") for r in links.references)
    assert not links.tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", document)
    assert "@import" not in document and "url(" not in document
    # The only "http" left are SVG namespace names, which load nothing.
    assert set(re.findall(r"https?://[^\"' ]+", document)) == {"http://www.w3.org/2000/svg"}


def test_the_report_has_every_section_in_order() -> None:
    document = html_report(LOG, title="Requests", generated_at=datetime(2026, 3, 2, 9, tzinfo=UTC))
    ids = re.findall(r'<section id="([a-z]+)"', document)
    assert ids == ["summary", "findings", "map", "variants", "handoffs", "rework", "performance"]
    assert "<title>Requests</title>" in document and 'lang="en"' in document
    assert "Source: requests.csv · generated 2026-03-02 09:00 UTC" in document
    assert '<div class="value">4</div><div class="label">cases</div>' in document
    assert '<div class="value">14</div><div class="label">events</div>' in document


def test_names_are_escaped_everywhere() -> None:
    document = html_report(LOG, title='<script>alert("x")</script>')
    assert "<b>amount</b>" not in document and "<script>" not in document
    assert "&lt;b&gt;amount&lt;/b&gt; &amp; &quot;limit&quot;" in document
    assert "&lt;script&gt;" in document


def test_the_findings_of_the_library_are_in_the_report() -> None:
    found = findings(LOG)
    assert found, "the hand-made log should have something to fix"
    document = html_report(LOG, title="Requests")
    for finding in found:
        assert escape(finding.title) in document


def test_the_map_shows_both_metrics_with_a_switch_without_script() -> None:
    document = html_report(LOG, title="Requests")
    assert document.count('<svg xmlns="http://www.w3.org/2000/svg" class="fb-map"') == 2
    assert 'id="fb-frequency" checked' in document and 'id="fb-median"' in document
    assert "#fb-median:checked~.maps .by-frequency" in document


def test_hand_offs_and_rework_are_reported() -> None:
    document = html_report(LOG, title="Requests")
    assert 'class="fb-handoff" data-source="Sales" data-target="Finance" data-count="5"' in document
    assert '<div class="value">1</div><div class="label">cases with rework</div>' in document


def test_a_log_without_departments_says_why_there_are_no_hand_offs() -> None:
    bare = from_frame(LOG.events.drop("department"))
    document = html_report(bare, title="Requests")
    assert "The log has no department column" in document and "fb-heatmap" not in document


def test_with_a_model_the_report_adds_conformance() -> None:
    model = read_bpmn(approval())
    names = {"Submit": "Submit", AWKWARD: "Check", "Approve": "Approve", "Reject": "Reject"}
    renamed = from_frame(LOG.events.with_columns(pl.col("activity").replace(names)))
    document = html_report(renamed, title="Requests", model=model)
    assert re.findall(r'<section id="([a-z]+)"', document)[-1] == "conformance"
    assert "cases fitting the model" in document and "skipped" in document


def test_the_map_is_cut_to_a_readable_size_and_says_what_it_leaves_out(
    shared_data: Path,
) -> None:
    log = read_xes(shared_data / "logs" / "receipt.xes")
    pm = readable_map(log)
    assert pm.nodes.height <= MAX_NODES and pm.edges.height <= MAX_EDGES
    assert 0 < pm.cases < pm.total_cases == 1434
    assert readable_map(log, coverage=1.0).nodes.height == 27  # asked for: everything
    document = html_report(log, title="receipt")
    shown = f"{pm.nodes.height} of 27 activities and {pm.edges.height} of 99 edges"
    assert shown in document and f"from {pm.cases:,} of 1,434 cases" in document


def test_real_logs_give_a_report(shared_data: Path) -> None:
    for name in ("07_bpic2013_incidents.xes.gz", "interval_event_log.xes"):
        log = read_xes(shared_data / "logs" / name)
        document = html_report(log, title=name)
        assert document.startswith("<!DOCTYPE html>") and document.endswith("</html>\n")
        assert document.count('class="fb-node"') >= 2 * readable_map(log).nodes.height


def test_the_report_speaks_the_language_asked_for() -> None:
    chinese = html_report(LOG, title="报销", language="zh-hans")
    assert '<html lang="zh-Hans">' in chinese
    assert "<h2>流程图</h2>" in chinese and "<h2>返工</h2>" in chinese
    assert 'class="label">案例数</div>' in chinese
    english = html_report(LOG, title="Requests", language="en")
    assert '<html lang="en">' in english and "<h2>Process map</h2>" in english


def test_evidence_reads_as_shares_and_durations() -> None:
    document = html_report(LOG, title="Requests")
    evidence = re.findall(
        r"<tr><td>(time share|case share)</td><td class=\"num\">([^<]*)</td>", document
    )
    assert evidence and all(value.endswith("%") for _key, value in evidence)
