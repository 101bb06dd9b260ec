"""The diagnosis API: datasets (list, upload, get, delete), their import job, engine refresh.

Errors answer as everywhere else (``{"detail", "problems": [{"where", "message"}]}``):
a dataset the caller may not see is a 404, an action they may not take a 403.
An upload answers 202 with the dataset; poll ``/datasets/{id}/job`` until
``status`` is ``ready`` or ``failed``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from flowbridge.core.errors import NotFound
from flowbridge.core.permissions import visible
from flowbridge.diagnosis import services
from flowbridge.diagnosis.models import Dataset
from flowbridge.diagnosis.views import status_json, temporary_path
from flowbridge.processes.models import ProcessDefinition

router = Router(tags=["diagnosis"])


class DatasetOut(Schema):
    id: int
    name: str
    source: str
    process: str | None
    status: str
    progress: float
    error: str
    events: int
    cases: int
    original_filename: str
    mapping: dict[str, Any]
    import_report: dict[str, Any]
    created_at: datetime


class JobOut(Schema):
    id: int
    status: str
    status_label: str
    progress: float
    error: str
    events: int
    cases: int
    report: dict[str, Any]
    needs_mapping: bool


def _actor(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or request.user


def _out(d: Dataset) -> DatasetOut:
    return DatasetOut(
        id=d.pk,
        name=d.name,
        source=d.source,
        process=d.process.key if d.process else None,
        status=d.status,
        progress=d.progress,
        error=d.error,
        events=d.events,
        cases=d.cases,
        original_filename=d.original_filename,
        mapping=d.mapping,
        import_report=d.import_report,
        created_at=d.created_at,
    )


@router.get("/datasets", response=list[DatasetOut], url_name="dataset_list")
def list_datasets(request: HttpRequest) -> list[DatasetOut]:
    rows = visible(_actor(request), Dataset.objects.select_related("process"))
    return [_out(d) for d in rows]


@router.post("/datasets", response={202: DatasetOut}, url_name="dataset_create")
def create_dataset(
    request: HttpRequest,
    file: File[UploadedFile],
    name: Form[str] = "",
    case: Form[str] = "",
    activity: Form[str] = "",
    timestamp: Form[str] = "",
    start_timestamp: Form[str] = "",
    resource: Form[str] = "",
    department: Form[str] = "",
    timezone: Form[str] = "",
    object_type: Form[str] = "",
) -> Status[DatasetOut]:
    """Upload a log; CSV columns (and OCEL's object type) in the same request start its import.

    CSV columns left empty are found by their usual names (``case_id``,
    ``activity``, ``timestamp``, ...).
    """
    given = {
        "case": case,
        "activity": activity,
        "timestamp": timestamp,
        "start_timestamp": start_timestamp,
        "resource": resource,
        "department": department,
        "timezone": timezone,
        "object_type": object_type,
    }
    dataset = services.create_upload(
        _actor(request),
        filename=file.name or "upload",
        chunks=file.chunks(),
        size=file.size or 0,
        name=name,
        mapping={k: v for k, v in given.items() if v},
        move_from=temporary_path(file),
    )
    return Status(202, _out(dataset))


@router.get("/datasets/{dataset_id}", response=DatasetOut, url_name="dataset_detail")
def get_dataset(request: HttpRequest, dataset_id: int) -> DatasetOut:
    return _out(services.get_dataset(_actor(request), dataset_id))


@router.get("/datasets/{dataset_id}/job", response=JobOut, url_name="dataset_job")
def job_status(request: HttpRequest, dataset_id: int) -> dict[str, Any]:
    return status_json(services.get_dataset(_actor(request), dataset_id))


@router.delete("/datasets/{dataset_id}", response={204: None}, url_name="dataset_delete")
def delete_dataset(request: HttpRequest, dataset_id: int) -> Status[None]:
    actor = _actor(request)
    services.delete_dataset(actor, services.get_dataset(actor, dataset_id))
    return Status(204, None)


@router.post(
    "/datasets/engine/{process_key}/refresh",
    response={202: DatasetOut},
    url_name="dataset_refresh",
)
def refresh_engine(request: HttpRequest, process_key: str) -> Status[DatasetOut]:
    """Rebuild (or first build) the dataset of one of Flowbridge's own processes."""
    process = ProcessDefinition.objects.filter(key=process_key).first()
    if process is None:
        raise NotFound(_("No process %(key)s.") % {"key": process_key[:64]})
    return Status(202, _out(services.refresh_engine(_actor(request), process)))
