"""Read-only admin views of requests: every change goes through the services."""

from __future__ import annotations

from django.contrib import admin

from flowbridge.cases.models import Case, CaseEvent, WorkItem
from flowbridge.core.readonly_admin import ReadOnlyAdmin


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
