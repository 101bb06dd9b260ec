"""Forms of the sign-in and profile pages; they validate input, services change state."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from flowbridge.accounts.services import MAX_TOKEN_DAYS
from flowbridge.org.models import Person


class DeputyField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Labels a person with department and number, so that namesakes can be told apart."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} · {obj.department.display_name} · {obj.employee_no}"


class DelegationForm(forms.Form):
    """ "I am away from A to B; my deputy is X"."""

    deputy = DeputyField(
        queryset=Person.objects.none(), label=_("Deputy"), empty_label=_("Choose a person")
    )
    starts_on = forms.DateField(
        label=_("Away from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Away until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["deputy"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Person.objects.filter(is_active=True)
            .exclude(pk=person.pk)
            .select_related("department")
            .order_by("name")
        )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        required=False,
        min_value=1,
        max_value=MAX_TOKEN_DAYS,
        help_text=_("Leave empty for a token that does not expire."),
    )
