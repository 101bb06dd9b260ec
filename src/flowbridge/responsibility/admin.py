"""Read-only admin for core processes and versions: edits go through the matrix and services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from flowbridge.core.readonly_admin import ReadOnlyAdmin
from flowbridge.responsibility.models import (
    CoreProcess,
    ResponsibilityAssignment,
    ResponsibilityStep,
    ResponsibilityVersion,
)


class StepInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ResponsibilityStep
    fields = ("position", "code", "name", "name_en")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AssignmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ResponsibilityAssignment
    fields = ("department", "part")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CoreProcess)
class CoreProcessAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "name_en", "sort_order")
    search_fields = ("code", "name", "name_en")


@admin.register(ResponsibilityVersion)
class ResponsibilityVersionAdmin(ReadOnlyAdmin):
    list_display = ("process", "number", "author_name", "created_at", "note")
    list_filter = ("process",)
    inlines = [StepInline]


@admin.register(ResponsibilityStep)
class ResponsibilityStepAdmin(ReadOnlyAdmin):
    list_display = ("version", "position", "code", "name")
    inlines = [AssignmentInline]
