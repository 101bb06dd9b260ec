"""Django admin for the organization, saving through the services.

Forms check the same rules as everywhere (:mod:`flowbridge.org.validation`)
so most mistakes show beside the field; whatever a service still refuses
(permission, a concurrent change) is shown as an error message and nothing
is saved. Delegations cannot be edited, only added or cancelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from flowbridge.core.errors import DomainError
from flowbridge.org import services
from flowbridge.org.models import Delegation, Department, Liaison, Person, PersonRole
from flowbridge.org.validation import (
    Issue,
    department_issues,
    liaison_count_issues,
    person_issues,
)

# ModelAdmin is generic only in the type stubs (django_stubs_ext is not monkeypatched).
if TYPE_CHECKING:
    DepartmentBase = admin.ModelAdmin[Department]
    PersonBase = admin.ModelAdmin[Person]
    LiaisonBase = admin.ModelAdmin[Liaison]
    DelegationBase = admin.ModelAdmin[Delegation]
    RoleInlineBase = admin.TabularInline[PersonRole, Person]
    DepartmentFormBase = forms.ModelForm[Department]
    PersonFormBase = forms.ModelForm[Person]
    LiaisonFormBase = forms.ModelForm[Liaison]
else:
    DepartmentBase = PersonBase = LiaisonBase = DelegationBase = admin.ModelAdmin
    RoleInlineBase = admin.TabularInline
    DepartmentFormBase = PersonFormBase = LiaisonFormBase = forms.ModelForm

FAILED = "_org_admin_failed"


def _add_issues(form: forms.BaseForm, issues: list[Issue]) -> None:
    """Add rule errors, except on fields Django's own field validation already refused."""
    for issue in issues:
        if issue.field in form.errors:
            continue
        form.add_error(issue.field if issue.field in form.fields else None, issue.message)


class ServiceAdminMixin:
    """Report service refusals as admin messages and stay on the form."""

    def _run(self, request: HttpRequest, call: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(request.user, *args, **kwargs)
        except DomainError as exc:
            setattr(request, FAILED, True)
            messages.error(request, str(exc))
            return None

    def _failed(self, request: HttpRequest) -> bool:
        return bool(getattr(request, FAILED, False))

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None) -> Any:
        if self._failed(request):
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)  # type: ignore[misc]

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        if self._failed(request):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)  # type: ignore[misc,no-any-return]

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: int) -> Any:
        if self._failed(request):
            return HttpResponseRedirect(request.path)
        return super().response_delete(request, obj_display, obj_id)  # type: ignore[misc]

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return None if self._failed(request) else super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return None if self._failed(request) else super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        return None if self._failed(request) else super().log_deletions(request, queryset)  # type: ignore[misc]


