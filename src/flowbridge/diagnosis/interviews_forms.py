"""Forms of the interview notes (M10) and of a dataset's targets (cycle time, cost per hour)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from flowbridge.diagnosis.models import Tag

MAX_MINUTES = 60 * 24 * 365


class NoteForm(forms.Form):
    """One note on one activity: estimated duration, pain points, tags."""

    activity = forms.ChoiceField(label=_("Activity"))
    estimated_minutes = forms.IntegerField(
        label=_("Estimated duration (minutes)"),
        required=False,
        min_value=0,
        max_value=MAX_MINUTES,
    )
    pain_points = forms.CharField(
        label=_("Pain points"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tags = forms.MultipleChoiceField(
        label=_("Tags"), required=False, choices=Tag.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, activities: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [(a, a) for a in activities]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        empty = (
            data.get("estimated_minutes") is None and not (data.get("pain_points") or "").strip()
        )
        if empty and not data.get("tags"):
            raise forms.ValidationError(
                gettext("Give an estimated duration, a pain point or a tag: the note is empty.")
            )
        return data


class TargetsForm(forms.Form):
    """Target cycle time (hours) and cost per hour of each department, one ``name: rate`` a line."""

    target_hours = forms.FloatField(
        label=_("Target cycle time (hours)"), required=False, min_value=0.01, max_value=100_000
    )
    cost_per_hour = forms.CharField(
        label=_("Cost per hour by department"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "财务部: 180"}),
        help_text=_("One department a line, as the log names it: Finance: 180"),
    )

    def clean_cost_per_hour(self) -> dict[str, float]:
        rates: dict[str, float] = {}
        text = self.cleaned_data.get("cost_per_hour") or ""
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            # Chinese input methods type a full-width colon.
            name, sep, rate = line.replace("\uff1a", ":").rpartition(":")
            try:
                value = float(rate.strip()) if sep else -1.0
            except ValueError:
                value = -1.0
            if not name.strip() or value < 0:
                raise forms.ValidationError(
                    gettext("Line %(n)d: write “department: cost per hour”, got “%(line)s”.")
                    % {"n": number, "line": line.strip()}
                )
            rates[name.strip()] = value
        return rates


def rates_text(rates: dict[str, Any]) -> str:
    """The textarea's content for stored rates."""
    return "\n".join(f"{name}: {rate:g}" for name, rate in sorted(rates.items()))
