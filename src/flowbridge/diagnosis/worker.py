"""Running background jobs: django-tasks-db's worker, in its own process or beside the web server.

``flowbridge worker`` is django-tasks-db's ``db_worker`` command (a separate
process; on PostgreSQL any number of them claim jobs with SKIP LOCKED).
``flowbridge serve`` also starts :func:`start_in_thread` unless told
``--no-worker``, so the embedded set-up needs no second command. Tests call
:func:`run_pending` to run the queued jobs with the same worker code.
"""

from __future__ import annotations

import threading

from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

QUEUES = ["*"]


def _worker(*, batch: bool, interval: float, prefix: str) -> Worker:
    return Worker(
        queue_names=QUEUES,
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"{prefix}-{get_random_string(12)}",
        excluded_queue_names=[],
    )


def run_pending() -> None:
    """Run every job that is ready now, one after another, then return (the worker's batch mode)."""
    _worker(batch=True, interval=0, prefix="batch").run()


def start_in_thread(interval: float = 1.0) -> threading.Thread:
    """A daemon thread that runs jobs as they come, for as long as the process lives."""
    thread = threading.Thread(
        target=_worker(batch=False, interval=interval, prefix="serve").run,
        name="flowbridge-worker",
        daemon=True,
    )
    thread.start()
    return thread
