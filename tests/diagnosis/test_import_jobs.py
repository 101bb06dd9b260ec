"""Import jobs through django-tasks' database backend, run by its real worker in this process."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from flowbridge.diagnosis import importing, services
from flowbridge.diagnosis.models import Dataset, Status
from flowbridge.mining import read_xes, write_parquet
from tests.diagnosis.conftest import RECEIPT_CSV, Upload

pytestmark = pytest.mark.django_db


def test_xes_upload_is_queued_then_imported_by_the_worker(
    upload: Upload, worker: Callable[[], None], shared_data: Path
) -> None:
    content = (shared_data / "logs" / "receipt.xes").read_bytes()
    dataset = upload("receipt.xes", content, name="Receipts")
    assert dataset.status == Status.PENDING
    job = DBTaskResult.objects.get(pk=dataset.job_id)
    assert job.task_path.endswith("import_dataset")
    assert not dataset.parquet_path.exists()

    worker()

    dataset.refresh_from_db()
    expected = read_xes(shared_data / "logs" / "receipt.xes")
    assert (dataset.status, dataset.progress) == (Status.READY, 1.0)
    assert (dataset.events, dataset.cases) == (expected.event_count, expected.case_count)
    assert services.load_log(dataset).events.equals(expected.events)
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"
    # The upload itself is not kept once the Parquet log holds it.
    assert [p.name for p in dataset.folder.iterdir()] == ["events.parquet"]


def test_gzip_xes_and_parquet_import(
    upload: Upload, worker: Callable[[], None], shared_data: Path, tmp_path: Path
) -> None:
    raw = (shared_data / "logs" / "receipt.xes").read_bytes()
    zipped = upload("r.xes.gz", gzip.compress(raw))
    worker()
    zipped.refresh_from_db()
    assert zipped.status == Status.READY
    log = services.load_log(zipped)

    write_parquet(log, tmp_path / "r.parquet")
    parquet = upload("r.parquet", (tmp_path / "r.parquet").read_bytes())
    worker()
    parquet.refresh_from_db()
    assert parquet.status == Status.READY
    columns = sorted(log.events.columns)
    assert services.load_log(parquet).events.select(columns).equals(log.events.select(columns))


def test_csv_waits_for_its_mapping_then_imports_with_it(
    upload: Upload, worker: Callable[[], None], org: object
) -> None:
    dataset = upload("log.csv", RECEIPT_CSV.replace("case_id", "报销编码"))
    assert dataset.status == Status.PENDING and not dataset.job_id
    shown = services.preview(dataset)
    assert shown.missing == ["case"]
    assert shown.columns[:2] == ["报销编码", "activity"]
    services.confirm_mapping(
        org.pmo.user,
        dataset,
        {"case": "报销编码", "timezone": "Asia/Shanghai"},  # type: ignore[attr-defined]
    )
    worker()
    dataset.refresh_from_db()
    assert dataset.status == Status.READY
    assert (dataset.events, dataset.cases) == (5, 2)
    log = services.load_log(dataset)
    first = log.events.row(0, named=True)
    # 09:00 in Shanghai is 01:00 UTC.
    assert first["timestamp"].hour == 1
    assert set(log.events["department"]) == {"Sales", "Finance"}


def test_a_truncated_xes_fails_with_where_and_leaves_no_log(
    upload: Upload, worker: Callable[[], None], shared_data: Path
) -> None:
    content = (shared_data / "logs" / "receipt.xes").read_bytes()
    dataset = upload("cut.xes", content[: len(content) // 2])
    worker()
    dataset.refresh_from_db()
    assert dataset.status == Status.FAILED
    assert "cut.xes" in dataset.error and "line" in dataset.error
    assert str(dataset.folder) not in dataset.error  # the user's file name, not the server path
    assert not dataset.parquet_path.exists()
    assert not list(dataset.folder.glob("*.part"))
    assert (dataset.events, dataset.cases) == (0, 0)


def test_csv_rows_skipped_are_reported_with_examples(
    upload: Upload, worker: Callable[[], None]
) -> None:
    bad = RECEIPT_CSV + "c3,Submit,not a time,Ann,Sales\nc3,Approve,,Bob,Finance\n"
    dataset = upload("bad.csv", bad, mapping={})
    worker()
    dataset.refresh_from_db()
    assert dataset.status == Status.READY
    skipped = dataset.import_report["skipped"]
    assert sum(entry["count"] for entry in skipped) == 2
    assert any("not a time" in " ".join(entry["examples"]) for entry in skipped)


def test_a_deleted_dataset_job_does_nothing(upload: Upload, worker: Callable[[], None]) -> None:
    dataset = upload("receipt.csv", RECEIPT_CSV, mapping={})
    folder = dataset.folder
    Dataset.objects.filter(pk=dataset.pk).delete()
    worker()
    assert DBTaskResult.objects.get(pk=dataset.job_id).status == "SUCCESSFUL"
    assert not (folder / "events.parquet").exists()


def test_the_job_writes_its_progress_as_the_reader_goes(
    upload: Upload,
    worker: Callable[[], None],
    shared_data: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[float] = []
    real_set = importing.ProgressWriter.set

    def recording_set(self: importing.ProgressWriter, value: float) -> None:
        real_set(self, value)
        # What a polling page would read at this moment.
        seen.append(Dataset.objects.get(pk=self.dataset_id).progress)

    monkeypatch.setattr(importing.ProgressWriter, "set", recording_set)
    upload("receipt.xes", (shared_data / "logs" / "receipt.xes").read_bytes())
    worker()
    # How often the reader calls back is the reader's; each call that moves the bar
    # by 1 % or more reaches the row before the log is written.
    assert seen and seen == sorted(seen)
    assert seen[0] > 0 and seen[-1] == pytest.approx(importing.READ_SHARE)


def test_progress_writer_throttles(upload: Upload) -> None:
    dataset = upload("a.csv", RECEIPT_CSV)
    writer = importing.ProgressWriter(dataset.pk)
    writer(1, 1000)
    dataset.refresh_from_db()
    assert dataset.progress == 0.0  # 0.1 % is below the step
    writer(500, 1000)
    dataset.refresh_from_db()
    assert dataset.progress == pytest.approx(0.45)
