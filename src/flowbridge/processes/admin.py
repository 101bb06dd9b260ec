"""Read-only admin for process definitions and versions: deploying goes through the service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from flowbridge.processes.models import ProcessDefinition, ProcessVersion


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shows rows; never adds, changes or deletes them (versions are immutable)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(ReadOnlyAdmin):
    list_display = ["key", "name", "name_en", "owner", "created_at"]
    search_fields = ["key", "name", "name_en"]


@admin.register(ProcessVersion)
class ProcessVersionAdmin(ReadOnlyAdmin):
    list_display = ["definition", "number", "bpmn_process_id", "deployed_by", "deployed_at"]
    list_filter = ["definition"]
    exclude = ["bpmn_xml"]
