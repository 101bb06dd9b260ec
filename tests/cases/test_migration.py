"""Moving running requests to a new version: checked, explicit, and all or nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from flowbridge.cases import services
from flowbridge.cases.migration import migrate_case
from flowbridge.cases.models import CaseStatus
from flowbridge.core.errors import InvalidInput, NotAllowed
from flowbridge.processes.models import ProcessDefinition
from flowbridge.processes.services import deploy
from tests.cases import bpmn
from tests.cases.conftest import Org, fresh, holders, item_for

pytestmark = pytest.mark.usefixtures("engine_mode", "english_site")

HEAD = bpmn.approval("head", "负责人审批", "head:requester")
FINANCE = bpmn.approval("finance", "财务审核", "person:E003")
GM = bpmn.approval("gm", "总经理审批", "person:E006")


def test_a_waiting_case_moves_to_a_version_with_a_new_node(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(bpmn.chain(HEAD, FINANCE))
    case = services.start_case(org.requester.user, definition, {})
    services.decide(org.sales_head.user, item_for(case, org.sales_head).pk, "approved")
    deploy(org.pmo.user, bpmn.chain(HEAD, FINANCE, GM).encode(), "v2.bpmn", key="chain")
    assert fresh(case).version.number == 1
    migrate_case(org.pmo.user, case.pk, 2)
    case = fresh(case)
    assert case.version.number == 2 and holders(case) == ["E003"]
    services.decide(org.finance_head.user, item_for(case, org.finance_head).pk, "approved")
    assert holders(case) == ["E006"]  # the node only version 2 has
    services.decide(org.gm.user, item_for(case, org.gm).pk, "approved")
    assert fresh(case).status == CaseStatus.COMPLETED
    moved = case.events.get(operation="migrate")
    assert moved.attributes == {"from_version": 1, "to_version": 2}


def test_a_version_without_the_waiting_node_is_refused_and_nothing_changes(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    definition = deployed(bpmn.chain(HEAD, FINANCE))
    case = services.start_case(org.requester.user, definition, {})
    deploy(org.pmo.user, bpmn.chain(FINANCE, GM).encode(), "v2.bpmn", key="chain")
    revision = fresh(case).revision
    with pytest.raises(InvalidInput) as error:
        migrate_case(org.pmo.user, case.pk, 2)
    assert "head" in {p.where for p in error.value.problems}
    case = fresh(case)
    assert case.version.number == 1 and case.revision == revision
    assert holders(case) == ["E002"]
    with pytest.raises(NotAllowed):
        migrate_case(org.requester.user, case.pk, 2)


def test_the_command_moves_what_can_move_and_names_what_cannot(
    org: Org, deployed: Callable[..., ProcessDefinition]
) -> None:
    from io import StringIO

    from django.core.management import call_command

    definition = deployed(bpmn.chain(HEAD, FINANCE))
    waiting_at_head = services.start_case(org.requester.user, definition, {})
    at_finance = services.start_case(org.requester.user, definition, {})
    services.decide(org.sales_head.user, item_for(at_finance, org.sales_head).pk, "approved")
    # Version 2 drops the finance review: a case waiting there cannot move.
    deploy(org.pmo.user, bpmn.chain(HEAD, GM).encode(), "v2.bpmn", key="chain")
    out = StringIO()
    call_command("migrate_cases", "chain", "--to", "2", "--dry-run", stdout=out)
    assert "1 can move, 1 refused" in out.getvalue()
    assert fresh(waiting_at_head).version.number == 1
    out = StringIO()
    call_command("migrate_cases", "chain", "--to", "2", stdout=out)
    assert f"moved {waiting_at_head.reference}" in out.getvalue()
    assert f"REFUSED {at_finance.reference}" in out.getvalue()
    assert fresh(waiting_at_head).version.number == 2
    assert fresh(at_finance).version.number == 1
    services.decide(org.sales_head.user, item_for(waiting_at_head, org.sales_head).pk, "approved")
    assert holders(waiting_at_head) == ["E006"]
