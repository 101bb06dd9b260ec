"""Findings: what is worth fixing in a process, with the evidence, ranked.

A :class:`Finding` is one thing a process office would act on — a redundant
approval, a slow hand-off between departments, rework, a bottleneck, steps
that deviate from the design. Every analysis that can point at a problem
turns its rows into findings here, so the report, the pages and the exports
show them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["redundant_approval", "handoff", "rework", "bottleneck", "conformance"]


@dataclass(frozen=True)
class Finding:
    """One problem with its evidence.

    ``subject`` names where it is (an activity, ``"A → B"`` for a pair);
    ``cases`` is how many cases it touches; ``time_lost_seconds`` the clock
    time it costs over all of them; ``priority`` orders findings (higher
    first) and is explained by ``evidence``, a flat JSON-ready mapping of the
    figures behind it. ``title`` and ``advice`` are in the user's language.
    """

    kind: Kind
    subject: str
    title: str
    cases: int
    time_lost_seconds: float
    priority: float
    advice: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
