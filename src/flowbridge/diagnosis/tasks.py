"""Background jobs of diagnosis, run by the django-tasks database worker.

Each job takes a dataset id (JSON-serialisable, so the job row is plain
data) and does its work through :mod:`flowbridge.diagnosis.importing`,
which writes the progress the job page shows.
"""

from __future__ import annotations

from django_tasks import task

from flowbridge.diagnosis import importing
from flowbridge.diagnosis.engine_log import engine_log
from flowbridge.diagnosis.models import Dataset
from flowbridge.mining import EventLog, LogError

QUEUE = "default"


@task(queue_name=QUEUE)
def import_dataset(dataset_id: int) -> str:
    """Read an uploaded file into the dataset's Parquet log."""
    return importing.run(dataset_id, importing.build_from_upload)


def build_from_engine(dataset: Dataset, progress: importing.ProgressWriter) -> EventLog:
    """The log of the dataset's process, from its requests' events."""
    if dataset.process is None:
        raise LogError("the dataset names no process", where="process")
    return engine_log(dataset.process, progress=progress)


@task(queue_name=QUEUE)
def refresh_engine_dataset(dataset_id: int) -> str:
    """Rebuild an engine dataset from the requests of its process."""
    return importing.run(dataset_id, build_from_engine)
