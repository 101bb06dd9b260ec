"""Two deployments of one process at the same moment (real threads, PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from flowbridge.core.clock import ManualClock
from flowbridge.core.errors import Conflict
from flowbridge.processes import services
from flowbridge.processes.models import ProcessVersion
from tests.processes import files
from tests.processes.conftest import People


def _race(people: People, contents: list[bytes]) -> list[str]:
    start = threading.Barrier(len(contents))
    outcomes: list[str] = []

    def deploy(data: bytes) -> None:
        start.wait()
        try:
            version = services.deploy(people.pmo, data, "p.bpmn", key="purchase")
            outcomes.append(f"v{version.number}")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=deploy, args=(data,)) for data in contents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_deploys_number_versions_without_gaps(
    people: People, clock: ManualClock
) -> None:
    services.deploy(people.pmo, files.approval(), "p.bpmn", key="purchase")
    outcomes = _race(people, [files.approval(review_name=n) for n in ("甲", "乙")])
    assert sorted(outcomes) == ["v2", "v3"]
    numbers = ProcessVersion.objects.values_list("number", flat=True).order_by("number")
    assert list(numbers) == [1, 2, 3]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_deploys_make_one_definition(people: People, clock: ManualClock) -> None:
    outcomes = _race(people, [files.approval(review_name=n) for n in ("甲", "乙")])
    assert sorted(outcomes) in (["v1", "v2"], ["conflict", "v1"])
    assert ProcessVersion.objects.filter(number=1).count() == 1
