"""Findings, interview notes, targets, exports and the ranking, through the real views."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from flowbridge.core.models import AuditEntry
from flowbridge.diagnosis.models import Dataset, InterviewNote
from flowbridge.processes.models import ProcessDefinition
from tests.cases import bpmn
from tests.cases.conftest import Org
from tests.diagnosis.test_analysis_pages import client_for, make_dataset, small_frame, text

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def dataset(org: Org) -> Dataset:
    return make_dataset(org)


@pytest.mark.usefixtures("english_site")
def test_findings_are_ranked_with_evidence_and_advice(org: Org, dataset: Dataset) -> None:
    response = client_for(org.pmo.user).get(f"/diagnosis/{dataset.pk}/findings/")
    assert response.status_code == 200
    body = text(response)
    kinds = re.findall(r'class="card finding" data-kind="(\w+)"', body)
    assert kinds, "the small log has a slow hand-off and rework: some finding is expected"
    assert "bottleneck" in kinds or "handoff" in kinds
    assert re.search(r'<span class="rank">1\.</span>', body)
    assert "Evidence" in body
    assert 'id="export-xlsx"' in body


@pytest.mark.usefixtures("english_site")
def test_a_note_appears_beside_the_measured_figures_of_its_node(org: Org, dataset: Dataset) -> None:
    client = client_for(org.sales_head.user)
    response = client.post(
        f"/diagnosis/{dataset.pk}/interviews/",
        {
            "activity": "Check",
            "estimated_minutes": "30",
            "pain_points": "Receipts arrive late",
            "tags": ["waiting", "missing_information"],
        },
    )
    assert response.status_code == 302
    note = InterviewNote.objects.get(dataset=dataset)
    assert (note.activity, note.estimated_minutes, note.tags) == (
        "Check",
        30,
        ["waiting", "missing_information"],
    )
    assert AuditEntry.objects.filter(action="diagnosis.note.add").count() == 1
    body = text(client.get(f"/diagnosis/{dataset.pk}/interviews/"))
    block = re.search(r'data-activity="Check">(.*?)</div> </div> </div>', body)
    assert block, body[:2000]
    assert "Receipts arrive late" in block.group(1)
    assert "Missing information" in block.group(1) and "estimates 30 min" in block.group(1)
    assert "Median waiting" in block.group(1)


@pytest.mark.usefixtures("english_site")
def test_an_empty_note_or_unknown_activity_is_refused_with_a_message(
    org: Org, dataset: Dataset
) -> None:
    client = client_for(org.pmo.user)
    empty = client.post(f"/diagnosis/{dataset.pk}/interviews/", {"activity": "Check"})
    assert empty.status_code == 422
    assert "the note is empty" in text(empty)
    unknown = client.post(
        f"/diagnosis/{dataset.pk}/interviews/", {"activity": "Nope", "pain_points": "x"}
    )
    assert unknown.status_code == 422
    assert "Select a valid choice" in text(unknown)
    assert not InterviewNote.objects.exists()


def test_only_the_author_deletes_a_note(org: Org, dataset: Dataset) -> None:
    client_for(org.requester.user).post(
        f"/diagnosis/{dataset.pk}/interviews/", {"activity": "Pay", "pain_points": "slow"}
    )
    note = InterviewNote.objects.get()
    url = f"/diagnosis/{dataset.pk}/interviews/{note.pk}/delete/"
    assert client_for(org.sales_head.user).post(url).status_code == 403
    assert client_for(org.outsider.user).post(url).status_code == 404
    assert client_for(org.requester.user).post(url).status_code == 302
    assert not InterviewNote.objects.exists()


@pytest.mark.usefixtures("english_site")
def test_process_office_sets_targets_others_may_not(org: Org, dataset: Dataset) -> None:
    url = f"/diagnosis/{dataset.pk}/targets/"
    response = client_for(org.pmo.user).post(
        url, {"target_hours": "24", "cost_per_hour": "Finance: 180\n销售部\uff1a95.5"}
    )
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.target_cycle_seconds == 24 * 3600
    assert dataset.cost_per_hour == {"Finance": 180.0, "销售部": 95.5}
    bad = client_for(org.pmo.user).post(url, {"cost_per_hour": "Finance 180"})
    assert bad.status_code == 422
    assert "Line 1: write “department: cost per hour”, got “Finance 180”." in text(bad)
    assert client_for(org.requester.user).post(url, {"target_hours": "1"}).status_code == 403
    shown = text(client_for(org.requester.user).get(url))
    assert "Only the process office sets targets and costs." in shown


def test_targets_change_the_findings_and_the_score(org: Org, dataset: Dataset) -> None:
    client = client_for(org.pmo.user)
    before = text(client.get("/diagnosis/ranking/"))
    client.post(f"/diagnosis/{dataset.pk}/targets/", {"target_hours": "1"})
    after = text(client.get("/diagnosis/ranking/"))
    score = re.compile(r'class="score">([\d.]+)<')
    assert float(score.findall(after)[0]) < float(score.findall(before)[0])


@pytest.mark.usefixtures("english_site")
def test_xlsx_export_has_the_findings_in_priority_order(org: Org, dataset: Dataset) -> None:
    client = client_for(org.pmo.user)
    response = client.get(f"/diagnosis/{dataset.pk}/findings.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet["A1"].value == "Findings: Reimbursement"
    assert [c.value for c in sheet[2]][:5] == ["Rank", "Kind", "Where", "Finding", "Cases"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows and rows[0][0] == 1
    priorities = [float(str(row[6])) for row in rows]
    assert priorities == sorted(priorities, reverse=True)
    page = text(client.get(f"/diagnosis/{dataset.pk}/findings/"))
    assert str(rows[0][3]) in page  # the first row is the first finding of the page


def test_xlsx_and_markdown_headers_in_chinese(org: Org, dataset: Dataset) -> None:
    client = client_for(org.pmo.user)
    client.cookies["django_language"] = "zh-hans"
    sheet = load_workbook(
        io.BytesIO(client.get(f"/diagnosis/{dataset.pk}/findings.xlsx").content)
    ).active
    assert sheet is not None
    assert [c.value for c in sheet[2]][:3] == ["排名", "类型", "位置"]
    markdown = client.get(f"/diagnosis/{dataset.pk}/findings.md").content.decode()
    assert markdown.startswith("# 发现\uff1aReimbursement\n")
    assert "\n- 案例数: 4\n" in markdown


@pytest.mark.usefixtures("english_site")
def test_markdown_export_and_unknown_format(org: Org, dataset: Dataset) -> None:
    client = client_for(org.pmo.user)
    response = client.get(f"/diagnosis/{dataset.pk}/findings.md")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("# Findings: Reimbursement\n")
    assert re.search(r"^## 1\. ", body, re.MULTILINE)
    assert "- Cases: " in body
    assert client.get(f"/diagnosis/{dataset.pk}/findings.pdf").status_code == 404
    assert (
        client_for(org.outsider.user).get(f"/diagnosis/{dataset.pk}/findings.md").status_code == 404
    )


@pytest.mark.usefixtures("english_site")
def test_ranking_lists_what_the_user_may_see_with_the_formula(org: Org) -> None:
    slow = make_dataset(org, name="Slow process", target_cycle_seconds=3600.0)
    other = make_dataset(
        org,
        name="Purchasing",
        frame=small_frame(
            {
                "p1": [("Order", "Sales", 0), ("Receive", "Sales", 1)],
                "p2": [("Order", "Sales", 0), ("Receive", "Sales", 2)],
            }
        ),
    )
    make_dataset(org, name="Hidden", department=org.finance, created_by=org.pmo.user)
    body = text(client_for(org.sales_head.user).get("/diagnosis/ranking/"))
    ranked = re.findall(r'<tr data-dataset="(\d+)">', body)
    assert ranked == [str(slow.pk), str(other.pk)]  # the slow one is more urgent
    assert 'id="formula"' in body
    # One has a target and the other not: their weights differ, so both formulas are shown,
    # each with the processes it applies to.
    assert body.count('class="card formula"') == 2
    assert "Slow process" in body and "cycle time" in body
    everything = text(client_for(org.pmo.user).get("/diagnosis/ranking/"))
    assert len(re.findall(r'<tr data-dataset="(\d+)">', everything)) == 3


def test_ranking_queries_do_not_grow_with_datasets(org: Org) -> None:
    client = client_for(org.pmo.user)
    make_dataset(org, name="one")
    client.get("/diagnosis/ranking/")  # warm the caches
    with CaptureQueriesContext(connection) as few:
        client.get("/diagnosis/ranking/")
    for n in range(3):
        make_dataset(org, name=f"more {n}")
    client.get("/diagnosis/ranking/")
    with CaptureQueriesContext(connection) as many:
        client.get("/diagnosis/ranking/")
    assert len(many) == len(few)


def test_interview_page_queries_do_not_grow_with_notes(org: Org, dataset: Dataset) -> None:
    client = client_for(org.pmo.user)
    url = f"/diagnosis/{dataset.pk}/interviews/"
    client.post(url, {"activity": "Pay", "pain_points": "one"})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for person in (org.requester, org.sales_head, org.gm):
        client_for(person.user).post(url, {"activity": "Check", "pain_points": person.name})
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


@pytest.mark.usefixtures("english_site")
def test_a_dataset_of_our_own_process_is_checked_against_its_design(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(
        bpmn.chain(
            bpmn.task("submit", "Submit", "role:employee"),
            bpmn.task("check", "Check", "role:employee"),
            bpmn.task("pay", "Pay", "role:employee"),
        )
    )
    dataset = make_dataset(org, name="Our process", source="engine", process=definition)
    body = text(client_for(org.pmo.user).get(f"/diagnosis/{dataset.pk}/findings/"))
    kinds = re.findall(r'class="card finding" data-kind="(\w+)"', body)
    assert "conformance" in kinds, kinds
    plain = make_dataset(org, name="Uploaded")
    body = text(client_for(org.pmo.user).get(f"/diagnosis/{plain.pk}/findings/"))
    assert "conformance" not in re.findall(r'data-kind="(\w+)"', body)


def test_ranking_components_in_chinese(org: Org) -> None:
    make_dataset(org, name="Slow process", target_cycle_seconds=3600.0)
    client = client_for(org.pmo.user)
    client.cookies["django_language"] = "zh-hans"
    body = text(client.get("/diagnosis/ranking/"))
    assert "返工" in body
    assert "rework:" not in body


def test_findings_text_follows_each_persons_language(org: Org, dataset: Dataset) -> None:
    """The library's titles come in the page's language, whatever the server's environment."""
    english = client_for(org.pmo.user)
    english.cookies["django_language"] = "en"
    chinese = client_for(org.pmo.user)
    chinese.cookies["django_language"] = "zh-hans"
    title = re.compile(r'<h2><span class="rank">\d+\.</span>(.*?)</h2>')
    english_titles = title.findall(text(english.get(f"/diagnosis/{dataset.pk}/findings/")))
    chinese_titles = title.findall(text(chinese.get(f"/diagnosis/{dataset.pk}/findings/")))
    assert english_titles and len(english_titles) == len(chinese_titles)
    assert not any(re.search("[\u4e00-\u9fff]", t) for t in english_titles)
    assert all(re.search("[\u4e00-\u9fff]", t) for t in chinese_titles)
