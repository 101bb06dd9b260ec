"""Datasets of Flowbridge's own processes: built from the case event log, refreshed on demand."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from flowbridge.cases.models import Case, CaseEvent
from flowbridge.core.clock import ManualClock
from flowbridge.core.errors import NotAllowed
from flowbridge.diagnosis import services
from flowbridge.diagnosis.engine_log import engine_log, processes_with_cases
from flowbridge.diagnosis.models import Dataset, Source, Status
from flowbridge.mining import dfg, rework_per_activity
from tests.cases.conftest import Org
from tests.cases.test_export import Deploy, flow, run_cases

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


def test_the_engine_log_has_one_event_per_step_done_with_outcome(
    org: Org, deployed: Deploy, clock: ManualClock
) -> None:
    process = flow(deployed)
    cases = run_cases(org, clock, 4)
    log = engine_log(process)
    events = log.events
    assert log.case_count == 4
    assert set(events["case"]) == {c.reference for c in cases}
    wanted = CaseEvent.objects.filter(case__definition=process).exclude(
        lifecycle__in=("assign", "reassign", "note")
    )
    assert log.event_count == wanted.count()
    assert not set(events["lifecycle"]) & {"assign", "reassign", "note"}
    rejected = events.filter(pl.col("operation") == "reject")
    assert rejected.height >= 1
    assert set(rejected["outcome"]) <= {"rejected"}
    head = events.filter(pl.col("activity") == "部门负责人审批")
    assert set(head["resource"].drop_nulls()) == {"李四"}
    assert set(head["department"].drop_nulls()) == {"销售部"}
    # The approval chain shows as directly-follows edges.
    edges = dfg(log)
    pairs = set(zip(edges["source"], edges["target"], strict=True))
    assert ("部门负责人审批", "会签") in pairs
    # Each event names its step; the approvals of one countersign step are one instance, so
    # the countersign is not taken for rework.
    countersign = events.filter(pl.col("activity") == "会签", pl.col("operation") == "approve")
    per_step = countersign.group_by("case", "concept:instance").len()
    assert per_step["len"].max() > 1  # several people approved one step
    steps = {
        (e.case.reference, e.step_id)
        for e in wanted.filter(activity="会签", operation="approve").select_related("case")
    }
    assert set(per_step.select("case", "concept:instance").iter_rows()) == steps
    # Only a countersign step opened again (returned and resubmitted) is rework.
    steps_per_case: dict[int, set[int | None]] = {}
    for reference, step in wanted.filter(activity="会签").values_list("case__id", "step_id"):
        steps_per_case.setdefault(reference, set()).add(step)
    reopened = sum(1 for steps in steps_per_case.values() if len(steps) > 1)
    rework = dict(rework_per_activity(log).select("activity", "cases").iter_rows())
    assert rework.get("会签", 0) == reopened
    # Without instances every case with several approvals on one step would count.
    assert per_step.filter(pl.col("len") > 1)["case"].n_unique() > reopened


def test_process_office_builds_and_refreshes_by_a_job(
    org: Org, deployed: Deploy, clock: ManualClock, worker: Callable[[], None]
) -> None:
    process = flow(deployed)
    run_cases(org, clock, 2)
    assert processes_with_cases() == [process]
    client = Client()
    client.force_login(org.pmo.user)
    page = client.get(reverse("diagnosis:list")).content.decode()
    assert 'data-process="expense"' in page
    response = client.post(reverse("diagnosis:refresh", args=[process.pk]))
    dataset = Dataset.objects.get(source=Source.ENGINE, process=process)
    assert response["Location"] == reverse("diagnosis:job", args=[dataset.pk])
    assert dataset.department == process.owner
    worker()
    dataset.refresh_from_db()
    assert (dataset.status, dataset.cases) == (Status.READY, 2)
    # More requests, then a refresh: the same dataset, rebuilt.
    run_cases(org, clock, 3)
    services.refresh_engine(org.pmo.user, process)
    worker()
    dataset.refresh_from_db()
    assert (dataset.status, dataset.cases) == (Status.READY, Case.objects.count())
    assert Dataset.objects.filter(source=Source.ENGINE).count() == 1
    assert services.load_log(dataset).case_count == 5


def test_only_the_process_office_builds_engine_datasets(
    org: Org, deployed: Deploy, clock: ManualClock
) -> None:
    process = flow(deployed)
    run_cases(org, clock, 1)
    with pytest.raises(NotAllowed):
        services.refresh_engine(org.gm.user, process)
    client = Client()
    client.force_login(org.sales_head.user)
    assert client.post(reverse("diagnosis:refresh", args=[process.pk])).status_code == 403
    assert 'data-process="expense"' not in client.get(reverse("diagnosis:list")).content.decode()


def test_refresh_logs_command_builds_every_process_now(
    org: Org, deployed: Deploy, clock: ManualClock
) -> None:
    flow(deployed)
    run_cases(org, clock, 3)
    out = StringIO()
    call_command("refresh_engine_logs", stdout=out)
    dataset = Dataset.objects.get(source=Source.ENGINE)
    assert (dataset.status, dataset.cases, dataset.job_id) == (Status.READY, 3, "")
    assert out.getvalue().startswith(f"expense: {dataset.events} events, 3 cases")
    call_command("refresh_engine_logs", "expense", stdout=StringIO())
    assert Dataset.objects.count() == 1


def test_a_queued_rebuild_is_not_queued_twice(
    org: Org, deployed: Deploy, clock: ManualClock
) -> None:
    process = flow(deployed)
    run_cases(org, clock, 1)
    first = services.refresh_engine(org.pmo.user, process)
    again = services.refresh_engine(org.pmo.user, process)
    assert again.job_id == first.job_id
    assert DBTaskResult.objects.count() == 1
