"""The interval cycle check agrees with a brute-force, day-by-day check (no database)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from flowbridge.org.validation import Span, delegation_issues

DAY0 = date(2026, 3, 1)
PEOPLE = "ABCD"


def has_cycle_on_some_day(spans: list[Span]) -> bool:
    """Brute force: on each day, follow every chain and look for a repeat."""
    days = {
        s.starts_on + timedelta(n) for s in spans for n in range((s.ends_on - s.starts_on).days + 1)
    }
    for day in days:
        deputy = {s.person: s.deputy for s in spans if s.starts_on <= day <= s.ends_on}
        for start in deputy:
            seen, node = set(), start
            while node in deputy:
                if node in seen:
                    return True
                seen.add(node)
                node = deputy[node]
    return False


def overlaps_own(new: Span, spans: list[Span]) -> bool:
    return any(
        s.person == new.person and s.starts_on <= new.ends_on and new.starts_on <= s.ends_on
        for s in spans
    )


span = st.builds(
    lambda p, d, start, length: Span(
        p, d, DAY0 + timedelta(start), DAY0 + timedelta(start + length)
    ),
    st.sampled_from(PEOPLE),
    st.sampled_from(PEOPLE),
    st.integers(0, 12),
    st.integers(0, 5),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(span, max_size=12))
def test_accepts_exactly_what_keeps_every_day_acyclic(candidates: list[Span]) -> None:
    accepted: list[Span] = []
    for new in candidates:
        issues = delegation_issues(new, accepted, label=str)
        if new.person == new.deputy or overlaps_own(new, accepted):
            assert issues
            continue
        assert bool(issues) == has_cycle_on_some_day([*accepted, new])
        if not issues:
            accepted.append(new)
    assert not has_cycle_on_some_day(accepted)
