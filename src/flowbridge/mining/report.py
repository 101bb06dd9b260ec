"""One self-contained HTML report of an event log: open it offline, mail it, print it.

Everything is inline — styles, the SVG pictures, no scripts, fonts or
images from elsewhere — so the file shows the same on any machine without a
network. The text is in the user's language (the library's gettext).

Sections: summary, findings, process map (a readable subset chosen here, by
variant coverage and frequency; frequency or median time at a click),
variants, hand-offs between departments, rework, performance and, with a
designed model, conformance.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import nullcontext
from datetime import datetime

from flowbridge.mining.bpmnmodel import ProcessModel
from flowbridge.mining.findings import findings
from flowbridge.mining.i18n import _
from flowbridge.mining.i18n import language as choose_language
from flowbridge.mining.log import EventLog
from flowbridge.mining.mapsvg import process_map_svg
from flowbridge.mining.performance import cycle_time_stats
from flowbridge.mining.processmap import ProcessMap, process_map
from flowbridge.mining.report_charts import Html, percent, text
from flowbridge.mining.report_sections import (
    conformance_section,
    findings_section,
    handoffs_section,
    note,
    performance_section,
    rework_section,
    section,
    summary_section,
    variants_section,
)
from flowbridge.mining.score import score
from flowbridge.mining.workingtime import WorkingTime

# A map beyond this many activities or edges is spaghetti on a page.
MAX_NODES = 20
MAX_EDGES = 40
COVERAGES = (1.0, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5)

CSS = """
:root{--ink:#1d2733;--muted:#5a6673;--line:#dde3ea;--accent:#1f4e8c}
*{box-sizing:border-box}
body{margin:0;font:14px/1.55 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",
"Noto Sans CJK SC",sans-serif;color:var(--ink);background:#f5f7fa}
header{background:var(--accent);color:#fff;padding:20px 32px 12px}
header h1{margin:0 0 4px;font-size:22px}header p{margin:0;opacity:.85}
nav{margin-top:10px}nav a{color:#fff;margin-right:16px;text-decoration:none;opacity:.9}
main{max-width:1200px;margin:0 auto;padding:8px 24px 40px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 24px;
margin:18px 0}
h2{margin:0 0 10px;font-size:18px}h3{font-size:15px;margin:18px 0 6px}
.note{color:var(--muted);margin:4px 0}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0}
.tile{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:130px}
.tile .value{font-size:20px;font-weight:600}.tile .label{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12px}.num{text-align:right;white-space:nowrap}
.findings{padding-left:0;list-style:none}
.finding{border-left:4px solid #c25b32;padding:4px 12px;margin:10px 0;background:#fffaf7}
.finding h3{margin:2px 0}.facts{color:var(--muted);margin:2px 0}
.scroll{overflow:auto}.maps svg{max-width:100%;height:auto}
.fb-chart{width:100%;max-width:640px;height:auto}
.switch label{margin-right:14px;cursor:pointer;color:var(--muted)}
#fb-frequency:checked~.switch [for=fb-frequency],#fb-median:checked~.switch [for=fb-median]
{color:var(--accent);font-weight:600;text-decoration:underline}
#fb-median:checked~.maps .by-frequency,#fb-frequency:checked~.maps .by-median{display:none}
details summary{cursor:pointer;color:var(--accent)}
footer{color:var(--muted);text-align:center;padding:20px;font-size:12px}
@media print{body{background:#fff}section{break-inside:avoid;border:0}nav,.switch{display:none}}
"""


def html_report(
    log: EventLog,
    *,
    title: str,
    model: ProcessModel | None = None,
    coverage: float | None = None,
    min_frequency: int | None = None,
    target_cycle_seconds: float | None = None,
    cost_per_hour: Mapping[str, float] | None = None,
    calendar: WorkingTime | None = None,
    generated_at: datetime | None = None,
    language: str | None = None,
) -> str:
    """The report of ``log`` as one HTML document (a string).

    The map shows the most frequent variants and edges so that it stays
    readable (at most :data:`MAX_NODES` activities and :data:`MAX_EDGES`
    edges), unless ``coverage`` / ``min_frequency`` are given; it says what
    it leaves out. ``model`` adds conformance; ``target_cycle_seconds``,
    ``cost_per_hour`` and ``calendar`` go to the findings, the score and the
    performance figures. ``generated_at`` is printed when given. ``language``
    (``"zh-hans"``, ``"en"``) overrides the environment's for this report.
    """
    with choose_language(language) if language is not None else nullcontext():
        return _report(
            log,
            title,
            model,
            coverage,
            min_frequency,
            target_cycle_seconds,
            cost_per_hour,
            calendar,
            generated_at,
        )


def _report(
    log: EventLog,
    title: str,
    model: ProcessModel | None,
    coverage: float | None,
    min_frequency: int | None,
    target_cycle_seconds: float | None,
    cost_per_hour: Mapping[str, float] | None,
    calendar: WorkingTime | None,
    generated_at: datetime | None,
) -> str:
    stats = cycle_time_stats(log, calendar=calendar)
    process = score(
        log,
        target_cycle_seconds=target_cycle_seconds,
        cost_per_hour=cost_per_hour,
        calendar=calendar,
    )
    found = findings(
        log,
        model=model,
        target_cycle_seconds=target_cycle_seconds,
        cost_per_hour=cost_per_hour,
        calendar=calendar,
    )
    sections = [
        summary_section(log, stats, process),
        findings_section(found),
        map_section(log, coverage, min_frequency),
        variants_section(log),
        handoffs_section(log),
        rework_section(log),
        performance_section(log, calendar),
    ]
    if model is not None:
        sections.append(conformance_section(log, model))
    return page(title, log.source, generated_at, sections)


def readable_map(
    log: EventLog, coverage: float | None = None, min_frequency: int | None = None
) -> ProcessMap:
    """The map of ``log`` with the largest variant coverage (of :data:`COVERAGES`) that
    stays readable, then a minimum frequency when even half the cases are too many."""
    if coverage is not None or min_frequency is not None:
        return process_map(log, coverage=coverage or 1.0, min_frequency=min_frequency or 1)
    pm = process_map(log)
    for share in COVERAGES:
        pm = process_map(log, coverage=share)
        if pm.nodes.height <= MAX_NODES and pm.edges.height <= MAX_EDGES:
            return pm
    # Keep the busiest activities and edges: the rarest shown is the limit's own frequency.
    nodes = pm.nodes.get_column("frequency").sort(descending=True)
    edges = pm.edges.get_column("frequency").sort(descending=True)
    floor = max(
        int(nodes[MAX_NODES]) + 1 if nodes.len() > MAX_NODES else 1,
        int(edges[MAX_EDGES]) + 1 if edges.len() > MAX_EDGES else 1,
    )
    return process_map(log, coverage=COVERAGES[-1], min_frequency=floor)


def map_section(log: EventLog, coverage: float | None, min_frequency: int | None) -> Html:
    pm = readable_map(log, coverage, min_frequency)
    full = process_map(log) if pm.cases < pm.total_cases else pm
    shown = _(
        "%(nodes)s of %(all_nodes)s activities and %(edges)s of %(all_edges)s edges, "
        "from %(cases)s of %(total)s cases (%(share)s)."
    ) % {
        "nodes": pm.nodes.height,
        "all_nodes": full.nodes.height,
        "edges": pm.edges.height,
        "all_edges": full.edges.height,
        "cases": f"{pm.cases:,}",
        "total": f"{pm.total_cases:,}",
        "share": percent(pm.cases / pm.total_cases if pm.total_cases else 1.0),
    }
    switch = (
        '<input type="radio" name="fb-metric" id="fb-frequency" checked hidden>'
        '<input type="radio" name="fb-metric" id="fb-median" hidden>'
        f'<p class="switch"><label for="fb-frequency">● {text(_("Frequency"))}</label>'
        f'<label for="fb-median">● {text(_("Median time"))}</label></p>'
    )
    maps = (
        '<div class="maps">'
        f'<div class="by-frequency">{process_map_svg(pm, metric="frequency")}</div>'
        f'<div class="by-median">{process_map_svg(pm, metric="median")}</div></div>'
    )
    legend = _(
        "Darker boxes and wider arrows are more frequent; red arrows go back to an earlier "
        "step (rework); dashed arrows come from the start (●) or go to the end (■)."
    )
    return section("map", _("Process map"), note(shown), note(legend), Html(switch + maps))


def page(title: str, source: str, generated_at: datetime | None, sections: list[Html]) -> str:
    language = "zh-Hans" if _("Process map") != "Process map" else "en"
    byline = [_("Source: %(source)s") % {"source": source}] if source else []
    if generated_at is not None:
        byline.append(_("generated %(when)s") % {"when": f"{generated_at:%Y-%m-%d %H:%M %Z}"})
    links = "".join(
        f'<a href="#{anchor}">{text(name)}</a>'
        for anchor, name in (
            ("summary", _("Summary")),
            ("findings", _("Findings")),
            ("map", _("Process map")),
            ("variants", _("Variants")),
            ("handoffs", _("Hand-offs")),
            ("rework", _("Rework")),
            ("performance", _("Performance")),
        )
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{text(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{text(title)}</h1><p>{text(' · '.join(byline))}</p>"
        f"<nav>{links}</nav></header><main>{''.join(sections)}</main>"
        f"<footer>{text(_('Process diagnosis by Flowbridge'))}</footer></body></html>\n"
    )
