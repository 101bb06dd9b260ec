"""Django forms for the actions on a task or request page.

Each form carries ``expected_revision`` (the case revision the page showed),
so acting on a stale page gives a clear Conflict instead of a surprise. The
forms only shape input; the rules live in the services they feed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from flowbridge.org.models import Person


class PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        department = obj.department.display_name if obj.department_id else ""
        return f"{obj.display_name} · {obj.employee_no} · {department}".rstrip(" ·")


class PeopleChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return PersonChoice.label_from_instance(self, obj)  # type: ignore[arg-type]


def _people() -> Any:
    return Person.objects.filter(is_active=True).select_related("department").order_by("name")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files (comments' attachments)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[Any]]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ActionForm(forms.Form):
    """Base: the revision the page showed."""

    expected_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def revision(self) -> int | None:
        value = self.cleaned_data.get("expected_revision")
        return int(value) if value is not None else None


def _comment(required: bool = False, label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Comment"),
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecideForm(ActionForm):
    comment = _comment()


class RejectForm(ActionForm):
    comment = _comment(required=True, label=_("Reason"))


class AddApproverForm(ActionForm):
    POSITIONS = [
        ("before", _("Before me (they approve first, then it comes back to me)")),
        ("after", _("After me (they approve after I do)")),
        ("parallel", _("Alongside me (we both approve)")),
    ]
    people = PeopleChoice(queryset=Person.objects.none(), label=_("People"))
    position = forms.ChoiceField(
        choices=POSITIONS, initial="after", widget=forms.RadioSelect, label=_("Where")
    )
    comment = _comment()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = _people()  # type: ignore[attr-defined]


class PersonForm(ActionForm):
    """Transfer or delegate to one person."""

    to = PersonChoice(queryset=Person.objects.none(), label=_("To"))
    comment = _comment()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = _people()  # type: ignore[attr-defined]


class ReturnForm(ActionForm):
    target = forms.ChoiceField(label=_("Return to"))
    comment = _comment(required=True, label=_("Reason"))

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets  # type: ignore[attr-defined]


class WithdrawForm(ActionForm):
    reason = _comment(label=_("Reason"))


class UrgeForm(ActionForm):
    message = forms.CharField(label=_("Message"), required=False, max_length=500)


class CarbonCopyForm(ActionForm):
    people = PeopleChoice(queryset=Person.objects.none(), label=_("People"))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = _people()  # type: ignore[attr-defined]


class CommentForm(ActionForm):
    text = _comment(required=True, label=_("Comment"))
    attachments = MultipleFileField(label=_("Attachments"))
