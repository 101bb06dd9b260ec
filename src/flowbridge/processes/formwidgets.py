"""A Django form for a BPMN form, for pages; its ``clean()`` hands everything to :func:`.clean`.

Every Django field is a plain, optional :class:`forms.Field` that only picks
the right widget (date picker, number with step, select, checkboxes, person
select grouped by department, multiple file input), so no rule lives here:
required marks, ranges and choices are checked once, in
:mod:`.formclean`, and its problems are put next to the fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict

from flowbridge.core.errors import InvalidInput
from flowbridge.org.models import Department, Person
from flowbridge.processes.formclean import clean
from flowbridge.processes.formfields import FormField, FormSpec, parse_boolean


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _limits(spec: FormField) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for name, bound in (("min", spec.minimum), ("max", spec.maximum)):
        if isinstance(bound, Decimal | date):
            attrs[name] = bound.isoformat() if isinstance(bound, date) else format(bound, "f")
    return attrs


def _person_choices() -> list[Any]:
    """Active people grouped by department (an optgroup each), as employee numbers."""
    groups: dict[str, list[tuple[str, str]]] = {}
    people = Person.objects.filter(is_active=True).select_related("department")
    for person in people.order_by("department__sort_order", "department__code", "name"):
        label = f"{person.display_name} ({person.employee_no})"
        groups.setdefault(person.department.display_name, []).append((person.employee_no, label))
    return [("", "---------"), *groups.items()]


def _department_choices() -> list[tuple[str, str]]:
    departments = Department.objects.order_by("sort_order", "code")
    return [("", "---------")] + [(d.code, f"{d.display_name} ({d.code})") for d in departments]


def _widget(spec: FormField) -> forms.Widget:
    attrs: dict[str, Any] = {}
    if spec.required and spec.type not in {"multichoice", "attachment"}:
        attrs["required"] = True
    if spec.readonly:
        attrs["disabled"] = True
    options = [(value, spec.option_label(value)) for value, _zh, _en in spec.options]
    kind = spec.type
    if kind in {"string", "textarea"}:
        if spec.max_length:
            attrs["maxlength"] = str(spec.max_length)
        if spec.min_length:
            attrs["minlength"] = str(spec.min_length)
        return (
            forms.Textarea(attrs={"rows": 4, **attrs})
            if kind == "textarea"
            else forms.TextInput(attrs)
        )
    if kind in {"long", "number", "money"}:
        step = {"long": "1", "number": "any", "money": "0.01"}[kind]
        mode = "numeric" if kind == "long" else "decimal"
        return forms.NumberInput({"step": step, "inputmode": mode, **_limits(spec), **attrs})
    if kind == "date":
        return forms.DateInput({"type": "date", **_limits(spec), **attrs}, format="%Y-%m-%d")
    if kind == "boolean":
        return forms.CheckboxInput(attrs)
    if kind == "enum":
        return forms.Select(attrs, choices=[("", "---------"), *options])
    if kind == "multichoice":
        return forms.CheckboxSelectMultiple(attrs, choices=options)
    if kind == "person":
        return forms.Select(attrs, choices=_person_choices())
    if kind == "department":
        return forms.Select(attrs, choices=_department_choices())
    return MultipleFileInput({"multiple": True, **attrs})


def _initial(spec: FormField, stored: Mapping[str, Any]) -> Any:
    if spec.id in stored:
        return stored[spec.id]
    if spec.default is None:
        return None
    if spec.type == "boolean":
        return parse_boolean(spec.default)
    if spec.type == "multichoice":
        return [part.strip() for part in spec.default.split(",")]
    return spec.default


class SpecForm(forms.Form):
    """Base of the generated forms; after ``is_valid()``, ``cleaned_data`` holds stored values."""

    spec: FormSpec
    partial: bool = False

    def clean(self) -> dict[str, Any]:
        raw = super().clean() or {}
        data: dict[str, Any] = {}
        files: dict[str, Any] = {}
        for name, value in raw.items():
            field = self.spec.field(name)
            if field is None or field.readonly:
                continue
            (files if field.type == "attachment" else data)[name] = value
        try:
            stored = clean(self.spec, data, files, partial=self.partial)
        except InvalidInput as error:
            for problem in error.problems:
                self.add_error(
                    problem.where if problem.where in self.fields else None, problem.message
                )
            return {}
        self.cleaned_data = stored
        return stored


def django_form(
    spec: FormSpec,
    *,
    data: Mapping[str, Any] | None = None,
    files: MultiValueDict[str, UploadedFile[Any]] | None = None,
    initial: Mapping[str, Any] | None = None,
) -> SpecForm:
    """A bound (with ``data``) or unbound form for ``spec`` in the active language."""
    fields: dict[str, forms.Field] = {}
    for spec_field in spec.fields:
        django_field = forms.Field(
            required=False,
            label=spec_field.label,
            help_text=spec_field.help_text,
            widget=_widget(spec_field),
            disabled=spec_field.readonly,
            initial=_initial(spec_field, initial or {}),
        )
        django_field.spec = spec_field  # type: ignore[attr-defined]  # for the template's marks
        fields[spec_field.id] = django_field
    # A field may be called "spec" too: declared fields leave the class namespace.
    form_class = cast(type[SpecForm], type("ProcessForm", (SpecForm,), fields))
    form_class.spec = spec
    return form_class(data=data, files=files)
