"""The diagnosis API (upload, job, get, delete, refresh) and ``flowbridge import-log``."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from flowbridge.accounts.tokens import issue_token
from flowbridge.cli import COMMANDS
from flowbridge.core.clock import ManualClock
from flowbridge.diagnosis.models import Dataset, Status
from flowbridge.org.models import Person
from tests.cases.conftest import Org
from tests.cases.test_export import Deploy, flow, run_cases
from tests.diagnosis.conftest import RECEIPT_CSV

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


def auth(person: Person) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(person.user, 'test')}"}


def test_upload_poll_get_and_delete(
    client: Client,
    org: Org,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    content = RECEIPT_CSV.replace("case_id", "报销编码").encode()
    response = client.post(
        "/api/diagnosis/datasets",
        {"file": SimpleUploadedFile("x.csv", content), "case": "报销编码", "name": "X"},
        **auth(org.pmo),
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["name"], body["status"], body["mapping"]["case"]) == ("X", "pending", "报销编码")
    job = client.get(f"/api/diagnosis/datasets/{body['id']}/job", **auth(org.pmo)).json()
    assert (job["status"], job["needs_mapping"]) == ("pending", False)
    worker()
    job = client.get(f"/api/diagnosis/datasets/{body['id']}/job", **auth(org.pmo)).json()
    assert (job["status"], job["events"], job["cases"]) == ("ready", 5, 2)
    listed = client.get("/api/diagnosis/datasets", **auth(org.pmo)).json()
    assert [d["id"] for d in listed] == [body["id"]]
    # Others: not found, not listed; management may see but not delete.
    assert (
        client.get(f"/api/diagnosis/datasets/{body['id']}", **auth(org.outsider)).status_code == 404
    )
    assert client.get("/api/diagnosis/datasets", **auth(org.outsider)).json() == []
    refused = client.delete(f"/api/diagnosis/datasets/{body['id']}", **auth(org.gm))
    assert refused.status_code == 403 and "detail" in refused.json()
    with django_capture_on_commit_callbacks(execute=True):
        gone = client.delete(f"/api/diagnosis/datasets/{body['id']}", **auth(org.pmo))
    assert gone.status_code == 204
    assert not Dataset.objects.exists()


def test_bad_uploads_answer_422_naming_the_field(client: Client, org: Org) -> None:
    response = client.post(
        "/api/diagnosis/datasets",
        {"file": SimpleUploadedFile("x.csv", RECEIPT_CSV.encode()), "case": "nope"},
        **auth(org.pmo),
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["where"] == "case"
    assert not Dataset.objects.exists()  # all or nothing: no row, no file
    response = client.post(
        "/api/diagnosis/datasets",
        {"file": SimpleUploadedFile("x.pdf", b"%PDF")},
        **auth(org.pmo),
    )
    assert response.status_code == 422 and response.json()["problems"][0]["where"] == "file"
    response = client.post(
        "/api/diagnosis/datasets",
        {"file": SimpleUploadedFile("x.xes", b"<log/>")},
        **auth(org.outsider),
    )
    assert response.status_code == 403


def test_refresh_an_engine_process(
    client: Client, org: Org, deployed: Deploy, clock: ManualClock, worker: Callable[[], None]
) -> None:
    flow(deployed)
    run_cases(org, clock, 2)
    response = client.post("/api/diagnosis/datasets/engine/expense/refresh", **auth(org.pmo))
    assert response.status_code == 202
    assert response.json()["source"] == "engine"
    worker()
    assert Dataset.objects.get().status == Status.READY
    missing = client.post("/api/diagnosis/datasets/engine/nope/refresh", **auth(org.pmo))
    assert missing.status_code == 404
    refused = client.post("/api/diagnosis/datasets/engine/expense/refresh", **auth(org.gm))
    assert refused.status_code == 403


def test_import_log_command_imports_now_and_reports(
    org: Org, shared_data: Path, tmp_path: Path
) -> None:
    assert COMMANDS["import-log"][0] == "import_log"
    assert COMMANDS["worker"][0] == "db_worker"
    out = StringIO()
    call_command("import_log", str(shared_data / "logs" / "receipt.xes"), "--name", "R", stdout=out)
    dataset = Dataset.objects.get()
    assert (dataset.name, dataset.status, dataset.cases) == ("R", Status.READY, 1434)
    assert out.getvalue().startswith(f"dataset {dataset.pk} 'R': 8577 events, 1434 cases")
    csv = tmp_path / "x.csv"
    csv.write_text(RECEIPT_CSV.replace("case_id", "报销编码") + "c9,Pay,yesterday,A,B\n")
    out = StringIO()
    call_command(
        "import_log", str(csv), "--case", "报销编码", "--timezone", "Asia/Shanghai", stdout=out
    )
    assert "1 rows skipped" in out.getvalue() and "yesterday" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.xes"], "missing.xes: no such file"),
        (["{csv}", "--case", "nope"], "case: There is no column 'nope'."),
        (["{csv}", "--timezone", "Mars/Olympus"], "timezone: unknown time zone 'Mars/Olympus'"),
        (["{cut}"], "cut.xes"),
    ],
)
def test_import_log_bad_input_exits_2_with_one_line(
    org: Org, tmp_path: Path, shared_data: Path, args: list[str], message: str
) -> None:
    csv = tmp_path / "x.csv"
    csv.write_text(RECEIPT_CSV)
    cut = tmp_path / "cut.xes"
    cut.write_bytes((shared_data / "logs" / "receipt.xes").read_bytes()[:5000])
    args = [a.format(csv=csv, cut=cut) for a in args]
    with pytest.raises(CommandError) as raised:
        call_command("import_log", *args, stdout=StringIO())
    assert raised.value.returncode == 2
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
    assert not Dataset.objects.exists()
