"""Redundant approvals: a second approval right after a first whose outcome it rarely changes.

Only completions count: events whose lifecycle says work was scheduled,
assigned, started, suspended, resumed or merely noted (:data:`NOT_DONE`) are
left out, so an engine log's ``assign`` and ``note`` rows do not sit between
two approvals. What remains of a case follows the order of
:func:`discovery.ordered`. A pair ``first → second`` is two *different*
approval activities completed one directly after the other (a countersign,
the same activity completed by several people, is not a pair).

Which activities are approvals: the names the caller gives, else every
activity whose name contains one of :data:`APPROVAL_WORDS` (ignoring case).

Whether the second disagreed:

* with an outcome column (the one named, else the first of
  :data:`OUTCOME_COLUMNS` that holds a recognised value on an approval; an
  ``attributes`` column of JSON objects, as Flowbridge's own export writes,
  is searched for ``decision`` / ``outcome`` / ``result``), values are
  normalised to approve / reject (:data:`APPROVE_VALUES`,
  :data:`REJECT_VALUES`) and the second disagreed when both outcomes are
  known and differ;
* without one, it is inferred from what follows the second: the case goes
  back to an activity it already did, or its next event is a rejection,
  cancellation or abort (:func:`score.error_event`), or it ends (with the
  second or with the event right after it) on an activity other than the
  log's usual end (the most frequent last activity of its cases).

The ``method`` column says which was used (``outcome:<column>`` or
``inferred``). Everything is a Polars expression over the whole frame.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from flowbridge.mining.discovery import ordered
from flowbridge.mining.errors import LogError
from flowbridge.mining.i18n import _
from flowbridge.mining.log import ACTIVITY, CASE, LIFECYCLE, TIMESTAMP, EventLog
from flowbridge.mining.score import NOT_DONE, error_event

COLUMNS = (
    "first",
    "second",
    "cases",
    "disagreements",
    "disagreement_rate",
    "added_median_seconds",
    "added_total_seconds",
    "method",
)
APPROVAL_WORDS = (
    "审批",
    "审核",
    "批准",
    "复核",
    "会签",
    "approve",
    "approval",
    "review",
    "sign-off",
    "check",
)
OUTCOME_COLUMNS = (
    "outcome",
    "decision",
    "result",
    "approval_result",
    "审批结果",
    "审批意见",
    "结果",
    "attributes",
    "operation",
)
APPROVE_VALUES = (
    "approve",
    "approved",
    "accept",
    "accepted",
    "agree",
    "agreed",
    "pass",
    "passed",
    "yes",
    "ok",
    "通过",
    "同意",
    "批准",
    "已批准",
    "审批通过",
    "已通过",
)
REJECT_VALUES = (
    "reject",
    "rejected",
    "decline",
    "declined",
    "deny",
    "denied",
    "refuse",
    "refused",
    "return",
    "returned",
    "no",
    "驳回",
    "已驳回",
    "不同意",
    "退回",
    "拒绝",
    "不通过",
    "否决",
    "不批准",
)
_JSON_KEYS = ("decision", "outcome", "result")
_OUTCOME = "__outcome__"
_RUN = "__run__"
_Source = tuple[str, str | None]  # a column, and a key of its JSON objects or None


def approval_activities(log: EventLog, approvals: Sequence[str] | None = None) -> list[str]:
    """The log's approval activities: those given (checked to exist), else those named like one."""
    names = log.events.get_column(ACTIVITY).unique().sort().to_list()
    if approvals is not None:
        unknown = sorted(set(approvals) - set(names))
        if unknown:
            raise LogError(
                _("approval activities not in the log: %(names)s") % {"names": ", ".join(unknown)},
                where="approvals",
            )
        return sorted(set(approvals))
    return [n for n in names if any(word in n.lower() for word in APPROVAL_WORDS)]


def normalised_outcome(values: pl.Expr) -> pl.Expr:
    """``"approve"``, ``"reject"`` or null for the raw outcome ``values``."""
    mapping = {v: "approve" for v in APPROVE_VALUES} | {v: "reject" for v in REJECT_VALUES}
    return (
        values.cast(pl.String)
        .str.strip_chars()
        .str.to_lowercase()
        .replace_strict(mapping, default=None, return_dtype=pl.String)
    )


