"""Analysis pages of a dataset (tabs), its exports and notes, and the ranking across processes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from flowbridge.diagnosis import views_analysis, views_findings, views_interviews

urlpatterns: list[URLPattern | URLResolver] = [
    path("ranking/", views_findings.ranking, name="ranking"),
    path("<int:dataset_id>/overview/", views_analysis.overview, name="overview"),
    path("<int:dataset_id>/map/", views_analysis.process_map, name="map"),
    path("<int:dataset_id>/variants/", views_analysis.variant_list, name="variants"),
    path(
        "<int:dataset_id>/variants/<int:number>/",
        views_analysis.variant_detail,
        name="variant",
    ),
    path("<int:dataset_id>/handoffs/", views_analysis.handoff_view, name="handoffs"),
    path("<int:dataset_id>/findings/", views_findings.findings_view, name="findings"),
    path(
        "<int:dataset_id>/findings.<slug:fmt>",
        views_findings.export_findings,
        name="export",
    ),
    path("<int:dataset_id>/targets/", views_findings.targets, name="targets"),
    path("<int:dataset_id>/interviews/", views_interviews.interviews, name="interviews"),
    path(
        "<int:dataset_id>/interviews/<int:note_id>/delete/",
        views_interviews.delete_note,
        name="note_delete",
    ),
]
