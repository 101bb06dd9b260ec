"""A saved workflow restores the same whatever order the database gives its tasks back in.

PostgreSQL's jsonb sorts object keys; Spiff rebuilds each task's data from
its parent's in the order of the saved ``tasks`` mapping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from flowbridge.cases import engine, services
from flowbridge.processes.models import ProcessDefinition
from tests.cases import bpmn
from tests.cases.conftest import Org


@pytest.mark.parametrize("order", ["sorted", "reversed"])
def test_task_data_survives_any_order_of_the_saved_tasks(
    org: Org, deployed: Callable[..., ProcessDefinition], order: str
) -> None:
    definition = deployed(bpmn.threshold(50000), key="purchase")
    case = services.start_case(org.requester.user, definition, {"amount": "80000", "risk": "low"})
    state: dict[str, Any] = dict(case.engine_state)
    keys = sorted(state["tasks"]) if order == "sorted" else list(reversed(state["tasks"]))
    state["tasks"] = {key: state["tasks"][key] for key in keys}
    compiled = engine.compile_process(case.version.bpmn_xml, case.version.bpmn_process_id)
    workflow = engine.restore(compiled, state)
    (manager,) = engine.ready_tasks(workflow)
    assert manager.data["amount"] == 80000 and manager.data["requester"] == "E001"
    engine.complete(workflow, manager.id, {"decision": "approved"})
    assert [engine.node_id(t) for t in engine.ready_tasks(workflow)] == ["director"]
