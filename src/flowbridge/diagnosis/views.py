"""Pages: the list of datasets, upload, column mapping, the import job."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from flowbridge.core.permissions import visible
from flowbridge.diagnosis.models import Dataset


@login_required
def dataset_list(request: HttpRequest) -> HttpResponse:
    datasets = visible(request.user, Dataset.objects.all())
    return render(request, "diagnosis/list.html", {"datasets": datasets})
