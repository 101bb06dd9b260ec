"""Forms of the upload and column-mapping pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

ROLE_LABELS = {
    "case": _("Case id"),
    "activity": _("Activity"),
    "timestamp": _("Time (completed)"),
    "start_timestamp": _("Time started"),
    "resource": _("Person"),
    "department": _("Department"),
}
REQUIRED_ROLES = ("case", "activity", "timestamp")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Event log file"),
        help_text=_("XES, XES.GZ, CSV, Parquet, or OCEL 2.0 (JSON, XML, SQLite)."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Defaults to the file name."),
    )


def _timezone_field() -> forms.CharField:
    return forms.CharField(
        label=_("Time zone"),
        max_length=64,
        initial=settings.TIME_ZONE,
        help_text=_("For times written without an offset, e.g. Asia/Shanghai or UTC."),
    )


class MappingForm(forms.Form):
    """One choice of column per role; the choices are the file's header."""

    def __init__(self, *args: Any, columns: list[str], initial_mapping: dict[str, str], **kw: Any):
        super().__init__(*args, **kw)
        choices = [("", _("(none)")), *[(c, c) for c in columns]]
        for role, label in ROLE_LABELS.items():
            self.fields[role] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=role in REQUIRED_ROLES,
                initial=initial_mapping.get(role, ""),
            )
        self.fields["timezone"] = _timezone_field()


class ObjectTypeForm(forms.Form):
    """OCEL: which object type's life to follow as the case."""

    def __init__(self, *args: Any, types: dict[str, int], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["object_type"] = forms.ChoiceField(
            label=_("Object type"),
            choices=[(name, f"{name} ({count})") for name, count in types.items()],
        )
        self.fields["timezone"] = _timezone_field()
