"""A score per process, 0-100 (100: nothing to fix), and a ranking of processes by urgency.

The score is a weighted mean of sub-scores, each from 0 (bad) to 1 (good):

=============  ==========================================================  ======
component      sub-score                                                   weight
=============  ==========================================================  ======
``cycle_time`` ``min(1, target / median cycle time)``; only with a target  0.4
``rework``     ``1 - share of cases in which some activity repeats``       0.2
``errors``     ``1 - share of cases that end in an error``                 0.2
``cost``       ``1 - share of the cost spent on waste``; only with rates   0.2
=============  ==========================================================  ======

``score = 100 * sum(weight * sub-score) / sum(weight)`` over the components that
apply, so without a target or rates the other weights count for more; each
component records the weight it really got. The text of the formula, in the
user's language, is :attr:`ProcessScore.formula`.

* A case *ends in an error* when it has an error event — one whose
  activity names a rejection, cancellation, withdrawal or abort
  (:data:`ERROR_WORDS`, ignoring case) or whose lifecycle is one
  (:data:`ERROR_LIFECYCLES`) — and after its last error event it does no
  activity again that it did before (it was not resubmitted or reworked;
  wrapping up with new steps such as notifying and archiving still ends
  in the error).
* *Cost*: each event is charged the time from the previous event's
  completion in its case (for a case's first event, from its own start
  when known) to its completion, at the hourly rate of its department;
  departments without a rate cost nothing. *Waste* is the cost of repeated
  events (rework) and of every event of a case that ends in an error.
* With a calendar, cycle times and charged times are working time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from flowbridge.mining.discovery import BEGINS, ordered
from flowbridge.mining.errors import LogError
from flowbridge.mining.i18n import _
from flowbridge.mining.log import ACTIVITY, CASE, DEPARTMENT, LIFECYCLE, TIMESTAMP, EventLog
from flowbridge.mining.performance import cycle_time_stats
from flowbridge.mining.rework import rework_summary
from flowbridge.mining.workingtime import WorkingTime

WEIGHTS = {"cycle_time": 0.4, "rework": 0.2, "errors": 0.2, "cost": 0.2}
ERROR_WORDS = (
    "驳回",
    "拒绝",
    "不同意",
    "不通过",
    "否决",
    "取消",
    "撤回",
    "撤销",
    "终止",
    "中止",
    "作废",
    "reject",
    "declin",
    "denied",
    "refus",
    "cancel",
    "withdr",
    "abort",
    "terminat",
    "void",
)
ERROR_LIFECYCLES = ("pi_abort", "ate_abort", "withdraw")
# Lifecycles of events that do not complete work: not counted as doing an activity (again).
NOT_DONE = ("schedule", "assign", "reassign", "start", "suspend", "resume", "note")
_RUN = "__run__"


@dataclass(frozen=True)
class ProcessScore:
    """A process's score (0-100, higher is healthier), its parts and how it was computed.

    ``components`` maps a component name to a JSON-ready dict: ``raw`` (the
    measured figure), ``sub_score`` (0-1), ``weight`` (as applied) and the
    figures behind it. ``formula`` is the computation in words.
    """

    score: float
    components: dict[str, dict[str, Any]] = field(default_factory=dict)
    formula: str = ""
    cases: int = 0


def score(
    log: EventLog,
    *,
    target_cycle_seconds: float | None = None,
    cost_per_hour: Mapping[str, float] | None = None,
    calendar: WorkingTime | None = None,
) -> ProcessScore:
    """The score of the process whose events are ``log`` (see the module for the formula).

    Raises :class:`LogError` for a log without cases, and for rates given to
    a log without departments; ``ValueError`` for a target or a rate that is
    not positive.
    """
    if log.case_count == 0:
        raise LogError(_("the log has no cases to score"), where="log")
    if target_cycle_seconds is not None and not target_cycle_seconds > 0:
        raise ValueError(f"target_cycle_seconds must be positive, got {target_cycle_seconds}")
    errors = error_cases(log)
    parts: dict[str, dict[str, Any]] = {}
    if target_cycle_seconds is not None:
        parts["cycle_time"] = _cycle_part(log, target_cycle_seconds, calendar)
    parts["rework"] = _rework_part(log)
    parts["errors"] = _error_part(log, errors)
    if cost_per_hour is not None:
        parts["cost"] = _cost_part(log, cost_per_hour, errors, calendar)
    total_weight = sum(WEIGHTS[name] for name in parts)
    for name, part in parts.items():
        part["weight"] = WEIGHTS[name] / total_weight
    value = 100 * sum(part["weight"] * part["sub_score"] for part in parts.values())
    return ProcessScore(value, parts, _formula(parts), log.case_count)


def rank(scores: Mapping[str, ProcessScore]) -> list[tuple[str, ProcessScore]]:
    """Processes most urgent first: lowest score, then more cases, then by name."""
    return sorted(scores.items(), key=lambda item: (item[1].score, -item[1].cases, item[0]))


def error_event(has_lifecycle: bool) -> pl.Expr:
    """True on events that reject, cancel, withdraw or abort (by activity or lifecycle)."""
    is_error = pl.col(ACTIVITY).str.contains("(?i)" + "|".join(ERROR_WORDS))
    if has_lifecycle:
        lifecycle = pl.col(LIFECYCLE).str.to_lowercase().is_in(ERROR_LIFECYCLES)
        is_error = is_error | lifecycle.fill_null(False)
    return is_error


def error_cases(log: EventLog) -> pl.DataFrame:
    """The ``case`` ids of the cases that end in an error (see the module), sorted."""
    has_lifecycle = LIFECYCLE in log.events.columns
    frame = (
        ordered(log, *([LIFECYCLE] if has_lifecycle else []))
        .lazy()
        .with_row_index("__index__")
        .with_columns(error_event(has_lifecycle).alias("__error__"))
    )
    # Only cases with an error event need the per-case work below: usually few.
    last_error = (
        frame.filter("__error__").group_by(CASE).agg(pl.col("__index__").max().alias("__last__"))
    )
    candidates = frame.join(last_error, on=CASE, how="inner")
    resumed = (
        candidates.filter(
            (pl.col("__index__") > pl.col("__last__")) & _done_before(has_lifecycle, CASE)
        )
        .select(CASE)
        .unique()
    )
    return last_error.join(resumed, on=CASE, how="anti").select(CASE).sort(CASE).collect()


def _cycle_part(log: EventLog, target: float, calendar: WorkingTime | None) -> dict[str, Any]:
    stats = cycle_time_stats(log, calendar=calendar)
    median = stats["median"]
    return {
        "raw": median,
        "sub_score": min(1.0, target / median) if median > 0 else 1.0,
        "target_seconds": float(target),
        "p90_seconds": stats["p90"],
        "working_time": calendar is not None,
    }


def _rework_part(log: EventLog) -> dict[str, Any]:
    summary = rework_summary(log)
    share = float(summary["share_of_cases"])
    return {"raw": share, "sub_score": 1.0 - share, "cases": summary["cases_with_rework"]}


def _error_part(log: EventLog, errors: pl.DataFrame) -> dict[str, Any]:
    share = errors.height / log.case_count
    return {"raw": share, "sub_score": 1.0 - share, "cases": errors.height}


def _cost_part(
    log: EventLog,
    rates: Mapping[str, float],
    errors: pl.DataFrame,
    calendar: WorkingTime | None,
) -> dict[str, Any]:
    if not log.has(DEPARTMENT):
        raise LogError(_("cost per hour needs departments, and the log has none"), where="cost")
    bad = sorted(name for name, rate in rates.items() if not rate >= 0)
    if bad:
        raise ValueError(f"cost per hour must be zero or more; not for {', '.join(bad)}")
    charged = _charged(log, errors, calendar)
    rate = pl.col(DEPARTMENT).replace_strict(dict(rates), default=0.0, return_dtype=pl.Float64)
    costs = charged.with_columns((pl.col("seconds") / 3600 * rate).alias("cost"))
    total = float(costs.get_column("cost").sum())
    waste = float(costs.filter("waste").get_column("cost").sum())
    by_department = (
        costs.group_by(DEPARTMENT)
        .agg(pl.col("cost").sum())
        .filter(pl.col("cost") > 0)
        .sort(["cost", DEPARTMENT], descending=[True, False])
    )
    share = waste / total if total > 0 else 0.0
    return {
        "raw": share,
        "sub_score": 1.0 - share,
        "total_cost": total,
        "waste_cost": waste,
        "cost_per_case": total / log.case_count,
        "department_shares": {
            str(name): cost / total for name, cost in by_department.iter_rows() if total > 0
        },
        "unpriced_departments": sorted(
            set(log.events.get_column(DEPARTMENT).drop_nulls().unique()) - set(rates)
        ),
    }


def _charged(log: EventLog, errors: pl.DataFrame, calendar: WorkingTime | None) -> pl.DataFrame:
    """Per event: department, seconds charged (never negative) and whether it is waste."""
    extra = [LIFECYCLE] if LIFECYCLE in log.events.columns else []
    frame = ordered(log, DEPARTMENT, *extra).with_columns(
        pl.col(CASE).ne_missing(pl.col(CASE).shift(1)).cum_sum().alias(_RUN)
    )
    first = pl.col(_RUN).ne_missing(pl.col(_RUN).shift(1))
    since = pl.when(first).then(pl.col(BEGINS)).otherwise(pl.col(TIMESTAMP).shift(1))
    if calendar is None:
        span = (pl.col(TIMESTAMP) - since).dt.total_microseconds() / 1_000_000
    else:
        span = calendar.seconds_between(since, pl.col(TIMESTAMP)).cast(pl.Float64)
    repeat = _done_before(LIFECYCLE in frame.columns, _RUN)
    in_error = pl.col(CASE).is_in(errors.get_column(CASE).implode())
    return frame.select(
        DEPARTMENT,
        span.clip(lower_bound=0.0).alias("seconds"),
        (repeat | in_error).alias("waste"),
    )


def _done_before(has_lifecycle: bool, case: str) -> pl.Expr:
    """True on events whose activity the case already completed before (a repeat).

    Events that only schedule, assign or start work (:data:`NOT_DONE`) are
    no occurrence of their activity, so a log with separate start and
    complete events does not see every completion as a repeat of its start.
    """
    if not has_lifecycle:
        return pl.int_range(pl.len()).over(case, ACTIVITY) > 0
    done = (~pl.col(LIFECYCLE).str.to_lowercase().is_in(NOT_DONE).fill_null(False)).cast(pl.UInt32)
    return (done.cum_sum() - done).over(case, ACTIVITY) > 0


def component_label(name: str) -> str:
    """A component's name for people, in the chosen language (``rework`` → 返工)."""
    labels = {
        "cycle_time": _("cycle time"),
        "rework": _("rework"),
        "errors": _("errors"),
        "cost": _("cost"),
    }
    return labels.get(name, name)


def _formula(parts: Mapping[str, Mapping[str, Any]]) -> str:
    labels = {name: component_label(name) for name in WEIGHTS}
    meanings = {
        "cycle_time": _("cycle time = min(1, target / median cycle time)"),
        "rework": _("rework = 1 - share of cases with rework"),
        "errors": _("errors = 1 - share of cases ending in a rejection, cancellation or abort"),
        "cost": _("cost = 1 - share of the cost spent on rework and on cases ending in an error"),
    }
    terms = " + ".join(
        _("%(weight).2f * %(component)s")
        % {"weight": parts[name]["weight"], "component": labels[name]}
        for name in parts
    )
    lines = [_("score = 100 * (%(terms)s)") % {"terms": terms}]
    lines.extend(meanings[name] for name in parts)
    return "\n".join(lines)
