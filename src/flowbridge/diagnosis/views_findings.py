"""Findings of a dataset (with interview notes beside), its targets, exports, and the ranking.

The ranking scores every ready dataset the user may see with
``flowbridge.mining.score`` (cached per dataset, so the list reads the
database once) and orders them with ``score.rank``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from flowbridge.core.errors import NotAllowed
from flowbridge.core.permissions import visible
from flowbridge.diagnosis import notes
from flowbridge.diagnosis.analysis import Analysis, NotReady
from flowbridge.diagnosis.export import findings_markdown, findings_xlsx, kind_label
from flowbridge.diagnosis.interviews_forms import TargetsForm, rates_text
from flowbridge.diagnosis.models import Dataset, Status
from flowbridge.diagnosis.views_analysis import dataset_for, duration, not_ready, percent, tab
from flowbridge.diagnosis.views_interviews import measured, node_blocks, notes_by_activity

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ARROW = " → "


@login_required
@require_GET
def findings_view(request: HttpRequest, dataset_id: int) -> HttpResponse:
    """Ranked findings, each with its evidence and advice and the notes of its activities."""
    dataset = dataset_for(request, dataset_id)
    try:
        analysis = Analysis(dataset)
        found = analysis.findings()
        figures = measured(analysis)
        known = set(analysis.activities())
    except NotReady as error:
        return not_ready(request, dataset, "findings", error)
    grouped = notes_by_activity(request.user, dataset)
    rows = []
    for rank, finding in enumerate(found, 1):
        names = [n for n in finding.subject.split(ARROW) if n in known]
        rows.append(
            {
                "rank": rank,
                "finding": finding,
                "kind": kind_label(finding.kind),
                "lost": duration(finding.time_lost_seconds),
                "evidence": [
                    (key, _evidence_text(key, value)) for key, value in finding.evidence.items()
                ],
                "nodes": node_blocks(names, grouped, figures),
            }
        )
    return tab(request, dataset, "findings", "findings.html", {"rows": rows})


def _evidence_text(key: str, value: Any) -> str:
    if isinstance(value, float):
        if key.endswith("seconds"):
            return duration(value)
        if key.endswith(("share", "rate")) or "share_" in key:
            return percent(value)
        return f"{value:.3g}"
    return str(value)


@login_required
@require_GET
def export_findings(request: HttpRequest, dataset_id: int, fmt: str) -> HttpResponse:
    """The findings as ``xlsx`` or ``md`` (``fmt``), as a download."""
    dataset = dataset_for(request, dataset_id)
    try:
        found = Analysis(dataset).findings()
    except NotReady as error:
        return not_ready(request, dataset, "findings", error)
    title = _("Findings: %(name)s") % {"name": dataset.name}
    base = slugify(dataset.name, allow_unicode=True) or f"dataset-{dataset.pk}"
    if fmt == "xlsx":
        response = HttpResponse(findings_xlsx(found, title=title), content_type=XLSX)
    elif fmt == "md":
        response = HttpResponse(
            findings_markdown(found, title=title), content_type="text/markdown; charset=utf-8"
        )
    else:
        raise Http404(_("Unknown export format %(fmt)s: use xlsx or md.") % {"fmt": fmt})
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(base)}-findings.{fmt}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest, dataset_id: int) -> HttpResponse:
    """Target cycle time and cost per hour of a dataset: the process office edits them."""
    dataset = dataset_for(request, dataset_id)
    editable = notes.may_set_targets(request.user)
    initial = {
        "target_hours": dataset.target_cycle_seconds / 3600
        if dataset.target_cycle_seconds
        else None,
        "cost_per_hour": rates_text(dataset.cost_per_hour or {}),
    }
    form = TargetsForm(initial=initial)
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Only the process office sets targets and costs."))
        form = TargetsForm(request.POST)
        if form.is_valid():
            hours = form.cleaned_data["target_hours"]
            try:
                notes.set_targets(
                    request.user,
                    dataset,
                    target_cycle_seconds=hours * 3600 if hours else None,
                    cost_per_hour=form.cleaned_data["cost_per_hour"],
                )
            except NotAllowed as error:
                raise PermissionDenied(error.message) from error
            messages.success(request, _("Targets saved."))
            return redirect("diagnosis:targets", dataset_id=dataset.pk)
        status = 422
    return tab(
        request,
        dataset,
        "targets",
        "targets.html",
        {"form": form, "editable": editable},
        status=status,
    )


@login_required
@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    """Every ready dataset the user may see, scored and ranked, most urgent first."""
    from flowbridge.mining.i18n import language
    from flowbridge.mining.score import component_label, rank

    datasets = list(visible(request.user, Dataset.objects.filter(status=Status.READY)))
    scores: dict[str, Any] = {}
    by_key: dict[str, Dataset] = {}
    problems: list[str] = []
    for dataset in datasets:
        try:
            scores[str(dataset.pk)] = Analysis(dataset).score()
        except NotReady as error:
            problems.append(error.message)
            continue
        by_key[str(dataset.pk)] = dataset
    ranked = rank(scores)
    with language(get_language() or settings.LANGUAGE_CODE):
        rows = [
            {
                "position": n,
                "dataset": by_key[key],
                "score": s,
                "components": [
                    (component_label(name), part.get("sub_score"))
                    for name, part in s.components.items()
                ],
            }
            for n, (key, s) in enumerate(ranked, 1)
        ]
    # Weights move to the components a process has (no target, no costs): one formula per set.
    formulas: dict[str, list[str]] = {}
    for key, process_score in ranked:
        formulas.setdefault(process_score.formula, []).append(by_key[key].name)
    return render(
        request,
        "diagnosis/analysis/ranking.html",
        {"rows": rows, "formulas": list(formulas.items()), "problems": problems},
    )
