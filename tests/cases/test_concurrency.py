"""People acting on one request at the same moment (real threads, PostgreSQL row locks)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import translation

from flowbridge.cases import operations, services
from flowbridge.cases.models import Case, CaseEvent, CaseStatus
from flowbridge.core.clock import ManualClock
from flowbridge.core.errors import Conflict, DomainError
from flowbridge.processes.models import ProcessDefinition
from tests.cases import bpmn
from tests.cases.conftest import Org, fresh, item_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("english_site"),
]


def race(*actions: Callable[[], str]) -> list[str]:
    """Run the actions in threads released at once; each says what it did or how it failed."""
    start = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action: Callable[[], str]) -> None:
        start.wait()
        try:
            with translation.override("en"):  # the active language is per thread
                outcomes.append(action())
        except Conflict as error:
            outcomes.append(f"conflict: {error.message}")
        except DomainError as error:
            outcomes.append(f"refused: {error.message}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def doing(
    label: str, function: Callable[..., object], *args: object, **kwargs: object
) -> Callable[[], str]:
    """An action for :func:`race` (arguments bound now, not when the thread runs)."""

    def action() -> str:
        function(*args, **kwargs)
        return label

    return action


def ends(case: Case) -> int:
    return CaseEvent.objects.filter(case=case, operation__in=("end", "withdraw")).count()


def test_two_countersigners_at_once_complete_the_case_once(
    org: Org, deployed: Callable[..., ProcessDefinition], clock: ManualClock
) -> None:
    xml = bpmn.chain(bpmn.approval("joint", "会签", "person:E003;person:E006", mode="countersign"))
    definition = deployed(xml)
    for _ in range(3):
        case = services.start_case(org.requester.user, definition, {})
        first, second = item_for(case, org.finance_head), item_for(case, org.gm)
        outcomes = race(
            doing("approved", services.decide, org.finance_head.user, first.pk, "approved"),
            doing("approved", services.decide, org.gm.user, second.pk, "approved"),
        )
        assert outcomes == ["approved", "approved"]
        case = fresh(case)
        assert case.status == CaseStatus.COMPLETED
        assert ends(case) == 1
        assert case.events.filter(operation="approve").count() == 2


def test_two_liaisons_deciding_an_or_sign_at_once_one_wins(
    org: Org, deployed: Callable[..., ProcessDefinition], clock: ManualClock
) -> None:
    definition = deployed(bpmn.chain(bpmn.approval("finance", "财务审核", "department:finance")))
    for _ in range(3):
        case = services.start_case(org.requester.user, definition, {})
        one, other = item_for(case, org.liaison1), item_for(case, org.liaison2)
        outcomes = race(
            doing("approved", services.decide, org.liaison1.user, one.pk, "approved"),
            doing(
                "rejected", services.decide, org.liaison2.user, other.pk, "rejected", comment="不行"
            ),
        )
        won = [o for o in outcomes if not o.startswith("conflict")]
        lost = [o for o in outcomes if o.startswith("conflict")]
        assert len(won) == 1 and len(lost) == 1, outcomes
        assert "someone else acted first" in lost[0]
        case = fresh(case)
        expected = CaseStatus.COMPLETED if won == ["approved"] else CaseStatus.REJECTED
        assert case.status == expected
        assert (
            case.events.filter(operation__in=("approve", "reject"), step__isnull=False).count() == 1
        )
        assert ends(case) == (1 if expected == CaseStatus.COMPLETED else 0)


def test_parallel_branches_completing_at_once_join_once(
    org: Org, deployed: Callable[..., ProcessDefinition], clock: ManualClock
) -> None:
    xml = bpmn.parallel(
        bpmn.approval("a", "财务会办", "person:E003"),
        bpmn.approval("b", "总经理会办", "person:E006"),
    )
    definition = deployed(xml, key="parallel")
    for _ in range(3):
        case = services.start_case(org.requester.user, definition, {})
        a, b = item_for(case, org.finance_head), item_for(case, org.gm)
        outcomes = race(
            doing("a", services.decide, org.finance_head.user, a.pk, "approved"),
            doing("b", services.decide, org.gm.user, b.pk, "approved"),
        )
        assert sorted(outcomes) == ["a", "b"]
        case = fresh(case)
        assert case.status == CaseStatus.COMPLETED
        assert ends(case) == 1
        assert not case.steps.filter(status="open").exists()


def test_a_withdrawal_racing_an_approval_only_one_takes_effect(
    org: Org, deployed: Callable[..., ProcessDefinition], clock: ManualClock
) -> None:
    definition = deployed(bpmn.chain(bpmn.approval("check", "审核", "person:E003")))
    for _ in range(4):
        case = services.start_case(org.requester.user, definition, {})
        item = item_for(case, org.finance_head)
        outcomes = race(
            doing("approved", services.decide, org.finance_head.user, item.pk, "approved"),
            doing("withdrawn", operations.withdraw, org.requester.user, case.pk),
        )
        won = [o for o in outcomes if o in ("approved", "withdrawn")]
        assert len(won) == 1, outcomes
        lost = next(o for o in outcomes if o not in won)
        assert lost.startswith("conflict"), outcomes
        case = fresh(case)
        status = CaseStatus.COMPLETED if won == ["approved"] else CaseStatus.WITHDRAWN
        assert case.status == status
        assert ends(case) == 1
        assert case.events.filter(operation="approve").count() == (won == ["approved"])
