"""Read-only admin for process definitions and versions: deploying goes through the service."""

from __future__ import annotations

from django.contrib import admin

from flowbridge.core.readonly_admin import ReadOnlyAdmin
from flowbridge.processes.models import ProcessDefinition, ProcessVersion


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(ReadOnlyAdmin):
    list_display = ["key", "name", "name_en", "owner", "created_at"]
    search_fields = ["key", "name", "name_en"]


@admin.register(ProcessVersion)
class ProcessVersionAdmin(ReadOnlyAdmin):
    list_display = ["definition", "number", "bpmn_process_id", "deployed_by", "deployed_at"]
    list_filter = ["definition"]
    exclude = ["bpmn_xml"]
