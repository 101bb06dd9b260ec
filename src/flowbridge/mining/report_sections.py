"""The sections of the HTML report, each from one analysis of the library.

Every function returns a finished ``<section>`` (or an empty string when the
log has nothing for it); :mod:`flowbridge.mining.report` puts them in order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl

from flowbridge.mining.bpmnmodel import ProcessModel
from flowbridge.mining.conformance import conformance
from flowbridge.mining.discovery import variants
from flowbridge.mining.findings import Finding
from flowbridge.mining.handoffs import handoffs
from flowbridge.mining.i18n import _
from flowbridge.mining.log import DEPARTMENT, TIMESTAMP, EventLog
from flowbridge.mining.mapsvg import duration_text, handoff_heatmap_svg
from flowbridge.mining.performance import (
    activity_times,
    bottlenecks,
    cycle_time_histogram,
    cycle_time_stats,
    throughput,
)
from flowbridge.mining.report_charts import (
    Html,
    bar_chart,
    duration_range,
    figures,
    number,
    percent,
    table,
    text,
)
from flowbridge.mining.rework import return_edges, rework_per_activity, rework_summary
from flowbridge.mining.score import ProcessScore
from flowbridge.mining.workingtime import WorkingTime

TOP = 10
VARIANT_STEPS = 12  # longer variants are cut, with the count of the steps left out


def section(anchor: str, heading: str, *body: str) -> Html:
    return Html(f'<section id="{anchor}"><h2>{text(heading)}</h2>{"".join(body)}</section>')


def note(message: str) -> Html:
    return Html(f'<p class="note">{text(message)}</p>')


def summary_section(log: EventLog, stats: dict[str, float], process: ProcessScore) -> Html:
    times = log.events.get_column(TIMESTAMP)
    first, last = times.min(), times.max()
    period = "–"  # noqa: RUF001
    if isinstance(first, datetime) and isinstance(last, datetime):
        period = f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"  # noqa: RUF001
    tiles = figures(
        [
            (_("events"), number(log.event_count)),
            (_("cases"), number(log.case_count)),
            (_("variants"), number(variants(log).height)),
            (_("activities"), number(log.events.get_column("activity").n_unique())),
            (_("median cycle time"), duration_text(stats.get("median"))),
            (_("90% of cases within"), duration_text(stats.get("p90"))),
            (_("process score (0-100)"), f"{process.score:.0f}"),
        ]
    )
    lines = [_("Period: %(period)s (UTC).") % {"period": period}]
    lines += log.report.lines() if log.report.skipped else [_("No rows were skipped on import.")]
    score = Html(
        f"<details><summary>{text(_('How the score is computed'))}</summary>"
        f"<p>{text(process.formula)}</p></details>"
    )
    return section("summary", _("Summary"), tiles, *(note(line) for line in lines), score)


def findings_section(found: list[Finding]) -> Html:
    if not found:
        return section("findings", _("Findings"), note(_("Nothing stands out in this log.")))
    items = []
    for rank, finding in enumerate(found, start=1):
        evidence = table(
            [_("figure"), _("value")],
            [
                [key.replace("_", " "), _evidence_value(key, value)]
                for key, value in finding.evidence.items()
            ],
            numeric=1,
        )
        facts = _("%(cases)s cases · %(lost)s lost · priority %(priority)s") % {
            "cases": number(finding.cases),
            "lost": duration_text(finding.time_lost_seconds),
            "priority": f"{finding.priority:.1f}",
        }
        items.append(
            f'<li class="finding {text(finding.kind)}"><h3>{rank}. {text(finding.title)}</h3>'
            f'<p class="facts">{text(facts)}</p><p>{text(finding.advice)}</p>'
            f"<details><summary>{text(_('Evidence'))}</summary>{evidence}</details></li>"
        )
    return section("findings", _("Findings"), Html(f'<ol class="findings">{"".join(items)}</ol>'))


def _evidence_value(key: str, value: Any) -> str:
    """A figure of the evidence as a person reads it: shares in %, seconds as durations."""
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if is_number and key.endswith(("_share", "share_of_cycle_time", "_rate")):
        return percent(float(value))
    if is_number and key.endswith("seconds"):
        return duration_text(float(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def variants_section(log: EventLog) -> Html:
    table_ = variants(log)
    rows = []
    for rank, (steps, cases, share) in enumerate(table_.head(TOP).iter_rows(), start=1):
        shown = " → ".join(steps[:VARIANT_STEPS])
        if len(steps) > VARIANT_STEPS:
            shown += " → " + _("… %(n)s more steps") % {"n": len(steps) - VARIANT_STEPS}
        rows.append([str(rank), shown, number(len(steps)), number(cases), percent(share)])
    covered = float(table_.head(TOP).get_column("share").sum())
    caption = _("The %(top)s most frequent of %(all)s variants cover %(share)s of the cases.") % {
        "top": min(TOP, table_.height),
        "all": number(table_.height),
        "share": percent(covered),
    }
    headers = ["#", _("activities in order"), _("steps"), _("cases"), _("share")]
    return section("variants", _("Variants"), note(caption), table(headers, rows, numeric=3))


def handoffs_section(log: EventLog) -> Html:
    if not log.has(DEPARTMENT):
        return section(
            "handoffs",
            _("Hand-offs between departments"),
            note(_("The log has no department column, so hand-offs cannot be followed.")),
        )
    frame = handoffs(log)
    rows = [
        [
            row["source"],
            row["target"],
            number(row["count"]),
            number(row["cases"]),
            duration_text(row["median_seconds"]),
            percent(row["share_of_cycle_time"]),
        ]
        for row in frame.head(TOP).iter_rows(named=True)
    ]
    headers = [_("from"), _("to"), _("hand-offs"), _("cases"), _("median delay")]
    headers.append(_("share of cycle time"))
    return section(
        "handoffs",
        _("Hand-offs between departments"),
        note(_("Rows hand over to columns; each cell: hand-offs and their median delay.")),
        Html(f'<div class="scroll">{handoff_heatmap_svg(frame)}</div>'),
        Html(f"<h3>{text(_('Costliest hand-offs'))}</h3>"),
        table(headers, rows, numeric=4),
    )


def rework_section(log: EventLog) -> Html:
    summary = rework_summary(log)
    tiles = figures(
        [
            (_("cases with rework"), number(summary["cases_with_rework"])),
            (_("share of cases"), percent(summary["share_of_cases"])),
            (_("time in rework"), duration_text(summary["rework_seconds"])),
        ]
    )
    per_activity = [
        [row["activity"], number(row["cases"]), number(row["extra_events"])]
        for row in rework_per_activity(log).head(TOP).iter_rows(named=True)
    ]
    returns = [
        [row["source"], row["target"], number(row["frequency"]), number(row["cases"])]
        for row in return_edges(log).head(TOP).iter_rows(named=True)
    ]
    if not per_activity:
        return section("rework", _("Rework"), tiles, note(_("No activity is repeated in a case.")))
    return section(
        "rework",
        _("Rework"),
        tiles,
        Html(f"<h3>{text(_('Activities done again'))}</h3>"),
        table([_("activity"), _("cases"), _("extra events")], per_activity, numeric=2),
        Html(f"<h3>{text(_('Edges looping back'))}</h3>"),
        table([_("from"), _("back to"), _("times"), _("cases")], returns, numeric=2),
    )


def performance_section(log: EventLog, calendar: WorkingTime | None) -> Html:
    stats = cycle_time_stats(log, calendar=calendar)
    kind = _("working time") if calendar else _("clock time")
    tiles = figures(
        [
            (_("mean cycle time"), duration_text(stats["mean"])),
            (_("median cycle time"), duration_text(stats["median"])),
            (_("90th percentile"), duration_text(stats["p90"])),
            (_("longest case"), duration_text(stats["max"])),
        ]
    )
    histogram = cycle_time_histogram(log, calendar=calendar)
    bars = [
        (
            duration_text(low),
            float(cases),
            _("%(range)s: %(n)s cases") % {"range": duration_range(low, high), "n": cases},
        )
        for low, high, cases in histogram.iter_rows()
    ]
    weekly = throughput(log, every="1w")
    weeks = [
        (
            f"{period:%Y-%m-%d}",
            float(completed),
            _("week of %(day)s: %(n)s cases completed")
            % {"day": f"{period:%Y-%m-%d}", "n": completed},
        )
        for period, _started, completed, _median in weekly.select(
            "period", "started", "completed", "median_cycle_seconds"
        ).iter_rows()
    ]
    slow = [
        [
            row["activity"],
            number(row["cases"]),
            duration_text(row["median_wait_seconds"]),
            duration_text(row["total_wait_seconds"]),
            percent(row["share_of_cycle_time"]),
        ]
        for row in bottlenecks(log, calendar=calendar).head(TOP).iter_rows(named=True)
    ]
    parts = [
        note(_("Cycle time from a case's first event to its last, in %(kind)s.") % {"kind": kind}),
        tiles,
        Html(f"<h3>{text(_('Cycle-time distribution'))}</h3>"),
        bar_chart(bars, caption=_("Cases per cycle time")),
        Html(f"<h3>{text(_('Cases completed per week'))}</h3>"),
        bar_chart(weeks, caption=_("Cases completed per week")),
        Html(f"<h3>{text(_('Bottlenecks: where cases wait longest'))}</h3>"),
        table(
            [
                _("activity"),
                _("cases"),
                _("median wait"),
                _("total wait"),
                _("share of cycle time"),
            ],
            slow,
            numeric=4,
        ),
    ]
    if log.has_start:
        parts += [Html(f"<h3>{text(_('Waiting and processing'))}</h3>"), _work_table(log, calendar)]
    return section("performance", _("Performance"), *parts)


def _work_table(log: EventLog, calendar: WorkingTime | None) -> Html:
    frame: pl.DataFrame = activity_times(log, calendar=calendar)
    rows = [
        [
            row["activity"],
            number(row["events"]),
            duration_text(row["median_wait_seconds"]),
            duration_text(row["median_processing_seconds"]),
        ]
        for row in frame.head(TOP * 2).iter_rows(named=True)
    ]
    headers = [_("activity"), _("events"), _("median wait"), _("median processing")]
    return table(headers, rows, numeric=3)


def conformance_section(log: EventLog, model: ProcessModel) -> Html:
    result = conformance(log, model)
    tiles = figures(
        [
            (_("fitness"), f"{result.fitness:.3f}"),
            (_("cases fitting the model"), percent(result.conforming_share)),
        ]
    )
    kinds = {
        "skipped": _("skipped"),
        "inserted": _("not in the model"),
        "out_of_order": _("out of order"),
    }
    rows = [
        [row["activity"], kinds.get(row["kind"], row["kind"]), number(row["cases"])]
        for row in result.deviations.head(TOP).iter_rows(named=True)
    ]
    parts: list[str] = [tiles]
    parts += [note(line) for line in result.notes]
    parts.append(table([_("activity"), _("deviation"), _("cases")], rows, numeric=1))
    return section("conformance", _("Conformance with the designed process"), *parts)
