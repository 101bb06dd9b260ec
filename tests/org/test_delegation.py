"""Delegation rules, chains and cycle detection by period intersection."""

from __future__ import annotations

from datetime import date

import pytest

from flowbridge.core.errors import InvalidInput, NotAllowed
from flowbridge.core.models import AuditEntry
from flowbridge.org import services
from flowbridge.org.models import Delegation, Department, Person
from tests.org.factories import make_department, make_person, make_user_person

pytestmark = pytest.mark.django_db
D = date


@pytest.fixture
def dept() -> Department:
    return make_department("rnd", "研发部")


@pytest.fixture
def people(dept: Department) -> dict[str, Person]:
    names = {"a": "张三", "b": "李四", "c": "王五", "d": "赵六"}
    return {k: make_person(k, dept, v) for k, v in names.items()}


def messages(exc: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [p.message for p in exc.value.problems]


def test_chain_a_b_c(people: dict[str, Person]) -> None:
    a, b, c = people["a"], people["b"], people["c"]
    services.add_delegation(None, a, b, D(2026, 3, 2), D(2026, 3, 6), "出差")
    services.add_delegation(None, b, c, D(2026, 3, 4), D(2026, 3, 10))
    assert services.delegation_chain(a, D(2026, 3, 3)) == [a, b]
    assert services.delegation_chain(a, D(2026, 3, 5)) == [a, b, c]
    assert services.acting_person(a, D(2026, 3, 5)) == c
    assert services.acting_person(a, D(2026, 3, 7)) == a
    assert services.acting_person(b, D(2026, 3, 7)) == c
    assert services.delegation_chain(c, D(2026, 3, 5)) == [c]


def test_basic_rules_all_listed(people: dict[str, Person]) -> None:
    a = people["a"]
    with pytest.raises(InvalidInput) as exc:
        services.add_delegation(None, a, a, D(2026, 3, 5), D(2026, 3, 2))
    assert messages(exc) == [
        "the delegation ends (2026-03-02) before it starts (2026-03-05)",
        "a person cannot be their own deputy",
    ]
    services.update_person(None, people["d"], is_active=False)
    with pytest.raises(InvalidInput) as exc:
        services.add_delegation(None, a, people["d"], D(2026, 3, 2), D(2026, 3, 3))
    assert messages(exc) == ["deputy 赵六 is not active"]


def test_overlap_with_own_delegation_refused(people: dict[str, Person]) -> None:
    a, b, c = people["a"], people["b"], people["c"]
    services.add_delegation(None, a, b, D(2026, 3, 2), D(2026, 3, 6))
    with pytest.raises(InvalidInput) as exc:
        services.add_delegation(None, a, c, D(2026, 3, 6), D(2026, 3, 9))
    assert messages(exc) == [
        "张三 already has a delegation to 李四 from 2026-03-02 to 2026-03-06 that overlaps this one"
    ]
    # Back to back is fine.
    services.add_delegation(None, a, c, D(2026, 3, 7), D(2026, 3, 9))
    assert Delegation.objects.count() == 2


def test_two_person_cycle_names_common_period(people: dict[str, Person]) -> None:
    a, b = people["a"], people["b"]
    services.add_delegation(None, a, b, D(2026, 3, 1), D(2026, 3, 5))
    with pytest.raises(InvalidInput) as exc:
        services.add_delegation(None, b, a, D(2026, 3, 2), D(2026, 3, 9))
    assert messages(exc) == [
        "delegations would form a cycle: 李四 → 张三 → 李四 (2026-03-02…2026-03-05)"
    ]


def test_long_cycle_needs_a_common_day(people: dict[str, Person]) -> None:
    a, b, c = people["a"], people["b"], people["c"]
    services.add_delegation(None, a, b, D(2026, 3, 1), D(2026, 3, 5))
    services.add_delegation(None, b, c, D(2026, 3, 4), D(2026, 3, 8))
    # C → A from 3-6: A→B ended on 3-5, so the three never overlap on one day: no cycle.
    services.add_delegation(None, c, a, D(2026, 3, 6), D(2026, 3, 9))
    # But C → A on 3-5 closes A → B → C → A on exactly that day.
    services.cancel_delegation(None, Delegation.objects.get(person=c))
    with pytest.raises(InvalidInput) as exc:
        services.add_delegation(None, c, a, D(2026, 3, 5), D(2026, 3, 5))
    assert messages(exc) == [
        "delegations would form a cycle: 王五 → 张三 → 李四 → 王五 (2026-03-05…2026-03-05)"
    ]


def test_pairwise_overlap_without_common_day_is_no_cycle(people: dict[str, Person]) -> None:
    """Each pair overlaps but no day is common to all three; a per-pair check would refuse."""
    a, b, c = people["a"], people["b"], people["c"]
    services.add_delegation(None, a, b, D(2026, 3, 1), D(2026, 3, 3))
    services.add_delegation(None, b, c, D(2026, 3, 3), D(2026, 3, 5))
    services.add_delegation(None, c, a, D(2026, 3, 4), D(2026, 3, 6))
    assert services.delegation_chain(a, D(2026, 3, 3)) == [a, b, c]
    assert services.delegation_chain(c, D(2026, 3, 4)) == [c, a]


def test_cancel_and_permissions(dept: Department) -> None:
    me = make_user_person("me", dept, name="张三")
    colleague = make_user_person("col", dept, name="李四")
    stranger = make_user_person("str", dept, name="王五")
    delegation = services.add_delegation(me.user, me, colleague, D(2026, 3, 2), D(2026, 3, 4))
    with pytest.raises(NotAllowed):
        services.add_delegation(stranger.user, colleague, me, D(2026, 3, 9), D(2026, 3, 9))
    with pytest.raises(NotAllowed):
        services.cancel_delegation(stranger.user, delegation)
    services.cancel_delegation(me.user, delegation)
    assert not Delegation.objects.exists()
    actions = list(
        AuditEntry.objects.filter(action__startswith="org.delegation").values_list(
            "action", flat=True
        )
    )
    assert actions == ["org.delegation.create", "org.delegation.cancel"]
