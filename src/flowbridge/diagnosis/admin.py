"""Read-only admin views of datasets and interview notes: every change goes through the services."""

from __future__ import annotations

from django.contrib import admin

from flowbridge.core.readonly_admin import ReadOnlyAdmin
from flowbridge.diagnosis.models import Dataset, InterviewNote


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "source", "status", "events", "cases", "created_at")
    list_filter = ("source", "status")
    search_fields = ("name", "original_filename")


@admin.register(InterviewNote)
class InterviewNoteAdmin(ReadOnlyAdmin):
    list_display = ("id", "dataset", "activity", "author", "created_at")
    search_fields = ("activity", "pain_points")
