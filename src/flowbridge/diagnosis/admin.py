"""Read-only admin views of datasets and interview notes: every change goes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from flowbridge.diagnosis.models import Dataset, InterviewNote


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "source", "status", "events", "cases", "created_at")
    list_filter = ("source", "status")
    search_fields = ("name", "original_filename")


@admin.register(InterviewNote)
class InterviewNoteAdmin(ReadOnlyAdmin):
    list_display = ("id", "dataset", "activity", "author", "created_at")
    search_fields = ("activity", "pain_points")
