"""Django admin for the working-time calendar and a read-only view of the audit log.

Calendar edits go through :mod:`flowbridge.core.calendar_services`, so an
edit in the admin writes the audit log like one on the calendar page.
Permissions come from the Flowbridge permission layer, not Django's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext

from flowbridge.core import calendar_services as services
from flowbridge.core.models import AuditEntry, CalendarOverride, CalendarSettings, ConfirmedYear
from flowbridge.core.permissions import Action, may
from flowbridge.core.workcalendar import SUPPORTED_YEARS

# ModelAdmin is generic only in the type stubs (django_stubs_ext is not monkeypatched).
if TYPE_CHECKING:
    SettingsAdminBase = admin.ModelAdmin[CalendarSettings]
    OverrideAdminBase = admin.ModelAdmin[CalendarOverride]
    ConfirmedAdminBase = admin.ModelAdmin[ConfirmedYear]
    AuditAdminBase = admin.ModelAdmin[AuditEntry]
    SettingsFormBase = forms.ModelForm[CalendarSettings]
    ConfirmedFormBase = forms.ModelForm[ConfirmedYear]
else:
    SettingsAdminBase = OverrideAdminBase = ConfirmedAdminBase = AuditAdminBase = admin.ModelAdmin
    SettingsFormBase = ConfirmedFormBase = forms.ModelForm


class _CalendarAdmin:
    """Anyone signed in to the admin may look; only system admins change."""

    model: type

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, Action.VIEW, self.model)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, Action.CHANGE, self.model)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may(request.user, Action.CHANGE, self.model)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, Action.CHANGE, self.model)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request.user, Action.VIEW, self.model)


class SettingsForm(SettingsFormBase):
    class Meta:
        model = CalendarSettings
        fields = ["timezone", "working_periods"]
        help_texts = {"working_periods": '[["09:00", "12:00"], ["13:30", "18:00"]]'}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        periods = data.get("working_periods")
        if not isinstance(periods, list):
            raise forms.ValidationError('[["09:00", "12:00"], ["13:30", "18:00"]]')
        problems = services.working_hours_problems(data.get("timezone", ""), periods)
        if problems:
            raise forms.ValidationError([str(p) for p in problems])
        return data


@admin.register(CalendarSettings)
class CalendarSettingsAdmin(_CalendarAdmin, SettingsAdminBase):
    form = SettingsForm
    list_display = ["__str__", "timezone", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not CalendarSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: CalendarSettings, form: Any, change: bool
    ) -> None:
        saved = services.update_working_hours(request.user, obj.timezone, obj.working_periods)
        obj.pk = saved.pk
        obj.updated_at = saved.updated_at


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(_CalendarAdmin, OverrideAdminBase):
    list_display = ["date", "is_working_day", "reason"]
    list_filter = ["is_working_day"]
    search_fields = ["reason"]
    date_hierarchy = "date"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The date is the override's identity; change it by removing and adding.
        return ["date"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool
    ) -> None:
        saved = services.set_override(request.user, obj.date, obj.is_working_day, obj.reason)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        services.remove_override(request.user, obj.date)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        for day in list(queryset.values_list("date", flat=True)):
            services.remove_override(request.user, day)


class ConfirmedYearForm(ConfirmedFormBase):
    class Meta:
        model = ConfirmedYear
        fields = ["year", "note"]

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if year in SUPPORTED_YEARS:
            raise forms.ValidationError(
                gettext(
                    "%(year)s already has the official arrangement; there is nothing to confirm."
                )
                % {"year": year}
            )
        return year


@admin.register(ConfirmedYear)
class ConfirmedYearAdmin(_CalendarAdmin, ConfirmedAdminBase):
    form = ConfirmedYearForm
    list_display = ["year", "note", "confirmed_at"]
    readonly_fields = ["confirmed_at"]

    def save_model(self, request: HttpRequest, obj: ConfirmedYear, form: Any, change: bool) -> None:
        saved = services.confirm_year(request.user, obj.year, obj.note)
        obj.pk = saved.pk
        obj.confirmed_at = saved.confirmed_at

    def delete_model(self, request: HttpRequest, obj: ConfirmedYear) -> None:
        services.unconfirm_year(request.user, obj.year)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ConfirmedYear]) -> None:
        for year in list(queryset.values_list("year", flat=True)):
            services.unconfirm_year(request.user, year)


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditAdminBase):
    """Read-only: the log is append-only and written by services alone."""

    list_display = ["seq", "at", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["object_type"]
    search_fields = ["action", "object_type", "object_id", "object_repr", "actor_name"]
    date_hierarchy = "at"
    ordering = ["-seq"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, Action.VIEW, AuditEntry)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request.user, Action.VIEW, AuditEntry)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
