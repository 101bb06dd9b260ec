"""Analysis tabs of a dataset: overview, process map (with its case lists), variants, hand-offs.

Findings, interviews, ranking and exports are in :mod:`.views_findings`
and :mod:`.views_interviews`. Every tab first finds the dataset among those
the user may see (404 otherwise) and builds one :class:`Analysis` for the
request; a dataset that is not ready, or a bad parameter, becomes a page
saying so instead of an error.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from flowbridge.core.errors import InvalidInput
from flowbridge.core.permissions import visible
from flowbridge.diagnosis.analysis import (
    Analysis,
    MapParams,
    NotReady,
    map_params,
    page_of,
)
from flowbridge.diagnosis.models import Dataset

MAX_LISTED_VARIANTS = 200
NONE = "\u2013"  # an en dash where there is no figure


def dataset_for(request: HttpRequest, dataset_id: int) -> Dataset:
    """The dataset if the user may see it; 404 for one that is missing or hidden alike."""
    try:
        return visible(request.user, Dataset.objects.all()).get(pk=dataset_id)
    except Dataset.DoesNotExist as error:
        raise Http404(
            _("No dataset %(id)s among those you may see.") % {"id": dataset_id}
        ) from error


def tab(
    request: HttpRequest,
    dataset: Dataset,
    name: str,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """Render one tab inside the dataset's tab bar."""
    return render(
        request,
        f"diagnosis/analysis/{template}",
        {"dataset": dataset, "tab": name, **context},
        status=status,
    )


def not_ready(request: HttpRequest, dataset: Dataset, name: str, error: NotReady) -> HttpResponse:
    return tab(request, dataset, name, "not_ready.html", {"message": error.message}, status=409)


def duration(seconds: float | None) -> str:
    """``3 d 4 h``, ``2 h 5 min``, ``40 s``: two units at most, in the user's language."""
    if seconds is None:
        return NONE
    sign = "-" if seconds < 0 else ""
    left = abs(float(seconds))
    days, left = divmod(left, 86400)
    hours, left = divmod(left, 3600)
    minutes, secs = divmod(left, 60)
    if days:
        text = _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    elif hours:
        text = _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    elif minutes:
        text = _("%(m)d min") % {"m": minutes}
    else:
        text = _("%(s)d s") % {"s": secs}
    return sign + text


def percent(share: float | None) -> str:
    return NONE if share is None else f"{share * 100:.1f} %"


def case_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "duration": duration(row["duration_seconds"])} for row in rows]


def page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@login_required
@require_GET
def overview(request: HttpRequest, dataset_id: int) -> HttpResponse:
    dataset = dataset_for(request, dataset_id)
    try:
        data = Analysis(dataset).overview()
    except NotReady as error:
        return not_ready(request, dataset, "overview", error)
    stats = data["stats"]
    histogram = _bars(data["histogram"], "cases")
    throughput = _bars(data["throughput"], "completed")
    return tab(
        request,
        dataset,
        "overview",
        "overview.html",
        {
            "data": data,
            "stats": [
                (_("Mean"), duration(stats.get("mean"))),
                (_("Median"), duration(stats.get("median"))),
                (_("90th percentile"), duration(stats.get("p90"))),
                (_("Shortest"), duration(stats.get("min"))),
                (_("Longest"), duration(stats.get("max"))),
            ],
            "histogram": [
                {
                    **row,
                    "label": _span(row["lower_seconds"], row["upper_seconds"]),
                }
                for row in histogram
            ],
            "throughput": [
                {
                    **row,
                    "label": row["period"].strftime("%Y-%m-%d"),
                    "median": duration(row["median_cycle_seconds"]),
                }
                for row in throughput
            ],
        },
    )


def _span(low: float, high: float) -> str:
    return f"{duration(low)} {NONE} {duration(high)}"


def _bars(frame: pl.DataFrame, column: str) -> list[dict[str, Any]]:
    """Rows of ``frame`` with ``width``: the bar's length in percent of the largest ``column``."""
    rows = frame.to_dicts()
    top = max((row[column] or 0 for row in rows), default=0) or 1
    return [{**row, "width": round(100 * (row[column] or 0) / top, 1)} for row in rows]


