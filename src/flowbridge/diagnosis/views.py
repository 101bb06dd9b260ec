"""Pages: the datasets, upload, column mapping, and the import job with its progress.

Views only parse and render; every change goes through
:mod:`flowbridge.diagnosis.services`. A dataset the user may not see is a
404; an action they may not take is a 403.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from flowbridge.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from flowbridge.core.permissions import Action, may, principal_for, visible
from flowbridge.diagnosis import services
from flowbridge.diagnosis.engine_log import processes_with_cases
from flowbridge.diagnosis.forms import MappingForm, ObjectTypeForm, UploadForm
from flowbridge.diagnosis.models import Dataset, Source, Status
from flowbridge.processes.models import ProcessDefinition


@contextmanager
def http_errors() -> Iterator[None]:
    """NotAllowed → 403, NotFound → 404, with the service's message."""
    try:
        yield
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except NotFound as error:
        raise Http404(error.message) from error


def _dataset(request: HttpRequest, dataset_id: int) -> Dataset:
    with http_errors():
        return services.get_dataset(request.user, dataset_id)


def _add_problems(form: Any, error: InvalidInput) -> None:
    if not error.problems:
        form.add_error(None, error.message)
    for problem in error.problems:
        form.add_error(problem.where if problem.where in form.fields else None, problem.message)


@login_required
def dataset_list(request: HttpRequest) -> HttpResponse:
    datasets = list(
        visible(request.user, Dataset.objects.all()).select_related("process", "department")
    )
    principal = principal_for(request.user)
    may_refresh = may(principal, Action.CHANGE, Dataset) and principal.has(
        *services.ENGINE_REFRESHERS
    )
    built = {d.process_id for d in datasets if d.source == Source.ENGINE}
    unbuilt = [p for p in processes_with_cases() if p.pk not in built] if may_refresh else []
    return render(
        request,
        "diagnosis/list.html",
        {
            "datasets": datasets,
            "unbuilt": unbuilt,
            "may_upload": may(principal, Action.CHANGE, Dataset),
            "may_refresh": may_refresh,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Action.CHANGE, Dataset):
        raise PermissionDenied(_("You may not upload event logs."))
    limit = int(settings.DIAGNOSIS_MAX_UPLOAD_BYTES)
    form = UploadForm()
    if request.method == "POST":
        # Refuse a too-large body before reading it (the browser says how long it is).
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > limit + 1024 * 1024:
            context = _upload_context(form, limit, problem=_too_large(length, limit))
            return render(request, "diagnosis/upload.html", context, status=413)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            file = form.cleaned_data["file"]
            try:
                with http_errors():
                    dataset = services.create_upload(
                        request.user,
                        filename=file.name,
                        chunks=file.chunks(),
                        size=file.size,
                        name=form.cleaned_data["name"],
                        move_from=temporary_path(file),
                    )
            except InvalidInput as error:
                _add_problems(form, error)
            else:
                if dataset.mapping.get("format") in services.NEEDS_MAPPING:
                    return redirect("diagnosis:mapping", dataset.pk)
                return redirect("diagnosis:job", dataset.pk)
    return render(request, "diagnosis/upload.html", _upload_context(form, limit))


def temporary_path(file: Any) -> Path | None:
    """Where Django streamed a large upload to disk (None for a small one kept in memory)."""
    path = getattr(file, "temporary_file_path", None)
    return Path(path()) if callable(path) else None


def _upload_context(form: UploadForm, limit: int, problem: str = "") -> dict[str, Any]:
    mb = f"{limit / 1e6:,.0f}"
    message = _("%(name)s is %(size)s MB; the largest file this site accepts is %(limit)s MB.")
    return {
        "form": form,
        "problem": problem,
        "limit_mb": mb,
        "limit_bytes": limit,
        # Filled in by the page's script with the chosen file's name and size.
        "too_large_text": message.replace("%(limit)s", mb),
    }


def _too_large(size: int, limit: int) -> str:
    return _("The file is %(size)s MB; the largest this site accepts is %(limit)s MB.") % {
        "size": f"{size / 1e6:,.0f}",
        "limit": f"{limit / 1e6:,.0f}",
    }


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest, dataset_id: int) -> HttpResponse:
    dataset = _dataset(request, dataset_id)
    if not may(request.user, Action.CHANGE, dataset):
        raise PermissionDenied(_("You may not change this dataset."))
    if dataset.status in (Status.IMPORTING, Status.READY) or not dataset.upload_path:
        return redirect("diagnosis:job", dataset.pk)
    if dataset.mapping.get("format") == "ocel":
        return _object_type_page(request, dataset)
    data = request.POST if request.method == "POST" else None
    chosen = {k: v for k, v in (data or request.GET).items() if k in services.MAPPING_ROLES}
    try:
        shown = services.preview(dataset, chosen)
    except InvalidInput as error:
        messages.error(request, error.message)
        return redirect("diagnosis:job", dataset.pk)
    form = MappingForm(data, columns=shown.columns, initial_mapping=shown.mapping)
    if data is not None and form.is_valid():
        try:
            with http_errors():
                services.confirm_mapping(request.user, dataset, form.cleaned_data)
        except InvalidInput as error:
            _add_problems(form, error)
        except Conflict as error:
            messages.error(request, error.message)
            return redirect("diagnosis:job", dataset.pk)
        else:
            return redirect("diagnosis:job", dataset.pk)
    return render(
        request,
        "diagnosis/mapping.html",
        {
            "dataset": dataset,
            "form": form,
            "preview": shown,
            "preview_rows": [[row.get(c) for c in shown.columns] for row in shown.rows],
        },
    )


