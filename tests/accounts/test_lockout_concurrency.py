"""Concurrent failed sign-ins are all counted and lock exactly once (PostgreSQL row locks)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from flowbridge.accounts import services
from flowbridge.accounts.models import SignInThrottle
from flowbridge.core.clock import ManualClock
from flowbridge.core.models import AuditEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _fail(username: str) -> None:
    try:
        services.record_failure(username)
    finally:
        connection.close()  # each worker thread has its own connection


def test_parallel_failures_are_counted_exactly(clock: ManualClock) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(_fail, ["mallory"] * 24))
    row = SignInThrottle.objects.get(username="mallory")
    assert row.failures == 24
    assert row.locked_until is not None
    assert AuditEntry.objects.filter(action="accounts.sign_in.lock").count() == 1
