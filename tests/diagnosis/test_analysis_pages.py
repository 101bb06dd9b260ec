"""The analysis tabs of a dataset, through the real views on a small hand-made log."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.test import Client

from flowbridge.core import clock
from flowbridge.diagnosis.analysis import Analysis
from flowbridge.diagnosis.models import Dataset, Status
from flowbridge.mining import from_frame, read_xes, variant_count
from tests.cases.conftest import Org

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]

T0 = datetime(2024, 3, 4, 9, 0)
# case: (activity, department, hours after T0)
CASES: dict[str, list[tuple[str, str, float]]] = {
    "c1": [("Submit", "Sales", 0), ("Check", "Finance", 2), ("Pay", "Finance", 5)],
    "c2": [("Submit", "Sales", 1), ("Check", "Finance", 30), ("Pay", "Finance", 31)],
    "c3": [
        ("Submit", "Sales", 2),
        ("Check", "Finance", 4),
        ("Submit", "Sales", 6),
        ("Check", "Finance", 8),
        ("Pay", "Finance", 9),
    ],
    "c4": [("Submit", "Sales", 3), ("Reject", "Finance", 50)],
}


def small_frame(cases: dict[str, list[tuple[str, str, float]]] = CASES) -> pl.DataFrame:
    rows = [
        {"case": case, "activity": a, "department": d, "timestamp": T0 + timedelta(hours=h)}
        for case, events in cases.items()
        for a, d, h in events
    ]
    return pl.DataFrame(rows)


def make_dataset(
    org: Org,
    *,
    name: str = "Reimbursement",
    frame: pl.DataFrame | None = None,
    status: str = Status.READY,
    **fields: Any,
) -> Dataset:
    fields.setdefault("created_by", org.requester.user)
    fields.setdefault("department", org.sales)
    dataset = Dataset.objects.create(name=name, status=status, created_at=clock.now(), **fields)
    if status == Status.READY:
        write_log(dataset, small_frame() if frame is None else frame)
    return dataset


def write_log(dataset: Dataset, frame: pl.DataFrame) -> None:
    log = from_frame(frame)
    dataset.folder.mkdir(parents=True, exist_ok=True)
    log.events.write_parquet(dataset.parquet_path)


@pytest.fixture
def dataset(org: Org) -> Dataset:
    return make_dataset(org)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_overview_shows_counts_period_and_cycle_times(org: Org, dataset: Dataset) -> None:
    response = client_for(org.pmo.user).get(f"/diagnosis/{dataset.pk}/overview/")
    assert response.status_code == 200
    body = text(response)
    assert 'data-figure="events">13<' in body
    assert 'data-figure="cases">4<' in body
    assert 'data-figure="variants">3<' in body
    assert "2024-03-04" in body
    # c4 takes 47 h, the longest case: the cycle-time stats say so.
    assert "1 d 23 h" in body


def test_map_has_every_activity_and_lists_the_cases_of_a_node_and_an_edge(
    org: Org, dataset: Dataset
) -> None:
    client = client_for(org.pmo.user)
    response = client.get(f"/diagnosis/{dataset.pk}/map/")
    assert response.status_code == 200
    body = text(response)
    found = set(re.findall(r'class="fb-node" data-activity="([^"]+)"', body))
    assert found == {"Submit", "Check", "Pay", "Reject"}
    cases = client.get(f"/diagnosis/{dataset.pk}/map/", {"activity": "Pay", "partial": "cases"})
    assert cases.status_code == 200
    listed = re.findall(r'data-case="([^"]+)"', cases.content.decode())
    assert sorted(listed) == ["c1", "c2", "c3"]
    assert "<html" not in cases.content.decode()  # a fragment for the side list
    edge = client.get(f"/diagnosis/{dataset.pk}/map/", {"source": "Check", "target": "Submit"})
    assert re.findall(r'data-case="([^"]+)"', edge.content.decode()) == ["c3"]


def test_map_frequency_and_coverage_filters_rerender_on_the_server(
    org: Org, dataset: Dataset
) -> None:
    client = client_for(org.pmo.user)
    response = client.get(f"/diagnosis/{dataset.pk}/map/", {"min_frequency": "2"})
    body = text(response)
    assert set(re.findall(r'class="fb-node" data-activity="([^"]+)"', body)) == {
        "Submit",
        "Check",
        "Pay",
    }
    covered = text(client.get(f"/diagnosis/{dataset.pk}/map/", {"coverage": "50"}))
    assert "2 of 4 cases shown." in covered


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"min_frequency": "0"}, "min_frequency must be a number from 1 to 5, got 0."),
        ({"min_frequency": "99"}, "min_frequency must be a number from 1 to 5, got 99."),
        ({"min_frequency": "many"}, "min_frequency must be a number from 1 to 5, got many."),
        ({"coverage": "150"}, "coverage must be a number from 1 to 100, got 150."),
        ({"metric": "cost"}, "Unknown metric cost"),
    ],
)
def test_bad_map_parameters_say_what_is_wrong(
    org: Org, dataset: Dataset, query: dict[str, str], message: str
) -> None:
    response = client_for(org.pmo.user).get(f"/diagnosis/{dataset.pk}/map/", query)
    assert response.status_code == 400
    assert message in text(response)
    assert 'class="fb-node"' in text(response)  # the default map is still shown


def test_unknown_activity_in_the_case_list_is_said(org: Org, dataset: Dataset) -> None:
    response = client_for(org.pmo.user).get(f"/diagnosis/{dataset.pk}/map/", {"activity": "Nope"})
    assert "No activity Nope in this log." in text(response)


def test_variants_table_and_one_variant_with_its_cases(org: Org, dataset: Dataset) -> None:
    client = client_for(org.pmo.user)
    body = text(client.get(f"/diagnosis/{dataset.pk}/variants/"))
    assert "3 variants" in body
    first = re.search(r'data-variant="1">(.*?)</tr>', body)
    assert first and "Submit → Check → Pay" in first.group(1) and "50.0 %" in first.group(1)
    detail = client.get(f"/diagnosis/{dataset.pk}/variants/1/")
    assert detail.status_code == 200
    cases = re.findall(r"<tr><td>(c\d)</td>", detail.content.decode())
    assert sorted(cases) == ["c1", "c2"]
    assert client.get(f"/diagnosis/{dataset.pk}/variants/9/").status_code == 404


def test_handoffs_table_between_departments(org: Org, dataset: Dataset) -> None:
    body = text(client_for(org.pmo.user).get(f"/diagnosis/{dataset.pk}/handoffs/"))
    assert re.search(r'id="heatmap"> ?<svg', body)
    rows = re.findall(r"<tr><td>(\w+)</td><td>(\w+)</td><td>(\d+)</td><td>(\d+)</td>", body)
    assert ("Sales", "Finance", "5", "4") in rows
    assert ("Finance", "Sales", "1", "1") in rows


def test_a_log_without_departments_says_so(org: Org) -> None:
    dataset = make_dataset(org, frame=small_frame().drop("department"))
    body = text(client_for(org.pmo.user).get(f"/diagnosis/{dataset.pk}/handoffs/"))
    assert "This log names no departments" in body


TABS = ["overview", "map", "variants", "handoffs", "findings", "interviews", "targets"]


@pytest.mark.parametrize("tab", TABS)
def test_people_who_may_not_see_the_dataset_get_404(org: Org, dataset: Dataset, tab: str) -> None:
    assert client_for(org.outsider.user).get(f"/diagnosis/{dataset.pk}/{tab}/").status_code == 404
    assert client_for(org.pmo.user).get(f"/diagnosis/{dataset.pk + 99}/{tab}/").status_code == 404


def test_head_of_the_owning_department_and_the_uploader_see_it(org: Org, dataset: Dataset) -> None:
    for person in (org.sales_head, org.requester, org.gm):
        response = client_for(person.user).get(f"/diagnosis/{dataset.pk}/variants/")
        assert response.status_code == 200, person


@pytest.mark.parametrize("status", [Status.PENDING, Status.IMPORTING, Status.FAILED])
def test_a_dataset_that_is_not_ready_gets_a_message(org: Org, status: str) -> None:
    dataset = make_dataset(org, status=status)
    response = client_for(org.pmo.user).get(f"/diagnosis/{dataset.pk}/map/")
    assert response.status_code == 409
    assert "is not ready" in text(response)


def test_results_are_cached_and_a_new_import_invalidates_them(org: Org, dataset: Dataset) -> None:
    first = Analysis(dataset)
    assert first.variants().height == 3
    assert first.reads == 1
    again = Analysis(dataset)
    assert again.variants().height == 3
    assert again.reads == 0  # from the cache, the log was not read
    # One request reads the log at most once, however many analyses it asks for.
    fresh = Analysis(make_dataset(org, name="Other"))
    fresh.cases()
    fresh.variants()
    fresh.activities()
    fresh.cases_of(activity="Pay")
    assert fresh.reads == 1
    write_log(dataset, small_frame({"x": [("Submit", "Sales", 0), ("Pay", "Finance", 1)]}))
    assert Analysis(dataset).variants().height == 1


def test_case_lists_are_paged_and_a_page_past_the_end_shows_the_last(org: Org) -> None:
    many = {
        f"k{n:02d}": [("Submit", "Sales", n), ("Pay", "Finance", n + 1 + n / 10)] for n in range(45)
    }
    dataset = make_dataset(org, frame=small_frame(many))
    client = client_for(org.pmo.user)
    url = f"/diagnosis/{dataset.pk}/map/"
    pages = [
        re.findall(
            r'data-case="([^"]+)"', client.get(url, {"activity": "Pay", "page": p}).content.decode()
        )
        for p in ("1", "2", "3")
    ]
    assert [len(p) for p in pages] == [20, 20, 5]
    assert sorted(case for page in pages for case in page) == sorted(many)
    assert pages[0][0] == "k44"  # longest first
    last = client.get(url, {"activity": "Pay", "page": "99", "partial": "cases"}).content.decode()
    assert re.findall(r'data-case="([^"]+)"', last) == pages[2]
    assert "Page 1 of 3" in text(client.get(url, {"activity": "Pay", "page": "x"}))
    variant = client.get(f"/diagnosis/{dataset.pk}/variants/1/", {"page": "3"})
    assert len(re.findall(r"<tr><td>k\d\d</td>", variant.content.decode())) == 5


def test_median_metric_labels_the_arrows_with_times(org: Org, dataset: Dataset) -> None:
    client = client_for(org.pmo.user)
    by_count = client.get(f"/diagnosis/{dataset.pk}/map/").content.decode()
    by_time = client.get(f"/diagnosis/{dataset.pk}/map/", {"metric": "median"}).content.decode()
    assert 'value="median" checked' in by_time
    svg = re.compile(r"<svg.*</svg>", re.DOTALL)
    assert svg.search(by_count) and svg.search(by_time)
    assert svg.search(by_count).group(0) != svg.search(by_time).group(0)  # type: ignore[union-attr]


def test_overview_histogram_and_throughput_rows(org: Org, dataset: Dataset) -> None:
    body = client_for(org.pmo.user).get(f"/diagnosis/{dataset.pk}/overview/").content.decode()
    histogram = re.search(r'id="histogram">(.*?)</table>', body, re.DOTALL)
    throughput = re.search(r'id="throughput">(.*?)</table>', body, re.DOTALL)
    assert histogram and throughput
    counts = [
        int(n) for n in re.findall(r"</td><td>(\d+)</td><td class=\"bar-col\">", histogram.group(1))
    ]
    assert sum(counts) == 4  # every case in one bar
    assert "2024-03-04" in throughput.group(1)


def test_pages_in_chinese(org: Org, dataset: Dataset) -> None:
    client = client_for(org.pmo.user)
    client.cookies["django_language"] = "zh-hans"
    assert "最低频次" in text(client.get(f"/diagnosis/{dataset.pk}/map/"))
    bad = text(client.get(f"/diagnosis/{dataset.pk}/map/", {"min_frequency": "0"}))
    assert "min_frequency 须为 1 到 5 之间的数\uff0c收到的是 0\u3002" in bad
    assert "变体" in text(client.get(f"/diagnosis/{dataset.pk}/variants/"))
    assert "1 天 23 小时" in text(client.get(f"/diagnosis/{dataset.pk}/overview/"))


def test_receipt_figures_equal_the_library(org: Org, shared_data: Path) -> None:
    log = read_xes(shared_data / "logs" / "receipt.xes")
    dataset = make_dataset(org, name="receipt", frame=log.events)
    body = text(client_for(org.pmo.user).get(f"/diagnosis/{dataset.pk}/overview/"))
    assert f'data-figure="events">{log.event_count}<' in body
    assert f'data-figure="cases">{log.case_count}<' in body
    assert f'data-figure="variants">{variant_count(log)}<' in body
    analysis = Analysis(dataset)
    assert analysis.cases().height == log.case_count
    assert analysis.variants().get_column("cases").sum() == log.case_count
    busiest = analysis.activities()[0]
    assert (
        analysis.cases_of(activity=busiest).height
        == log.events.filter(pl.col("activity") == busiest).get_column("case").n_unique()
    )
