"""Background jobs (imports now; timers, reminders and notifications later): django-tasks-db's
worker, in its own process or beside the web server.

``flowbridge worker`` is django-tasks-db's ``db_worker`` command (a separate
process; on PostgreSQL any number of them claim jobs with SKIP LOCKED).
``flowbridge serve`` also starts :func:`start_in_thread` unless told
``--no-worker``, so the embedded set-up needs no second command. Tests call
:func:`run_pending` to run the queued jobs with the same worker code.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import OperationalError, close_old_connections, connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

QUEUES = ["*"]
logger = logging.getLogger(__name__)


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


class Background:
    """A worker running in a daemon thread of this process."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.worker = _worker(batch=False, interval=interval, prefix="serve")
        self.thread = threading.Thread(target=self._run, name="flowbridge-worker", daemon=True)

    def _run(self) -> None:
        # A database that is briefly locked or unreachable must not end the web server's
        # only worker for good: wait, then poll again (a separate `flowbridge worker`
        # process is restarted by its supervisor instead).
        try:
            while self.worker.running:
                try:
                    self.worker.run()
                except OperationalError as error:
                    logger.warning("background worker: %s; retrying", error)
                    close_old_connections()
                    time.sleep(self.interval)
        finally:
            connections.close_all()  # this thread's own connections

    def stop(self, timeout: float = 30.0) -> None:
        """Let the current job finish, then end the loop."""
        self.worker.running = False
        self.thread.join(timeout)


def start_in_thread(interval: float = 1.0) -> Background:
    """Run jobs as they come in a daemon thread, for as long as the process lives."""
    background = Background(interval)
    background.thread.start()
    return background
