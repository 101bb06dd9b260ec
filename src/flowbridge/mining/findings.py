"""Findings: what is worth fixing in a process, with the evidence, ranked.

A :class:`Finding` is one thing a process office would act on — a redundant
approval, a slow hand-off between departments, rework, a bottleneck, steps
that deviate from the design. Every analysis that can point at a problem
turns its rows into findings here, so the report, the pages and the exports
show them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from flowbridge.mining.approvals import redundant_approvals
from flowbridge.mining.bpmnmodel import ProcessModel
from flowbridge.mining.conformance import conformance
from flowbridge.mining.handoffs import handoffs
from flowbridge.mining.i18n import _
from flowbridge.mining.log import ACTIVITY, DEPARTMENT, EventLog
from flowbridge.mining.performance import bottlenecks, case_durations
from flowbridge.mining.rework import return_edges, rework_per_activity
from flowbridge.mining.workingtime import WorkingTime

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


# Building findings from the analyses ------------------------------------------

MAX_PER_KIND = 5
MIN_TIME_SHARE = 0.01
MIN_CASE_SHARE = 0.01
CASE_POINTS = 10.0
KIND_ORDER = ("redundant_approval", "bottleneck", "handoff", "rework", "conformance")


def findings(
    log: EventLog,
    *,
    model: ProcessModel | None = None,
    target_cycle_seconds: float | None = None,
    cost_per_hour: Mapping[str, float] | None = None,
    calendar: WorkingTime | None = None,
) -> list[Finding]:
    """What to fix in the process of ``log``, highest priority first.

    Sources: :func:`approvals.redundant_approvals` (the pairs it reports in at
    least :data:`MIN_CASE_SHARE` of the cases),
    :func:`performance.bottlenecks`, :func:`handoffs.handoffs` between
    departments (when the log has them) and :func:`rework.return_edges` (the
    :data:`MAX_PER_KIND` largest of each whose time lost is at least
    :data:`MIN_TIME_SHARE` of the cycle time of all cases), and with a ``model`` the
    deviations of :func:`conformance.conformance` (the largest touching at
    least :data:`MIN_CASE_SHARE` of the cases).

    ``priority = 100 * min(1, time lost / reference time) + 10 * cases / all
    cases``: time first, the cases touched breaking near-ties. The reference
    time is the cycle time of all cases summed; with a target, only its part
    beyond the target (so a process within its target has nothing urgent).
    ``evidence`` holds the analysis's own figures plus ``time_share`` and
    ``case_share``; with ``cost_per_hour``, ``cost_lost`` prices the time lost
    at the rate of the department where it is spent; with a ``calendar``,
    bottlenecks also carry their wait in working seconds.
    """
    context = _Context.of(log, target_cycle_seconds, cost_per_hour)
    found = [
        *_approval_findings(log, context),
        *_bottleneck_findings(log, context, calendar),
        *_handoff_findings(log, context),
        *_rework_findings(log, context),
    ]
    if model is not None:
        found.extend(_conformance_findings(log, model, context))
    return sorted(found, key=lambda f: (-f.priority, KIND_ORDER.index(f.kind), f.subject))


@dataclass(frozen=True)
class _Context:
    """What every finding is weighed against."""

    cases: int
    total_seconds: float  # cycle time of all cases: what a finding must be a share of to count
    reference_seconds: float  # what its priority weighs time lost against
    rates: Mapping[str, float]
    departments: Mapping[str, str]  # activity → the department doing most of it

    @classmethod
    def of(cls, log: EventLog, target: float | None, rates: Mapping[str, float] | None) -> _Context:
        durations = case_durations(log).get_column("duration_seconds")
        total = float(durations.sum())
        if target is None:
            reference = total
        else:
            reference = float((durations - target).clip(lower_bound=0).sum())
        return cls(log.case_count, total, reference, dict(rates or {}), _departments(log))

    def finding(
        self,
        kind: Kind,
        subject: str,
        title: str,
        advice: str,
        cases: int,
        seconds: float,
        evidence: dict[str, Any],
        department: str | None = None,
    ) -> Finding:
        lost = max(0.0, float(seconds))
        time_share = min(1.0, lost / self.reference_seconds) if self.reference_seconds else 0.0
        case_share = cases / self.cases if self.cases else 0.0
        evidence = {**evidence, "time_share": time_share, "case_share": case_share}
        if department is not None and department in self.rates:
            evidence["cost_lost"] = lost / 3600 * self.rates[department]
        priority = 100 * time_share + CASE_POINTS * case_share
        return Finding(kind, subject, title, int(cases), lost, priority, advice, evidence)

    def keeps(self, seconds: float) -> bool:
        share = seconds / self.total_seconds if self.total_seconds else 0.0
        return share >= MIN_TIME_SHARE


def _approval_findings(log: EventLog, context: _Context) -> list[Finding]:
    out = []
    table = redundant_approvals(log).filter(pl.col("cases") >= MIN_CASE_SHARE * context.cases)
    for row in table.iter_rows(named=True):
        first, second = row["first"], row["second"]
        out.append(
            context.finding(
                "redundant_approval",
                f"{first} → {second}",
                _("%(second)s after %(first)s almost never changes the outcome")
                % {"first": first, "second": second},
                _(
                    "The second approval almost never changes the outcome: "
                    "consider removing it or turning it into a notification."
                ),
                row["cases"],
                row["added_total_seconds"],
                {k: v for k, v in row.items() if k not in ("first", "second")},
                context.departments.get(second),
            )
        )
    return out


def _bottleneck_findings(
    log: EventLog, context: _Context, calendar: WorkingTime | None
) -> list[Finding]:
    table = bottlenecks(log)
    if calendar is not None:
        working = bottlenecks(log, calendar=calendar).select(
            "activity", pl.col("total_wait_seconds").alias("working_wait_seconds")
        )
        table = table.join(working, on="activity", how="left", maintain_order="left")
    out = []
    for row in _largest(table, "total_wait_seconds", context):
        activity = row.pop("activity")
        out.append(
            context.finding(
                "bottleneck",
                activity,
                _("Bottleneck: work waits long before %(activity)s") % {"activity": activity},
                _(
                    "Much of the process's waiting happens before this step: check who does "
                    "it, how its queue is worked and what it waits for."
                ),
                row["cases"],
                row["total_wait_seconds"],
                row,
                context.departments.get(activity),
            )
        )
    return out


def _handoff_findings(log: EventLog, context: _Context) -> list[Finding]:
    if not log.has(DEPARTMENT):
        return []
    out = []
    for row in _largest(handoffs(log), "total_seconds", context):
        source, target = row.pop("source"), row.pop("target")
        out.append(
            context.finding(
                "handoff",
                f"{source} → {target}",
                _("Slow hand-off from %(source)s to %(target)s")
                % {"source": source, "target": target},
                _(
                    "Work waits at this boundary between departments: agree on what is handed "
                    "over, tell the receiver at once, or let one department do both steps."
                ),
                row["cases"],
                row["total_seconds"],
                row,
                target,
            )
        )
    return out


def _rework_findings(log: EventLog, context: _Context) -> list[Finding]:
    repeated = {row["activity"]: row for row in rework_per_activity(log).iter_rows(named=True)}
    out = []
    for row in _largest(return_edges(log), "rework_seconds", context):
        source, target = row.pop("source"), row.pop("target")
        again = repeated.get(target, {})
        row["target_cases_with_rework"] = again.get("cases", 0)
        row["target_extra_events"] = again.get("extra_events", 0)
        out.append(
            context.finding(
                "rework",
                f"{source} → {target}",
                _("Rework: cases go back from %(source)s to %(target)s")
                % {"source": source, "target": target},
                _(
                    "Find out why work is sent back (missing information, unclear rules) and "
                    "check it earlier, e.g. with required fields or a checklist at submission."
                ),
                row["cases"],
                row["rework_seconds"],
                row,
                context.departments.get(target),
            )
        )
    return out


def _conformance_findings(log: EventLog, model: ProcessModel, context: _Context) -> list[Finding]:
    result = conformance(log, model)
    titles = {
        "skipped": _("Designed step %(activity)s is skipped"),
        "inserted": _("Step %(activity)s is done although the design does not have it there"),
        "out_of_order": _("Step %(activity)s is done out of the designed order"),
    }
    table = result.deviations.filter(pl.col("cases") >= MIN_CASE_SHARE * context.cases)
    table = table.sort(["cases", "kind", "activity"], descending=[True, False, False])
    out = []
    for row in table.head(MAX_PER_KIND).iter_rows(named=True):
        activity, kind = row["activity"], row["kind"]
        out.append(
            context.finding(
                "conformance",
                activity,
                titles[kind] % {"activity": activity},
                _(
                    "Practice and design differ here: change the practice, or correct the "
                    "design if the practice is right."
                ),
                row["cases"],
                0.0,
                {"deviation": kind, "cases": row["cases"], "fitness": result.fitness},
                context.departments.get(activity),
            )
        )
    return out


def _largest(table: pl.DataFrame, column: str, context: _Context) -> list[dict[str, Any]]:
    """The rows with the most time, at most :data:`MAX_PER_KIND`, each above the minimum share."""
    ranked = table.sort(column, descending=True, maintain_order=True, nulls_last=True)
    return [
        row
        for row in ranked.head(MAX_PER_KIND).iter_rows(named=True)
        if row[column] is not None and context.keeps(row[column])
    ]


def _departments(log: EventLog) -> dict[str, str]:
    """Activity → the department that does most of its events (ties by name)."""
    if not log.has(DEPARTMENT):
        return {}
    counts = (
        log.events.drop_nulls(DEPARTMENT)
        .group_by(ACTIVITY, DEPARTMENT)
        .len()
        .sort(["len", DEPARTMENT], descending=[True, False])
        .group_by(ACTIVITY, maintain_order=True)
        .first()
    )
    return dict(counts.select(ACTIVITY, DEPARTMENT).iter_rows())
