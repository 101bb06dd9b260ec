"""The import job's body: read the stored file with the mining library, keep it as Parquet.

The job writes its own progress (the readers call back with bytes read).
The log goes to a temporary file in the dataset's folder that is renamed
onto ``events.parquet`` only after the whole read and write succeeded, so a
failed or interrupted import leaves no half-written log: the dataset says
"failed", with the reader's message, where, and the first examples.
"""

from __future__ import annotations

import importlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from flowbridge.core import clock
from flowbridge.diagnosis.models import Dataset, Status
from flowbridge.mining import EventLog, ImportReport, LogError, read_csv, read_parquet, read_xes

logger = logging.getLogger(__name__)

# Share of the bar the read takes; the rest is writing the Parquet file.
READ_SHARE = 0.9
# Write progress to the database only when it moved this much (a 3 GB read calls back often).
PROGRESS_STEP = 0.01
CSV_ROLES = ("case", "activity", "timestamp", "start_timestamp", "resource", "department")


def report_json(report: ImportReport) -> dict[str, Any]:
    """The reader's report as JSON for the dataset row and the API."""

    def entries(items: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"reason": e.reason, "count": e.count, "examples": list(e.examples)}
            for e in items.values()
        ]

    return {
        "rows_read": report.rows_read,
        "rows_kept": report.rows_kept,
        "skipped": entries(report.skipped),
        "notes": entries(report.notes),
    }


def error_text(error: LogError) -> str:
    """What went wrong, where, and the first examples: the text shown on the job page."""
    return str(error)


class ProgressWriter:
    """Turns a reader's ``(done, total)`` callbacks into a few progress updates of the row."""

    def __init__(self, dataset_id: int, share: float = READ_SHARE) -> None:
        self.dataset_id = dataset_id
        self.share = share
        self.written = 0.0

    def __call__(self, done: int, total: int) -> None:
        value = self.share * (done / total if total else 1.0)
        if value - self.written >= PROGRESS_STEP:
            self.set(value)

    def set(self, value: float) -> None:
        self.written = value
        Dataset.objects.filter(pk=self.dataset_id).update(progress=min(value, 1.0))


def read_upload(
    path: Path, mapping: dict[str, Any], progress: Callable[[int, int], None]
) -> EventLog:
    """The event log in the uploaded file, read as ``mapping`` says (format, columns, zone)."""
    kind = mapping.get("format", "")
    zone = mapping.get("timezone") or "UTC"
    if kind in ("xes", "xes.gz"):
        return read_xes(path, progress=progress)
    columns = {role: mapping.get(role) or None for role in CSV_ROLES}
    if kind == "csv":
        return read_csv(path, timezone=zone, progress=progress, **columns)
    if kind == "parquet":
        return read_parquet(path, timezone=zone, **columns)
    if kind == "ocel":
        ocel = ocel_module()
        if ocel is None:
            raise LogError(_("OCEL files cannot be read by this installation yet."))
        log: EventLog = ocel.read_ocel(
            path, object_type=mapping.get("object_type", ""), progress=progress
        )
        return log
    raise LogError(_("Unknown file format %(format)r.") % {"format": kind}, where="format")


def ocel_module() -> Any:
    """``flowbridge.mining.ocel`` when this installation has it, else None."""
    try:
        return importlib.import_module("flowbridge.mining.ocel")
    except ImportError:
        return None


def store(dataset: Dataset, log: EventLog) -> None:
    """Write ``log`` as the dataset's Parquet file: a temporary file first, renamed on success."""
    folder = dataset.folder
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix="events-", suffix=".parquet.part")
    os.close(handle)
    try:
        log.events.write_parquet(temporary)
        os.replace(temporary, dataset.parquet_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def finish(dataset: Dataset, log: EventLog) -> None:
    """Keep ``log`` for ``dataset`` and mark it ready."""
    store(dataset, log)
    Dataset.objects.filter(pk=dataset.pk).update(
        status=Status.READY,
        progress=1.0,
        error="",
        events=log.event_count,
        cases=log.case_count,
        import_report=report_json(log.report),
        finished_at=clock.now(),
    )


def fail(dataset: Dataset, message: str, report: dict[str, Any] | None = None) -> None:
    """Mark ``dataset`` failed with ``message``; no log of it is kept."""
    dataset.parquet_path.unlink(missing_ok=True)
    Dataset.objects.filter(pk=dataset.pk).update(
        status=Status.FAILED,
        error=message,
        import_report=report or {},
        events=0,
        cases=0,
        finished_at=clock.now(),
    )


def begin(dataset_id: int) -> Dataset | None:
    """Claim a pending dataset for importing; None when it is gone or not pending."""
    claimed = Dataset.objects.filter(pk=dataset_id, status=Status.PENDING).update(
        status=Status.IMPORTING, progress=0.0, error="", started_at=clock.now()
    )
    if not claimed:
        return None
    return Dataset.objects.get(pk=dataset_id)


def run(dataset_id: int, build: Callable[[Dataset, ProgressWriter], EventLog]) -> str:
    """Import dataset ``dataset_id`` with ``build`` (reads its file or the engine's log).

    Returns the final status. A :class:`LogError` fails the dataset with its
    message; anything else fails it with a short message and is re-raised so
    the job's own record keeps the traceback for the operator.
    """
    dataset = begin(dataset_id)
    if dataset is None:
        return "skipped"
    progress = ProgressWriter(dataset.pk)
    try:
        log = build(dataset, progress)
        if log.event_count == 0:
            raise LogError(_("The log holds no event."))
        finish(dataset, log)
    except LogError as error:
        fail(dataset, error_text(error))
        return Status.FAILED
    except Exception as error:
        logger.exception("import of dataset %s failed", dataset_id)
        fail(dataset, _("The import stopped unexpectedly: %(error)s") % {"error": error})
        raise
    if dataset.upload_path:
        # The Parquet file now holds the log; the upload (maybe gigabytes) is not kept.
        (dataset.folder / Path(dataset.upload_path).name).unlink(missing_ok=True)
        Dataset.objects.filter(pk=dataset.pk).update(upload_path="")
    return Status.READY


def build_from_upload(dataset: Dataset, progress: ProgressWriter) -> EventLog:
    """The log in the dataset's uploaded file."""
    path = dataset.folder / Path(dataset.upload_path).name
    if not dataset.upload_path or not path.is_file():
        raise LogError(_("The uploaded file is no longer there."), where=dataset.original_filename)
    try:
        return read_upload(path, dataset.mapping, progress)
    except LogError as error:
        # Say the user's file name, not where the server keeps it.
        name = dataset.original_filename or path.name
        error.where = error.where.replace(str(path), name)
        error.message = error.message.replace(str(path), name)
        raise