def redundant_approvals(
    log: EventLog,
    *,
    approvals: Sequence[str] | None = None,
    outcome: str | None = None,
    max_disagreement: float = 0.05,
) -> pl.DataFrame:
    """Pairs of approvals completed one right after the other where the second rarely disagrees.

    One row per pair ``first → second`` whose ``disagreement_rate`` is at
    most ``max_disagreement``. Columns: ``cases`` in which the pair occurs;
    ``disagreements``, the cases in which the second disagreed at least
    once; ``disagreement_rate``, the latter over the former;
    ``added_median_seconds`` / ``added_total_seconds``, per case the time
    from the first's completion to the second's completion (summed when the
    pair repeats), its median over the cases and its total; ``method``.
    Largest total first, then by names. Raises :class:`LogError` for unknown
    approval names or a missing outcome column.
    """
    if not 0 <= max_disagreement <= 1:
        raise ValueError(f"max_disagreement must be in [0, 1], got {max_disagreement}")
    names = approval_activities(log, approvals)
    source = _outcome_source(log, names, outcome)
    method = "inferred" if source is None else "outcome:" + ".".join(filter(None, source))
    chain = _chain(log, source)
    prev_same = pl.col(_RUN) == pl.col(_RUN).shift(1)
    is_approval = pl.col(ACTIVITY).is_in(names)
    pairs = chain.with_columns(
        pl.col(ACTIVITY).shift(1).alias("first"),
        (prev_same & is_approval.shift(1) & is_approval).alias("is_pair"),
        ((pl.col(TIMESTAMP) - pl.col(TIMESTAMP).shift(1)).dt.total_microseconds() / 1e6).alias(
            "seconds"
        ),
        _disagreed(chain, source).alias("disagreed"),
    ).filter(pl.col("is_pair") & (pl.col("first") != pl.col(ACTIVITY)))
    per_case = pairs.group_by("first", ACTIVITY, _RUN).agg(
        pl.col("disagreed").any(), pl.col("seconds").sum()
    )
    return (
        per_case.group_by("first", ACTIVITY)
        .agg(
            pl.len().cast(pl.Int64).alias("cases"),
            pl.col("disagreed").sum().cast(pl.Int64).alias("disagreements"),
            pl.col("seconds").median().alias("added_median_seconds"),
            pl.col("seconds").sum().alias("added_total_seconds"),
        )
        .with_columns(
            pl.col(ACTIVITY).alias("second"),
            (pl.col("disagreements") / pl.col("cases")).alias("disagreement_rate"),
            pl.lit(method).alias("method"),
        )
        .filter(pl.col("disagreement_rate") <= max_disagreement)
        .sort(["added_total_seconds", "first", "second"], descending=[True, False, False])
        .select(COLUMNS)
    )


def _chain(log: EventLog, source: _Source | None) -> pl.DataFrame:
    """Completed events in case order, with the case's run number and normalised outcome."""
    extra = [c for c in (LIFECYCLE,) if c in log.events.columns]
    if source is not None and source[0] not in (*extra, CASE, ACTIVITY, TIMESTAMP):
        extra.append(source[0])
    frame = ordered(log, *extra)
    if LIFECYCLE in frame.columns:
        done = ~pl.col(LIFECYCLE).str.to_lowercase().is_in(NOT_DONE).fill_null(False)
        frame = frame.filter(done)
    run = pl.col(CASE).ne_missing(pl.col(CASE).shift(1)).cum_sum()
    return frame.with_columns(run.alias(_RUN), _outcome_of(source).alias(_OUTCOME))


def _outcome_of(source: _Source | None) -> pl.Expr:
    """The normalised outcome read from a column, or from a key of its JSON objects."""
    if source is None:
        return pl.lit(None, pl.String)
    column, key = source
    values = pl.col(column) if key is None else pl.col(column).str.json_path_match(f"$.{key}")
    return normalised_outcome(values)


def _disagreed(chain: pl.DataFrame, source: _Source | None) -> pl.Expr:
    """On each event: whether it disagreed with the event before it (read for approvals only)."""
    if source is not None:
        return (pl.col(_OUTCOME) != pl.col(_OUTCOME).shift(1)).fill_null(False)
    usual = _usual_ends(chain)
    same_next = pl.col(_RUN) == pl.col(_RUN).shift(-1)
    is_new = pl.int_range(pl.len()).over(_RUN, ACTIVITY) == 0
    goes_back = (same_next & ~is_new.shift(-1)).fill_null(False)
    rejected_next = (same_next & error_event(LIFECYCLE in chain.columns).shift(-1)).fill_null(False)
    # The event itself or the one right after it is the case's last.
    near_end = (~same_next | (pl.col(_RUN) != pl.col(_RUN).shift(-2))).fill_null(True)
    last = pl.col(ACTIVITY).last().over(_RUN)
    return goes_back | rejected_next | (near_end & ~last.is_in(usual))


def _usual_ends(chain: pl.DataFrame) -> list[str]:
    """The most frequent last activity of the cases (all of them when tied)."""
    ends = chain.group_by(_RUN).agg(pl.col(ACTIVITY).last()).group_by(ACTIVITY).len()
    if ends.height == 0:
        return []
    top = ends.get_column("len").max()
    return ends.filter(pl.col("len") == top).get_column(ACTIVITY).to_list()


def _outcome_source(log: EventLog, names: list[str], given: str | None) -> _Source | None:
    """Where outcomes are read: the column given, else the first candidate with one."""
    columns = log.events.columns
    if given is not None:
        if given not in columns:
            raise LogError(
                _("no outcome column %(column)s; the log has: %(columns)s")
                % {"column": given, "columns": ", ".join(columns)},
                where="outcome",
            )
        approvals = log.events.filter(pl.col(ACTIVITY).is_in(names))
        if (
            approvals.height
            and not approvals.select(_outcome_of((given, None)).is_not_null().any()).item()
        ):
            seen = approvals.get_column(given).drop_nulls().cast(pl.String).unique().sort()
            raise LogError(
                _("no approve or reject value in column %(column)s on an approval")
                % {"column": given},
                where="outcome",
                examples=seen.head(5).to_list(),
            )
        return (given, None)
    lower = {c.lower(): c for c in columns}
    approvals = log.events.filter(pl.col(ACTIVITY).is_in(names))
    for candidate in OUTCOME_COLUMNS:
        column = lower.get(candidate)
        if column is None or approvals.schema[column] != pl.String:
            continue
        keys: tuple[str | None, ...] = _JSON_KEYS if candidate == "attributes" else (None,)
        for key in keys:
            if approvals.select(_outcome_of((column, key)).is_not_null().any()).item():
                return (column, key)
    return None