@login_required
@require_GET
def process_map(request: HttpRequest, dataset_id: int) -> HttpResponse:
    """The map: filters (no JS: a form), the SVG, and the cases of a clicked node or edge."""
    dataset = dataset_for(request, dataset_id)
    try:
        analysis = Analysis(dataset)
        top = analysis.max_frequency()
    except NotReady as error:
        return not_ready(request, dataset, "map", error)
    status = 200
    problem = ""
    try:
        params = map_params(request.GET, max_frequency=top)
    except InvalidInput as error:
        params, problem, status = MapParams(), error.message, 400
    pm = analysis.process_map(params)
    selection = _selection(request, analysis, pm)
    context = {
        "params": params,
        "coverage_percent": round(params.coverage * 100),
        "max_frequency": top,
        "problem": problem,
        "map": pm,
        "svg": analysis.map_svg(params),
        "nodes": [
            {**row, "selected": row["activity"] == request.GET.get("activity")}
            for row in pm.nodes.to_dicts()
        ],
        "edges": [
            {**row, "median": duration(row["median_seconds"])} for row in pm.edges.to_dicts()
        ],
        **selection,
    }
    if request.GET.get("partial") == "cases":
        return render(
            request,
            "diagnosis/analysis/_cases.html",
            {"dataset": dataset, **context},
            status=status,
        )
    return tab(request, dataset, "map", "map.html", context, status=status)


def _selection(request: HttpRequest, analysis: Analysis, pm: Any) -> dict[str, Any]:
    """The cases of the node (``activity``) or edge (``source``, ``target``) asked for, paged."""
    activity = request.GET.get("activity") or None
    source = request.GET.get("source") or None
    target = request.GET.get("target") or None
    if activity is None and (source is None or target is None):
        return {"selected": None}
    names = set(analysis.process_map(MapParams()).nodes.get_column("activity").to_list())
    unknown = [
        name for name in (activity, source, target) if name is not None and name not in names
    ]
    if unknown:
        return {
            "selected": None,
            "selection_problem": _("No activity %(name)s in this log.") % {"name": unknown[0]},
        }
    frame = analysis.cases_of(activity=activity, source=source, target=target)
    rows, pages = page_of(frame, page_number(request))
    page = min(page_number(request), pages)
    label = activity if activity is not None else f"{source} → {target}"
    # The pager keeps the map's filters; ``partial`` is added by the script when it asks.
    keep = request.GET.copy()
    for name in ("page", "partial"):
        keep.pop(name, None)
    query = keep.urlencode()
    return {
        "selected": label,
        "selected_cases": case_rows(rows),
        "selected_total": frame.height,
        "selected_page": page,
        "selected_pages": pages,
        "selected_query": query,
    }


@login_required
@require_GET
def variant_list(request: HttpRequest, dataset_id: int) -> HttpResponse:
    dataset = dataset_for(request, dataset_id)
    try:
        table = Analysis(dataset).variants()
    except NotReady as error:
        return not_ready(request, dataset, "variants", error)
    rows = [
        {
            **row,
            "steps": len(row["activities"]),
            "share_text": percent(row["share"]),
            "median": duration(row["median_seconds"]),
        }
        for row in table.head(MAX_LISTED_VARIANTS).to_dicts()
    ]
    return tab(request, dataset, "variants", "variants.html", {"rows": rows, "total": table.height})


@login_required
@require_GET
def variant_detail(request: HttpRequest, dataset_id: int, number: int) -> HttpResponse:
    dataset = dataset_for(request, dataset_id)
    try:
        analysis = Analysis(dataset)
        table = analysis.variants()
    except NotReady as error:
        return not_ready(request, dataset, "variants", error)
    found = table.filter(pl.col("number") == number)
    if found.height == 0:
        raise Http404(_("This log has no variant %(number)s.") % {"number": number})
    row = found.to_dicts()[0]
    rows, pages = page_of(analysis.cases_of(variant=number), page_number(request))
    return tab(
        request,
        dataset,
        "variants",
        "variant.html",
        {
            "variant": {
                **row,
                "share_text": percent(row["share"]),
                "median": duration(row["median_seconds"]),
            },
            "cases": case_rows(rows),
            "page": min(page_number(request), pages),
            "pages": pages,
        },
    )


@login_required
@require_GET
def handoff_view(request: HttpRequest, dataset_id: int) -> HttpResponse:
    dataset = dataset_for(request, dataset_id)
    try:
        analysis = Analysis(dataset)
        frame = analysis.handoffs()
        svg = analysis.heatmap_svg()
    except NotReady as error:
        return not_ready(request, dataset, "handoffs", error)
    rows = [
        {
            **row,
            "median": duration(row["median_seconds"]),
            "total": duration(row["total_seconds"]),
            "share_text": percent(row["share_of_cycle_time"]),
        }
        for row in (frame.to_dicts() if frame is not None else [])
    ]
    return tab(
        request,
        dataset,
        "handoffs",
        "handoffs.html",
        {"rows": rows, "svg": svg, "has_departments": frame is not None},
    )
