"""The worker beside the web server: `flowbridge serve` starts it unless told --no-worker."""

from __future__ import annotations

import signal
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks.signals import task_finished

from flowbridge.cli import COMMANDS
from flowbridge.core.jobs import start_in_thread
from flowbridge.core.management.commands.serve import Command as Serve
from flowbridge.diagnosis.models import Status
from tests.diagnosis.conftest import RECEIPT_CSV, Upload


def test_serve_runs_the_worker_unless_told_not_to() -> None:
    parser = Serve().create_parser("flowbridge", "serve")
    assert parser.parse_args([]).no_worker is False
    assert parser.parse_args(["--no-worker", "--port", "9000"]).no_worker is True
    assert "--no-worker" in parser.format_help()


@pytest.mark.postgres  # separate connections in threads need a real server, not in-memory SQLite
@pytest.mark.django_db(transaction=True)
def test_the_worker_thread_runs_jobs_as_they_come(upload: Upload) -> None:
    finished = threading.Event()

    def on_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
        finished.set()

    task_finished.connect(on_finished)
    background = start_in_thread(interval=0.05)
    try:
        dataset = upload("a.csv", RECEIPT_CSV, mapping={})
        assert finished.wait(timeout=60), "the worker thread ran no job"
    finally:
        background.stop()
        task_finished.disconnect(on_finished)
    assert not background.thread.is_alive()
    dataset.refresh_from_db()
    assert (dataset.status, dataset.cases) == (Status.READY, 2)


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_queued_imports(upload: Upload) -> None:
    """`flowbridge worker` is django-tasks-db's db_worker; one batch runs what is queued."""
    dataset = upload("a.csv", RECEIPT_CSV, mapping={})
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(
            COMMANDS["worker"][0], batch=True, startup_delay=False, reload=False, verbosity=0
        )
    finally:
        for number, handler in handlers.items():  # the command installs its own
            signal.signal(number, handler)
    dataset.refresh_from_db()
    assert (dataset.status, dataset.events) == (Status.READY, 5)