def _object_type_page(request: HttpRequest, dataset: Dataset) -> HttpResponse:
    try:
        types = services.object_types(dataset)
    except InvalidInput as error:
        types, problem = {}, error.message
    else:
        problem = "" if types else _("This installation cannot read OCEL files yet.")
    data = request.POST if request.method == "POST" else None
    form = ObjectTypeForm(data, types=types)
    if data is not None and form.is_valid():
        try:
            with http_errors():
                services.confirm_mapping(request.user, dataset, form.cleaned_data)
        except InvalidInput as error:
            _add_problems(form, error)
        else:
            return redirect("diagnosis:job", dataset.pk)
    return render(
        request,
        "diagnosis/object_type.html",
        {"dataset": dataset, "form": form, "problem": problem},
    )


def status_json(dataset: Dataset) -> dict[str, Any]:
    """What the job page (and its polling script, and the API) shows of an import."""
    return {
        "id": dataset.pk,
        "status": dataset.status,
        "status_label": str(Status(dataset.status).label),
        "progress": round(dataset.progress, 4),
        "error": dataset.error,
        "events": dataset.events,
        "cases": dataset.cases,
        "report": dataset.import_report,
        "needs_mapping": dataset.status == Status.PENDING
        and not dataset.job_id
        and dataset.mapping.get("format") in services.NEEDS_MAPPING,
    }


@login_required
def job(request: HttpRequest, dataset_id: int) -> HttpResponse:
    dataset = _dataset(request, dataset_id)
    state = status_json(dataset)
    may_change = may(request.user, Action.CHANGE, dataset)
    return render(
        request,
        "diagnosis/job.html",
        {
            "dataset": dataset,
            "state": state,
            "running": dataset.status in (Status.PENDING, Status.IMPORTING)
            and not state["needs_mapping"]
            and not services.is_stuck(dataset),
            "stuck": services.is_stuck(dataset),
            "may_change": may_change,
            # A failed CSV or OCEL import keeps its file: the user may choose again.
            "may_remap": may_change
            and dataset.status == Status.FAILED
            and bool(dataset.upload_path)
            and dataset.mapping.get("format") in services.NEEDS_MAPPING,
        },
    )


@login_required
def job_status(request: HttpRequest, dataset_id: int) -> JsonResponse:
    return JsonResponse(status_json(_dataset(request, dataset_id)))


@login_required
@require_POST
def delete(request: HttpRequest, dataset_id: int) -> HttpResponse:
    dataset = _dataset(request, dataset_id)
    try:
        with http_errors():
            services.delete_dataset(request.user, dataset)
    except Conflict as error:
        messages.error(request, error.message)
        return redirect("diagnosis:job", dataset.pk)
    messages.success(request, _("Dataset %(name)s deleted.") % {"name": dataset.name})
    return redirect("diagnosis:list")


@login_required
@require_POST
def refresh(request: HttpRequest, process_id: int) -> HttpResponse:
    process = get_object_or_404(ProcessDefinition, pk=process_id)
    try:
        with http_errors():
            dataset = services.refresh_engine(request.user, process)
    except Conflict as error:
        messages.error(request, error.message)
        return redirect("diagnosis:list")
    return redirect("diagnosis:job", dataset.pk)
