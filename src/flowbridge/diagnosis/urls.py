"""Diagnosis pages under /diagnosis/: datasets and their import (here), analyses (urls_analysis)."""

from __future__ import annotations

from django.urls import include, path

from flowbridge.diagnosis import views

app_name = "diagnosis"

urlpatterns = [
    path("", views.dataset_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("<int:dataset_id>/", views.job, name="job"),
    path("<int:dataset_id>/status.json", views.job_status, name="status"),
    path("<int:dataset_id>/mapping/", views.mapping, name="mapping"),
    path("<int:dataset_id>/delete/", views.delete, name="delete"),
    path("engine/<int:process_id>/refresh/", views.refresh, name="refresh"),
    path("", include("flowbridge.diagnosis.urls_analysis")),
]