class DepartmentForm(DepartmentFormBase):
    class Meta:
        model = Department
        fields = ["code", "name", "name_en", "kind", "parent", "head", "sort_order"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _add_issues(
            self,
            department_issues(
                code=data.get("code") or self.instance.code or "",
                name=data.get("name") or "",
                kind=data.get("kind") or "",
                name_en=data.get("name_en") or "",
                sort_order=data.get("sort_order") or 0,
            ),
        )
        return data


@admin.register(Department)
class DepartmentAdmin(ServiceAdminMixin, DepartmentBase):
    form = DepartmentForm
    list_display = ["code", "name", "name_en", "kind", "parent", "head", "sort_order", "version"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent", "head"]
    autocomplete_fields = ["parent", "head"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["code", "version"] if obj is not None else ["version"]

    def save_model(self, request: HttpRequest, obj: Department, form: Any, change: bool) -> None:
        data = form.cleaned_data
        fields = {f: data[f] for f in services.DEPARTMENT_FIELDS if f in data}
        if change:
            original = Department.objects.get(pk=obj.pk)
            changed = {f: v for f, v in fields.items() if f in form.changed_data}
            self._run(request, services.update_department, original, **changed)
        else:
            created = self._run(request, services.create_department, code=data["code"], **fields)
            if created is not None:
                obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: Department) -> None:
        self._run(request, services.delete_department, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Department]) -> None:
        for department in queryset:
            self._run(request, services.delete_department, department)


class RoleInline(RoleInlineBase):
    model = PersonRole
    extra = 0


class PersonForm(PersonFormBase):
    class Meta:
        model = Person
        fields = [
            "employee_no", "name", "name_en", "department", "title", "email", "phone",
            "is_active", "user",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = {f: data.get(f) or "" for f in ("employee_no", "name", "name_en", "email")}
        text |= {f: data.get(f) or "" for f in ("phone", "title")}
        _add_issues(self, person_issues(**text))
        return data


@admin.register(Person)
class PersonAdmin(ServiceAdminMixin, PersonBase):
    form = PersonForm
    inlines = [RoleInline]
    list_display = ["employee_no", "name", "name_en", "department", "title", "is_active", "user"]
    list_filter = ["is_active", "department"]
    search_fields = ["employee_no", "name", "name_en", "title", "email"]
    list_select_related = ["department", "user"]
    autocomplete_fields = ["department", "user"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # people leave by being made inactive; their history stays

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        data = {f: form.cleaned_data.get(f) for f in services.PERSON_FIELDS}
        if change:
            original = Person.objects.get(pk=obj.pk)
            changed = {f: v for f, v in data.items() if f in form.changed_data}
            self._run(request, services.update_person, original, **changed)
        else:
            is_active = data.pop("is_active")
            keep_none = ("user", "department")
            data = {k: ("" if v is None and k not in keep_none else v) for k, v in data.items()}
            created = self._run(request, services.create_person, **data)
            if created is not None:
                obj.pk = created.pk
                if not is_active:
                    self._run(request, services.update_person, created, is_active=False)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if self._failed(request):
            return
        person = Person.objects.get(pk=form.instance.pk)
        for formset in formsets:
            if formset.model is PersonRole:
                roles = [
                    f.cleaned_data["role"]
                    for f in formset.forms
                    if f.cleaned_data and not f.cleaned_data.get("DELETE")
                ]
                self._run(request, services.set_roles, person, roles)
            # The admin's change message reads these; the service did the saving.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class LiaisonForm(LiaisonFormBase):
    class Meta:
        model = Liaison
        fields = ["department", "person", "position"]

    def _get_validation_exclusions(self) -> set[str]:
        # The service renumbers positions, so the position constraints of the table do not
        # apply to what is typed here; the liaison rules in clean() do.
        return {*super()._get_validation_exclusions(), "position"}  # type: ignore[misc]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        department, person = data.get("department"), data.get("person")
        if department is not None and person is not None:
            others = (
                Liaison.objects.filter(department=department)
                .exclude(pk=self.instance.pk)
                .exclude(person=person)
                .select_related("person")
                .order_by("position")
            )
            people = [(lia.person_id, lia.person.name) for lia in others]
            people.insert(
                max(0, min((data.get("position") or 1) - 1, len(people))), (person.pk, person.name)
            )
            _add_issues(self, liaison_count_issues(department.name, people))
        return data


@admin.register(Liaison)
class LiaisonAdmin(ServiceAdminMixin, LiaisonBase):
    form = LiaisonForm
    list_display = ["department", "position", "person"]
    list_select_related = ["department", "person"]
    autocomplete_fields = ["department", "person"]

    def save_model(self, request: HttpRequest, obj: Liaison, form: Any, change: bool) -> None:
        department = form.cleaned_data["department"]
        others = list(
            Liaison.objects.filter(department=department)
            .exclude(pk=obj.pk)
            .exclude(person=obj.person)
            .select_related("person")
            .order_by("position")
        )
        people = [lia.person for lia in others]
        people.insert(max(0, min(obj.position - 1, len(people))), obj.person)
        created = self._run(request, services.set_liaisons, department, people)
        if created is not None:
            obj.pk = next(lia.pk for lia in created if lia.person_id == obj.person.pk)

    def delete_model(self, request: HttpRequest, obj: Liaison) -> None:
        self._run(request, services.remove_liaison, obj.department, obj.person)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Liaison]) -> None:
        for liaison in queryset.select_related("department", "person"):
            self._run(request, services.remove_liaison, liaison.department, liaison.person)


@admin.register(Delegation)
class DelegationAdmin(ServiceAdminMixin, DelegationBase):
    list_display = ["person", "deputy", "starts_on", "ends_on", "reason"]
    list_select_related = ["person", "deputy"]
    autocomplete_fields = ["person", "deputy"]
    fields = ["person", "deputy", "starts_on", "ends_on", "reason"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Delegation, form: Any, change: bool) -> None:
        if change:
            return
        data = form.cleaned_data
        created = self._run(
            request,
            services.add_delegation,
            data["person"],
            data["deputy"],
            data["starts_on"],
            data["ends_on"],
            data.get("reason") or "",
        )
        if created is not None:
            obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: Delegation) -> None:
        self._run(request, services.cancel_delegation, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Delegation]) -> None:
        for delegation in queryset.select_related("person", "deputy"):
            self._run(request, services.cancel_delegation, delegation)
