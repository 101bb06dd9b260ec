"""Read-only admin views of requests: every change goes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from flowbridge.cases.models import Case, CaseEvent, WorkItem


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "definition", "status", "requester", "started_at")
    list_filter = ("status", "definition")
    search_fields = ("title",)
    exclude = ("engine_state",)


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    list_display = ("id", "case", "step", "assignee", "status", "decision", "created_at")
    list_filter = ("status", "unassigned")


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "case", "activity", "lifecycle", "operation", "person", "timestamp")
    list_filter = ("lifecycle", "operation", "process_key")
