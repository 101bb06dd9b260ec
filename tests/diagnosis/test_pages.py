"""The pages: upload, column mapping with preview, the job page and its JSON, who sees what."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from flowbridge.core.clock import ManualClock
from flowbridge.diagnosis.models import Dataset, Status
from flowbridge.org.models import Person
from tests.cases.conftest import Org
from tests.diagnosis.conftest import RECEIPT_CSV, Upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_upload_xes_goes_to_the_job_page_which_shows_progress_then_the_result(
    org: Org, worker: Callable[[], None], shared_data: Path
) -> None:
    client = client_for(org.pmo)
    content = (shared_data / "logs" / "receipt.xes").read_bytes()
    response = client.post(
        reverse("diagnosis:upload"),
        {"file": SimpleUploadedFile("receipt.xes", content), "name": "Receipts"},
    )
    dataset = Dataset.objects.get(name="Receipts")
    assert response.status_code == 302
    assert response["Location"] == reverse("diagnosis:job", args=[dataset.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'id="job-progress"' in page and "Waiting" in page
    assert 'http-equiv="refresh"' in page  # works without JavaScript
    state = client.get(reverse("diagnosis:status", args=[dataset.pk])).json()
    assert (state["status"], state["progress"]) == ("pending", 0.0)

    worker()

    state = client.get(reverse("diagnosis:status", args=[dataset.pk])).json()
    assert (state["status"], state["progress"], state["cases"]) == ("ready", 1.0, 1434)
    page = client.get(reverse("diagnosis:job", args=[dataset.pk])).content.decode()
    assert "8577 events in 1434 cases." in page
    assert reverse("diagnosis:overview", args=[dataset.pk]) in page
    assert 'http-equiv="refresh"' not in page


def test_csv_upload_asks_for_columns_with_a_preview(org: Org, worker: Callable[[], None]) -> None:
    client = client_for(org.pmo)
    content = RECEIPT_CSV.replace("case_id", "报销编码").encode()
    response = client.post(
        reverse("diagnosis:upload"), {"file": SimpleUploadedFile("x.csv", content)}
    )
    dataset = Dataset.objects.get()
    mapping_url = reverse("diagnosis:mapping", args=[dataset.pk])
    assert response["Location"] == mapping_url
    page = client.get(mapping_url).content.decode()
    assert "<th>报销编码</th>" in page and "<td>Approve</td>" in page
    # Without the case column the form says so beside the field, and nothing starts.
    response = client.post(
        mapping_url, {"activity": "activity", "timestamp": "timestamp", "timezone": "UTC"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Dataset.objects.get().job_id == ""
    response = client.post(
        mapping_url,
        {
            "case": "报销编码",
            "activity": "activity",
            "timestamp": "timestamp",
            "resource": "resource",
            "timezone": "Mars/Olympus",
        },
    )
    assert "unknown time zone" in response.content.decode()
    response = client.post(
        mapping_url,
        {"case": "报销编码", "activity": "activity", "timestamp": "timestamp", "timezone": "UTC"},
    )
    assert response["Location"] == reverse("diagnosis:job", args=[dataset.pk])
    worker()
    dataset.refresh_from_db()
    assert (dataset.status, dataset.cases, dataset.mapping["case"]) == ("ready", 2, "报销编码")


def test_unknown_file_kind_and_too_large_files_are_refused_clearly(
    org: Org, settings: object
) -> None:
    client = client_for(org.pmo)
    response = client.post(
        reverse("diagnosis:upload"), {"file": SimpleUploadedFile("log.docx", b"PK..")}
    )
    assert response.status_code == 200
    assert "log.docx: unknown kind of file" in response.content.decode()
    settings.DIAGNOSIS_MAX_UPLOAD_BYTES = 10  # type: ignore[attr-defined]
    response = client.post(
        reverse("diagnosis:upload"), {"file": SimpleUploadedFile("a.csv", b"x" * 2000)}
    )
    assert "the largest file this site accepts is 0 MB" in response.content.decode()
    assert Dataset.objects.count() == 0


def test_a_failed_import_shows_what_and_where(
    org: Org, upload: Upload, worker: Callable[[], None]
) -> None:
    dataset = upload("broken.xes", "<log><trace><event>")
    worker()
    page = client_for(org.pmo).get(reverse("diagnosis:job", args=[dataset.pk])).content.decode()
    assert "Failed" in page and "broken.xes" in page
    assert "Traceback" not in page


def test_who_sees_which_dataset(org: Org, upload: Upload) -> None:
    sales = upload("s.csv", RECEIPT_CSV, as_=org.sales_head, name="Sales log")
    office = upload("o.csv", RECEIPT_CSV, as_=org.pmo, name="Office log")
    assert sales.department == org.sales
    sees = {
        "pmo": {"Sales log", "Office log"},
        "gm": {"Sales log", "Office log"},  # management
        "sales_head": {"Sales log"},  # head of the owning department, and its uploader
        "finance_head": set(),
        "requester": set(),
        "outsider": set(),
    }
    for name, expected in sees.items():
        person = getattr(org, name)
        client = client_for(person)
        page = client.get(reverse("diagnosis:list")).content.decode()
        shown = {n for n in ("Sales log", "Office log") if n in page}
        assert shown == expected, name
        for dataset in (sales, office):
            status = client.get(reverse("diagnosis:job", args=[dataset.pk])).status_code
            assert status == (200 if dataset.name in expected else 404), (name, dataset.name)


def test_who_may_act(
    org: Org, upload: Upload, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    dataset = upload("s.csv", RECEIPT_CSV, as_=org.sales_head)
    outsider = client_for(org.outsider)
    assert outsider.get(reverse("diagnosis:upload")).status_code == 403
    assert outsider.post(reverse("diagnosis:delete", args=[dataset.pk])).status_code == 404
    # Management sees it but may not delete another's dataset or build engine logs.
    gm = client_for(org.gm)
    assert gm.get(reverse("diagnosis:upload")).status_code == 200
    assert gm.post(reverse("diagnosis:delete", args=[dataset.pk])).status_code == 403
    assert gm.get(reverse("diagnosis:mapping", args=[dataset.pk])).status_code == 403
    # The uploader may delete it, and its files go with it.
    folder = dataset.folder
    assert folder.is_dir()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(org.sales_head).post(reverse("diagnosis:delete", args=[dataset.pk]))
    assert response.status_code == 302
    assert not Dataset.objects.filter(pk=dataset.pk).exists()
    assert not folder.exists()


def test_the_list_reads_in_a_fixed_number_of_queries(org: Org, upload: Upload) -> None:
    client = client_for(org.pmo)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("diagnosis:list")).status_code == 200
        return len(captured)

    upload("a.csv", RECEIPT_CSV)
    few = queries()
    for i in range(5):
        upload(f"b{i}.csv", RECEIPT_CSV, as_=org.sales_head)
    assert queries() == few


def test_status_json_is_plain_data(org: Org, upload: Upload) -> None:
    dataset = upload("a.csv", RECEIPT_CSV)
    state = client_for(org.pmo).get(reverse("diagnosis:status", args=[dataset.pk])).json()
    assert state["needs_mapping"] is True and state["status"] == Status.PENDING
    json.dumps(state)


def test_pages_speak_chinese_by_default(org: Org, upload: Upload, settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    dataset = upload("a.csv", RECEIPT_CSV)
    client = client_for(org.pmo)
    client.cookies["django_language"] = "zh-hans"
    assert "上传事件日志" in client.get(reverse("diagnosis:upload")).content.decode()
    page = client.get(reverse("diagnosis:mapping", args=[dataset.pk])).content.decode()
    assert "指定各列含义" in page and "按这些列导入" in page
    page = client.get(reverse("diagnosis:list")).content.decode()
    assert "流程诊断" in page


def test_a_failed_csv_import_may_be_mapped_again(
    org: Org, upload: Upload, worker: Callable[[], None]
) -> None:
    # The times are in "when"; the first import is told to read "timestamp" (all unreadable).
    content = (
        "case_id,activity,when,timestamp\n"
        "c1,Submit,2024-03-05 09:00:00,soon\n"
        "c1,Approve,2024-03-05 10:30:00,later\n"
        "c2,Submit,2024-03-05 11:00:00,soon\n"
    )
    dataset = upload("t.csv", content, mapping={"timestamp": "timestamp"})
    worker()
    dataset.refresh_from_db()
    assert dataset.status == Status.FAILED
    client = client_for(org.pmo)
    page = client.get(reverse("diagnosis:job", args=[dataset.pk])).content.decode()
    assert 'id="job-remap"' in page
    response = client.post(
        reverse("diagnosis:mapping", args=[dataset.pk]),
        {"case": "case_id", "activity": "activity", "timestamp": "when", "timezone": "UTC"},
    )
    assert response.status_code == 302
    worker()
    dataset.refresh_from_db()
    assert (dataset.status, dataset.cases, dataset.error) == (Status.READY, 2, "")


def test_a_body_over_the_limit_is_refused_before_it_is_read(org: Org, settings: Any) -> None:
    settings.DIAGNOSIS_MAX_UPLOAD_BYTES = 10
    big = SimpleUploadedFile("big.xes", b"<" * (2 * 1024 * 1024))
    response = client_for(org.pmo).post(reverse("diagnosis:upload"), {"file": big})
    assert response.status_code == 413
    assert "the largest this site accepts is 0 MB" in response.content.decode()
    assert Dataset.objects.count() == 0


def test_a_stuck_import_may_be_deleted_after_a_while(
    org: Org, upload: Upload, clock: ManualClock
) -> None:
    dataset = upload("a.csv", RECEIPT_CSV, mapping={})
    Dataset.objects.filter(pk=dataset.pk).update(status=Status.IMPORTING, started_at=clock.now())
    client = client_for(org.pmo)
    page = client.get(reverse("diagnosis:job", args=[dataset.pk])).content.decode()
    assert 'id="job-stuck"' not in page and 'id="delete-form"' not in page
    response = client.post(reverse("diagnosis:delete", args=[dataset.pk]))
    assert response.status_code == 302 and Dataset.objects.filter(pk=dataset.pk).exists()
    clock.advance(timedelta(minutes=121))
    page = client.get(reverse("diagnosis:job", args=[dataset.pk])).content.decode()
    assert 'id="job-stuck"' in page and 'id="delete-form"' in page
    client.post(reverse("diagnosis:delete", args=[dataset.pk]))
    assert not Dataset.objects.filter(pk=dataset.pk).exists()


def test_the_api_schema_lists_the_diagnosis_routes(client: Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/diagnosis/datasets",
        "/api/diagnosis/datasets/{dataset_id}",
        "/api/diagnosis/datasets/{dataset_id}/job",
        "/api/diagnosis/datasets/engine/{process_key}/refresh",
    } <= set(paths)


def test_a_large_upload_is_moved_from_djangos_temporary_file(
    org: Org, settings: Any, worker: Callable[[], None], shared_data: Path
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # any file above this streams to a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = str(settings.DIAGNOSIS_ROOT)  # same disk: a rename
    Path(settings.DIAGNOSIS_ROOT).mkdir(parents=True)
    content = (shared_data / "logs" / "running-example.xes").read_bytes()
    response = client_for(org.pmo).post(
        reverse("diagnosis:upload"), {"file": SimpleUploadedFile("r.xes", content)}
    )
    assert response.status_code == 302
    worker()
    dataset = Dataset.objects.get()
    assert (dataset.status, dataset.cases) == (Status.READY, 6)
    leftovers = [p for p in Path(settings.DIAGNOSIS_ROOT).rglob("*") if p.is_file()]
    assert leftovers == [dataset.parquet_path]
