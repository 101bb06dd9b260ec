"""Every change to a dataset goes through here: upload, map columns, start a job, refresh, delete.

Uploads stream to the dataset's folder in chunks (never whole in memory).
XES and Parquet files start importing at once; CSV and OCEL files wait for
the user to confirm the column mapping (or object type) first. The job
itself lives in :mod:`flowbridge.diagnosis.importing`.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.files.move import file_move_safe
from django.db import transaction
from django.utils.translation import gettext as _

from flowbridge.core import audit, clock
from flowbridge.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, Problem
from flowbridge.core.permissions import Action, Role, principal_for, require, visible
from flowbridge.diagnosis.models import Dataset, Source, Status
from flowbridge.mining import EventLog, LogError
from flowbridge.mining.timestamps import check_timezone
from flowbridge.org.models import Department
from flowbridge.processes.models import ProcessDefinition

# File name endings → reader, longest first.
SUFFIXES = (
    (".xes.gz", "xes.gz"),
    (".xes", "xes"),
    (".csv", "csv"),
    (".txt", "csv"),
    (".parquet", "parquet"),
    (".jsonocel", "ocel"),
    (".xmlocel", "ocel"),
    (".json", "ocel"),
    (".xml", "ocel"),
    (".sqlite", "ocel"),
    (".sqlite3", "ocel"),
    (".db", "ocel"),
)
NEEDS_MAPPING = ("csv", "ocel")
# Who builds the datasets of Flowbridge's own processes (they read every request).
ENGINE_REFRESHERS = (Role.PROCESS_OFFICE,)
MAPPING_ROLES = ("case", "activity", "timestamp", "start_timestamp", "resource", "department")


def load_log(dataset: Dataset) -> EventLog:
    """The imported event log of ``dataset`` (raises ``FileNotFoundError`` before it is ready)."""
    events = pl.read_parquet(dataset.parquet_path)
    return EventLog(events=events, source=dataset.name)


def file_format(filename: str) -> str:
    """The reader for ``filename`` by its ending; :class:`InvalidInput` for anything else."""
    lower = filename.lower()
    for suffix, kind in SUFFIXES:
        if lower.endswith(suffix):
            return kind
    message = _(
        "%(name)s: unknown kind of file; upload XES (.xes, .xes.gz), CSV, Parquet "
        "or OCEL 2.0 (.json, .xml, .sqlite)."
    ) % {"name": filename[:200]}
    raise InvalidInput(message, problems=[Problem(message, where="file")])


def _require(actor: Any, action: Action, obj: Any) -> None:
    if actor is not None:  # None: the system itself (the CLI)
        require(actor, action, obj)


def get_dataset(actor: Any, pk: int) -> Dataset:
    """Dataset ``pk`` if ``actor`` may see it; otherwise :class:`NotFound` (as if absent)."""
    dataset = visible(actor, Dataset.objects.select_related("process")).filter(pk=pk).first()
    if dataset is None:
        raise NotFound(_("No such dataset."))
    return dataset


def upload_path(dataset: Dataset) -> Path:
    return dataset.folder / dataset.upload_path


def _default_department(actor: Any) -> Department | None:
    person = getattr(actor, "person", None) if actor is not None else None
    return getattr(person, "department", None)


def _check_size(size: int, name: str, limit: int | None) -> None:
    if limit is not None and size > limit:
        message = _(
            "%(name)s is %(size)s MB; the largest file this site accepts is %(limit)s MB "
            "(setting FLOWBRIDGE_DIAGNOSIS_MAX_UPLOAD_BYTES)."
        ) % {"name": name[:200], "size": f"{size / 1e6:,.0f}", "limit": f"{limit / 1e6:,.0f}"}
        raise InvalidInput(message, problems=[Problem(message, where="file")])


def _name(name: str, filename: str) -> str:
    name = (name or "").strip() or Path(filename).name
    if len(name) > 200:
        message = _("The name is longer than 200 characters.")
        raise InvalidInput(message, problems=[Problem(message, where="name")])
    return name


def create_upload(
    actor: Any,
    *,
    filename: str,
    chunks: Iterable[bytes],
    size: int,
    name: str = "",
    mapping: Mapping[str, Any] | None = None,
    enqueue: bool = True,
    move_from: Path | None = None,
) -> Dataset:
    """A new dataset from an uploaded file, written to disk chunk by chunk.

    XES and Parquet start importing at once; CSV and OCEL wait for
    :func:`confirm_mapping` unless ``mapping`` is given (the API and CLI
    pass it in one go). ``actor`` None is the system (the CLI, run by the
    operator), which may always; ``enqueue=False`` leaves running the import
    to the caller (the CLI runs it at once). ``move_from`` is a temporary
    file holding the same bytes (Django's for a large upload): it is moved
    rather than copied.
    """
    _require(actor, Action.CHANGE, Dataset)
    kind = file_format(filename)
    # The operator at the command line is not bound by the web upload limit.
    limit = None if actor is None else int(settings.DIAGNOSIS_MAX_UPLOAD_BYTES)
    _check_size(size, filename, limit)
    # The file is written before the transaction: a big upload must not hold the
    # database's write lock (SQLite has one for the whole database) while it copies.
    staging = _staging_path(kind)
    if move_from is not None and move_from.stat().st_size == size and size > 0:
        file_move_safe(str(move_from), str(staging))
    else:
        _write(staging, chunks, filename, limit)
    if kind == "ocel" and _is_xes(staging):
        kind = "xes"  # an XES file named .xml
    folder: Path | None = None
    try:
        with transaction.atomic():
            dataset = Dataset.objects.create(
                name=_name(name, filename),
                source=Source.OCEL if kind == "ocel" else Source.UPLOAD,
                department=_default_department(actor),
                created_by=actor if getattr(actor, "pk", None) else None,
                created_at=clock.now(),
                original_filename=Path(filename).name[:255],
                upload_path="upload." + kind,
                mapping={"format": kind, "timezone": settings.TIME_ZONE},
            )
            folder = dataset.folder
            folder.mkdir(parents=True, exist_ok=True)
            os.replace(staging, upload_path(dataset))
            audit.record(actor, "diagnosis.dataset.upload", dataset, changes={"file": filename})
            if mapping is not None and kind in NEEDS_MAPPING:
                confirm_mapping(actor, dataset, mapping, enqueue=enqueue)
            elif kind not in NEEDS_MAPPING and enqueue:
                _enqueue_import(dataset)
    except BaseException:
        # The row was rolled back: so goes the file.
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        staging.unlink(missing_ok=True)
    return dataset


def _staging_path(kind: str) -> Path:
    """A new file name in the folder where uploads wait for their dataset row."""
    incoming = Path(settings.DIAGNOSIS_ROOT) / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    return incoming / f"{uuid.uuid4().hex}.{kind}"


def _write(path: Path, chunks: Iterable[bytes], filename: str, limit: int | None) -> None:
    """Stream ``chunks`` to ``path``; on any failure, leave no file behind."""
    written = 0
    try:
        with path.open("wb") as handle:
            for chunk in chunks:
                written += len(chunk)
                _check_size(written, filename, limit)
                handle.write(chunk)
        if written == 0:
            message = _("%(name)s is empty.") % {"name": filename[:200]}
            raise InvalidInput(message, problems=[Problem(message, where="file")])
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _is_xes(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096)
    return b"<log" in head and b"xes" in head.lower()


def _enqueue_import(dataset: Dataset) -> None:
    from flowbridge.diagnosis.tasks import import_dataset

    # The job row is written in the same transaction as the dataset: both or neither.
    result = import_dataset.enqueue(dataset.pk)
    Dataset.objects.filter(pk=dataset.pk).update(job_id=str(result.id), status=Status.PENDING)
    dataset.job_id, dataset.status = str(result.id), Status.PENDING


def confirm_mapping(
    actor: Any, dataset: Dataset, mapping: Mapping[str, Any], *, enqueue: bool = True
) -> Dataset:
    """Keep the chosen columns (CSV) or object type (OCEL) and time zone, and start the import."""
    _require(actor, Action.CHANGE, dataset)
    if dataset.status in (Status.IMPORTING, Status.READY) or not dataset.upload_path:
        raise Conflict(_("This dataset has already been imported."))
    kind = dataset.mapping.get("format", "")
    chosen: dict[str, Any] = {"format": kind}
    zone = str(mapping.get("timezone") or settings.TIME_ZONE)
    try:
        chosen["timezone"] = check_timezone(zone)
    except LogError as error:
        raise InvalidInput(
            error.message, problems=[Problem(error.message, where="timezone")]
        ) from error
    if kind == "ocel":
        chosen["object_type"] = _object_type(dataset, str(mapping.get("object_type") or ""))
    else:
        for role in MAPPING_ROLES:
            if value := str(mapping.get(role) or "").strip():
                chosen[role] = value
        _check_columns(dataset, chosen)
    with transaction.atomic():
        Dataset.objects.filter(pk=dataset.pk).update(
            mapping=chosen, status=Status.PENDING, error="", progress=0.0
        )
        dataset.mapping, dataset.status, dataset.error = chosen, Status.PENDING, ""
        if enqueue:
            _enqueue_import(dataset)
        audit.record(actor, "diagnosis.dataset.map", dataset, changes={"mapping": chosen})
    return dataset


def preview(dataset: Dataset, mapping: Mapping[str, Any] | None = None) -> Any:
    """The start of the uploaded CSV and how it would be read (``mining.preview``)."""
    from flowbridge.mining import preview as mining_preview

    columns = {r: (str(v) if (v := (mapping or {}).get(r)) else None) for r in MAPPING_ROLES}
    try:
        return mining_preview(upload_path(dataset), 20, **columns)
    except LogError as error:
        raise InvalidInput(
            error.message, problems=[Problem(error.message, where=error.where or "file")]
        ) from error


def _check_columns(dataset: Dataset, chosen: Mapping[str, Any]) -> None:
    shown = preview(dataset)
    problems = [
        Problem(_("There is no column %(column)r.") % {"column": chosen[role]}, where=role)
        for role in MAPPING_ROLES
        if role in chosen and chosen[role] not in shown.columns
    ]
    found = preview(dataset, chosen) if not problems else None
    if found is not None:
        problems += [
            Problem(_("Choose the column that holds this."), where=role) for role in found.missing
        ]
    if problems:
        raise InvalidInput(_("The column mapping is incomplete."), problems=problems)


def object_types(dataset: Dataset) -> dict[str, int]:
    """Object types of an uploaded OCEL file with their counts (empty if OCEL is unsupported)."""
    from flowbridge.diagnosis.importing import ocel_module

    module = ocel_module()
    if module is None:
        return {}
    try:
        return dict(module.ocel_object_types(upload_path(dataset)))
    except LogError as error:
        raise InvalidInput(
            error.message, problems=[Problem(error.message, where="file")]
        ) from error


def _object_type(dataset: Dataset, chosen: str) -> str:
    types = object_types(dataset)
    if chosen not in types:
        message = _("Choose one of the object types: %(types)s.") % {
            "types": ", ".join(types) or "-"
        }
        raise InvalidInput(message, problems=[Problem(message, where="object_type")])
    return chosen


def refresh_engine(actor: Any, process: ProcessDefinition, *, enqueue: bool = True) -> Dataset:
    """(Re)build the dataset of ``process``'s own requests in the background.

    ``actor`` None is the system (``flowbridge refresh-logs``); with
    ``enqueue=False`` the caller runs the build itself.
    """
    if actor is not None and not principal_for(actor).has(*ENGINE_REFRESHERS):
        raise NotAllowed(_("Only the process office builds the logs of Flowbridge's processes."))
    with transaction.atomic():
        dataset, _created = Dataset.objects.select_for_update().get_or_create(
            source=Source.ENGINE,
            process=process,
            defaults={
                "name": process.name,
                "department": process.owner,
                "created_by": actor if getattr(actor, "pk", None) else None,
                "created_at": clock.now(),
                "mapping": {"format": "engine"},
            },
        )
        if dataset.status == Status.IMPORTING:
            raise Conflict(_("This dataset is being rebuilt already."))
        if enqueue and dataset.status == Status.PENDING and dataset.job_id:
            return dataset  # a rebuild is queued already; one is enough
        job_id = ""
        if enqueue:
            from flowbridge.diagnosis.tasks import refresh_engine_dataset

            job_id = str(refresh_engine_dataset.enqueue(dataset.pk).id)
        Dataset.objects.filter(pk=dataset.pk).update(
            status=Status.PENDING, progress=0.0, error="", job_id=job_id
        )
        dataset.refresh_from_db()
        audit.record(actor, "diagnosis.dataset.refresh", dataset)
    return dataset


def is_stuck(dataset: Dataset) -> bool:
    """Whether an import has run for longer than any should (its worker was likely stopped)."""
    limit = timedelta(minutes=settings.DIAGNOSIS_STUCK_MINUTES)
    started = dataset.started_at
    return dataset.status == Status.IMPORTING and (started is None or clock.now() - started > limit)


def delete_dataset(actor: Any, dataset: Dataset) -> None:
    """Delete ``dataset``, its files and its interview notes."""
    require(actor, Action.CHANGE, dataset)
    if dataset.status == Status.IMPORTING and not is_stuck(dataset):
        raise Conflict(_("Wait until the import has finished, then delete the dataset."))
    folder = dataset.folder
    with transaction.atomic():
        audit.record(actor, "diagnosis.dataset.delete", dataset, changes={"name": dataset.name})
        dataset.delete()
        transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))


def remove_failed(dataset: Dataset) -> None:
    """Remove a dataset whose import failed and its files (the CLI has said why already)."""
    folder = dataset.folder
    dataset.delete()
    shutil.rmtree(folder, ignore_errors=True)
