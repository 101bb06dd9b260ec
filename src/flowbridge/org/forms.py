"""Forms of the organization pages. They only parse input; services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from flowbridge.core.permissions import Role
from flowbridge.org.models import Department, Person

PAGE_SIZE = 25


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        person: Person = obj
        return f"{person.display_name} ({person.employee_no})"


class PeopleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        person: Person = obj
        title = f" · {person.title}" if person.title else ""
        return f"{person.display_name}{title}"


class LiaisonForm(forms.Form):
    """Pick the department's liaisons; the service refuses more than two."""

    liaisons = PeopleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Liaisons"),
        help_text=_("Choose one or two people."),
    )

    def __init__(self, *args: Any, department: Department, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["liaisons"]
        assert isinstance(field, PeopleChoiceField)
        field.queryset = liaison_candidates(department)
        if not self.is_bound:
            self.initial["liaisons"] = [
                pk
                for pk in department.liaisons.order_by("position").values_list(
                    "person_id", flat=True
                )
            ]


def liaison_candidates(department: Department) -> QuerySet[Person]:
    """Active members of the department, plus its current liaisons wherever they sit."""
    current = department.liaisons.values("person_id")
    return (
        Person.objects.filter(Q(is_active=True, department=department) | Q(pk__in=current))
        .select_related("department")
        .order_by("employee_no")
    )


class DepartmentForm(forms.Form):
    """Edit a department's names, head and order; ``version`` guards against lost updates."""

    name = forms.CharField(max_length=100, label=_("name (Chinese)"))
    name_en = forms.CharField(max_length=100, required=False, label=_("name (English)"))
    head = PersonChoiceField(queryset=Person.objects.none(), required=False, label=_("head"))
    sort_order = forms.IntegerField(min_value=0, label=_("sort order"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, department: Department, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        head = self.fields["head"]
        assert isinstance(head, PersonChoiceField)
        head.queryset = Person.objects.filter(is_active=True).order_by("employee_no")
        if not self.is_bound:
            self.initial.update(
                name=department.name,
                name_en=department.name_en,
                head=department.head_id,
                sort_order=department.sort_order,
                version=department.version,
            )


ROLE_FILTERS = [
    ("", _("All roles")),
    (Role.DEPARTMENT_HEAD.value, Role.DEPARTMENT_HEAD.label),
    (Role.LIAISON.value, Role.LIAISON.label),
    (Role.MANAGEMENT.value, Role.MANAGEMENT.label),
    (Role.PROCESS_OFFICE.value, Role.PROCESS_OFFICE.label),
    (Role.SYSTEM_ADMIN.value, Role.SYSTEM_ADMIN.label),
    (Role.AUDITOR.value, Role.AUDITOR.label),
]


class DepartmentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        department: Department = obj
        return department.display_name


class PeopleFilterForm(forms.Form):
    """The directory's search box and filters (GET)."""

    q = forms.CharField(required=False, label=_("Search"))
    department = DepartmentChoiceField(
        queryset=Department.objects.order_by("sort_order", "code"),
        required=False,
        to_field_name="code",
        empty_label=_("All departments"),
        label=_("Department"),
    )
    role = forms.ChoiceField(choices=ROLE_FILTERS, required=False, label=_("Role"))
