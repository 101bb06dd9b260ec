"""Event-log export: XES and CSV written as the database holds them, and read back by PM4Py.

PM4Py is a test-only dependency (AGPL): it is the independent reader that
proves the files are what process-mining tools expect.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from flowbridge.cases import export, operations, services
from flowbridge.cases.models import Case, CaseEvent, CaseStatus
from flowbridge.core.clock import ManualClock
from flowbridge.core.errors import InvalidInput, NotAllowed
from flowbridge.processes.models import ProcessDefinition
from tests.cases import bpmn
from tests.cases.conftest import Org, holders, item_for
from tests.conftest import skip_or_fail

XES = "{http://www.xes-standard.org/}"
Deploy = Callable[..., ProcessDefinition]


def flow(deployed: Deploy) -> ProcessDefinition:
    return deployed(
        bpmn.chain(
            bpmn.approval("head", "部门负责人审批", "head:requester"),
            bpmn.approval("joint", "会签", "person:E003;person:E006", mode="countersign"),
            bpmn.task("pay", "付款", "person:E004"),
            fields=("amount:money:r",),
        ),
        key="expense",
    )


def run_cases(org: Org, clock: ManualClock, count: int) -> list[Case]:
    """``count`` requests ending every way: approved, rejected, countersign refused, returned."""
    cases = []
    for i in range(count):
        case = services.start_case(org.requester.user, "expense", {"amount": str(100 + i)})
        clock.advance(timedelta(minutes=30))
        how = i % 4
        if how == 1:
            item = item_for(case, org.sales_head)
            services.decide(org.sales_head.user, item.pk, "rejected", comment="no budget")
            cases.append(case)
            continue
        services.decide(org.sales_head.user, item_for(case, org.sales_head).pk, "approved")
        clock.advance(timedelta(hours=1))
        if how == 2:
            services.decide(org.finance_head.user, item_for(case, org.finance_head).pk, "approved")
            services.decide(org.gm.user, item_for(case, org.gm).pk, "rejected", comment="later")
            cases.append(case)
            continue
        if how == 3:
            item = item_for(case, org.finance_head)
            operations.return_to(org.finance_head.user, item.pk, "requester", comment="receipt?")
            clock.advance(timedelta(hours=2))
            fix = item_for(case, org.requester)
            operations.resubmit(org.requester.user, fix.pk, {"amount": "99"}, comment="here")
            assert holders(case) == ["E003", "E006"]  # the countersign that returned it
        for person in (org.finance_head, org.gm):
            services.decide(person.user, item_for(case, person).pk, "approved")
            clock.advance(timedelta(minutes=20))
        services.decide(org.liaison1.user, item_for(case, org.liaison1).pk, "done")
        clock.advance(timedelta(hours=3))
        cases.append(case)
    return cases


def pm4py_module() -> Any:
    try:
        import pm4py  # type: ignore[import-untyped]
    except ImportError:
        skip_or_fail("pm4py is not installed (pip install -e '.[dev]')")
    return pm4py


def test_pm4py_reads_the_same_log_as_the_database(
    org: Org, deployed: Deploy, clock: ManualClock, tmp_path: Path
) -> None:
    pm4py = pm4py_module()
    flow(deployed)
    cases = run_cases(org, clock, 24)
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert statuses == {CaseStatus.COMPLETED: 12, CaseStatus.REJECTED: 12}
    assert CaseEvent.objects.filter(operation="return").exists()
    database = Counter(CaseEvent.objects.values_list("activity", flat=True))
    total = sum(database.values())

    rows = export.events(export.Selection(process="expense"))
    xes_path = tmp_path / "log.xes"
    xes_path.write_bytes(b"".join(export.events_xes(rows)))
    csv_path = tmp_path / "log.csv"
    csv_path.write_text("".join(export.events_csv(rows)), encoding="utf-8")

    # pandas and pm4py announce their own deprecations; they are not ours to fix.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pandas as pd

        log = pm4py.read_xes(str(xes_path))
        frame = pm4py.format_dataframe(
            pd.read_csv(csv_path, dtype=str),
            case_id="case_id",
            activity_key="activity",
            timestamp_key="timestamp",
        )
    for read in (log, frame):
        assert len(read) == total
        assert read["case:concept:name"].nunique() == len(cases)
        assert Counter(read["concept:name"].tolist()) == database
    assert Counter(log["lifecycle:transition"].tolist()) == Counter(
        CaseEvent.objects.values_list("lifecycle", flat=True)
    )
    first = cases[0]
    trace = log[log["case:concept:name"] == first.reference]
    assert set(trace["case:process"]) == {"expense"}
    assert set(trace["case:status"]) == {"completed"}
    resources = set(trace["org:resource"].dropna())
    assert {"E001", "E002", "E003", "E006", "E004"} <= resources
    assert "sales" in set(trace["org:group"].dropna())


def test_xes_is_one_trace_per_case_in_time_order(
    org: Org, deployed: Deploy, clock: ManualClock
) -> None:
    flow(deployed)
    cases = run_cases(org, clock, 4)
    data = b"".join(export.events_xes(export.events(export.Selection())))
    root = etree.fromstring(data)
    assert root.get("xes.version") == "1849-2016"
    prefixes = {e.get("prefix") for e in root.findall(f"{XES}extension")}
    assert prefixes == {"concept", "time", "lifecycle", "org"}
    traces = root.findall(f"{XES}trace")
    names = [t.find(f"{XES}string[@key='concept:name']").get("value") for t in traces]
    assert names == [c.reference for c in cases]
    for trace, case in zip(traces, cases, strict=True):
        stamps = [e.find(f"{XES}date").get("value") for e in trace.findall(f"{XES}event")]
        assert stamps == sorted(stamps) and len(stamps) == case.events.count()
        assert all(s.endswith("+08:00") for s in stamps)
        version = trace.find(f"{XES}int[@key='version']")
        assert version is not None and version.get("value") == "1"


def test_csv_columns_and_values(org: Org, deployed: Deploy, clock: ManualClock) -> None:
    flow(deployed)
    case = run_cases(org, clock, 2)[1]  # rejected at the first step
    lines = list(export.events_csv(export.events(export.Selection(process="expense"))))
    rows = list(csv.DictReader(io.StringIO("".join(lines))))
    assert list(rows[0]) == list(export.CSV_COLUMNS)
    mine = [r for r in rows if r["case_id"] == case.reference]
    reject = next(r for r in mine if r["operation"] == "reject")
    assert reject["activity"] == "部门负责人审批" and reject["lifecycle"] == "complete"
    assert reject["resource"] == "E002" and reject["department"] == "sales"
    assert reject["process"] == "expense" and reject["version"] == "1"
    assert json.loads(reject["attributes"]) == {"comment": "no budget", "decision": "rejected"}
    assert reject["timestamp"].startswith("2026-03-02T") and reject["timestamp"].endswith("+08:00")


def test_selection_by_dates_lifecycle_and_version(
    org: Org, deployed: Deploy, clock: ManualClock
) -> None:
    flow(deployed)
    run_cases(org, clock, 2)
    clock.advance(timedelta(days=3))
    run_cases(org, clock, 2)
    every = export.events(export.Selection(process="expense"))
    first_day = export.events(export.Selection(since=date(2026, 3, 2), until=date(2026, 3, 2)))
    later = export.events(export.Selection(since=date(2026, 3, 3)))
    assert first_day.count() + later.count() == every.count() > 0
    assert first_day.count() > 0 and later.count() > 0
    done = export.events(export.Selection(lifecycles=("complete",)))
    assert set(done.values_list("lifecycle", flat=True)) == {"complete"}
    assert export.events(export.Selection(process="expense", version=2)).count() == 0
    with pytest.raises(InvalidInput) as bad:
        export.lifecycles_from("complete,finish")
    assert bad.value.problems[0].where == "lifecycle"
    with pytest.raises(InvalidInput):
        export.events(export.Selection(since=date(2026, 3, 5), until=date(2026, 3, 1)))


def test_only_the_office_management_and_auditors_export(org: Org) -> None:
    for person in (org.pmo, org.gm):
        export.require_exporter(person.user)
    for person in (org.requester, org.sales_head, org.finance_head):
        with pytest.raises(NotAllowed):
            export.require_exporter(person.user)


def test_an_empty_selection_is_a_valid_empty_log(org: Org) -> None:
    data = b"".join(export.events_xes(export.events(export.Selection())))
    root = etree.fromstring(data)
    assert root.findall(f"{XES}trace") == []
    assert list(export.events_csv(CaseEvent.objects.none())) == [
        ",".join(export.CSV_COLUMNS) + "\r\n"
    ]


def test_pm4py_stays_a_test_dependency() -> None:
    """PM4Py is AGPL: the product never imports it, only these tests do."""
    source = Path(export.__file__).resolve().parents[1]
    offenders = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if "pm4py" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_export_reads_in_a_fixed_number_of_queries(
    org: Org, deployed: Deploy, clock: ManualClock
) -> None:
    flow(deployed)

    def queries_for_export() -> int:
        rows = export.events(export.Selection(process="expense"))
        with CaptureQueriesContext(connection) as captured:
            xes = b"".join(export.events_xes(rows))
            lines = list(export.events_csv(rows))
        assert xes.count(b"<event>") == len(lines) - 1 == CaseEvent.objects.count()
        return len(captured)

    run_cases(org, clock, 2)
    few = queries_for_export()
    run_cases(org, clock, 6)
    assert queries_for_export() == few
