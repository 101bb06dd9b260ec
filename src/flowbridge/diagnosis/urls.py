"""Diagnosis pages under /diagnosis/: datasets and their import (here), analyses (urls_analysis)."""

from __future__ import annotations

from django.urls import include, path

from flowbridge.diagnosis import views

app_name = "diagnosis"

urlpatterns = [
    path("", views.dataset_list, name="list"),
    path("", include("flowbridge.diagnosis.urls_analysis")),
]
