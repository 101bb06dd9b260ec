"""Query budgets: acting on a request costs the same however long its history is."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flowbridge.cases import services
from flowbridge.processes.models import ProcessDefinition
from tests.cases import bpmn
from tests.cases.conftest import Org, item_for

FIVE = [bpmn.approval(f"s{i}", f"第{i}步", "person:E003") for i in range(1, 6)]


def _queries_per_decision(org: Org, definition: ProcessDefinition) -> list[int]:
    case = services.start_case(org.requester.user, definition, {})
    counts = []
    for _step in range(5):
        item = item_for(case, org.finance_head)
        with CaptureQueriesContext(connection) as queries:
            services.decide(org.finance_head.user, item.pk, "approved")
        counts.append(len(queries))
    return counts


@pytest.mark.usefixtures("engine_mode")
def test_a_decision_has_a_flat_query_budget(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    counts = _queries_per_decision(org, deployed(bpmn.chain(*FIVE)))
    # 16 statements in production (the workflow is in memory there, not in a test transaction);
    # the test adds savepoints and reads the engine state.
    assert max(counts) <= 24
    # The fifth decision of a case costs no more than the first: nothing grows with history.
    assert counts[3] == counts[1]
