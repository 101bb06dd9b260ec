"""Organization pages: the chart, a department, the people directory and a person's card.

Pages read models directly but change nothing themselves: every form calls a
function of :mod:`flowbridge.org.services`, and the errors it raises are shown
with their list of problems.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from flowbridge.core.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from flowbridge.core.permissions import Action, Role, may
from flowbridge.org import services
from flowbridge.org.forms import PAGE_SIZE, DepartmentForm, LiaisonForm, PeopleFilterForm
from flowbridge.org.models import Delegation, Department, Liaison, Person
from flowbridge.org.overview import LIAISON_KINDS, Absences, build_chart, missing_liaisons

_STATUS: list[tuple[type[DomainError], int]] = [
    (InvalidInput, 422),
    (NotAllowed, 403),
    (NotFound, 404),
    (Conflict, 409),
]


# How a request reaches the person (routing's ``Recipient.via``), as readers see it.
VIA_LABELS = {
    "liaison": gettext_lazy("liaison"),
    "head": gettext_lazy("department head, as there is no liaison"),
    "process_office": gettext_lazy("process office, as there is neither liaison nor head"),
}


def _status(exc: DomainError) -> int:
    return next((status for cls, status in _STATUS if isinstance(exc, cls)), 400)


@login_required
def chart(request: HttpRequest) -> HttpResponse:
    absences = Absences()
    roots = build_chart(absences)
    return render(
        request,
        "org/chart.html",
        {"roots": roots, "missing": missing_liaisons(roots), "today": absences.on},
    )


@login_required
def department(request: HttpRequest, code: str) -> HttpResponse:
    dept = get_object_or_404(Department.objects.select_related("head", "parent"), code=code)
    may_set_liaisons = may(request.user, Action.CHANGE, Liaison(department=dept))
    may_edit = may(request.user, Action.CHANGE, dept)
    liaison_form = LiaisonForm(department=dept)
    department_form = DepartmentForm(department=dept)
    error: DomainError | None = None
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "liaisons":
            liaison_form = LiaisonForm(request.POST, department=dept)
            if liaison_form.is_valid():
                try:
                    services.set_liaisons(
                        request.user, dept, list(liaison_form.cleaned_data["liaisons"])
                    )
                except DomainError as exc:
                    error = exc
                else:
                    messages.success(request, _("The liaisons were saved."))
                    return redirect("org:department", code=dept.code)
        elif which == "department":
            department_form = DepartmentForm(request.POST, department=dept)
            if department_form.is_valid():
                try:
                    _save_department(request.user, dept, department_form.cleaned_data)
                except DomainError as exc:
                    error = exc
                else:
                    messages.success(request, _("The department was saved."))
                    return redirect("org:department", code=dept.code)
    context = _department_context(dept)
    context.update(
        liaison_form=liaison_form if may_set_liaisons else None,
        department_form=department_form if may_edit else None,
        error=error,
    )
    return render(request, "org/department.html", context, status=_status(error) if error else 200)


def _save_department(actor: Any, dept: Department, data: dict[str, Any]) -> None:
    fields = {k: data[k] for k in ("name", "name_en", "sort_order", "head")}
    services.update_department(actor, dept, expected_version=data["version"], **fields)


def _department_context(dept: Department) -> dict[str, Any]:
    absences = Absences()
    members = list(
        dept.members.filter(is_active=True).select_related("department").order_by("employee_no")
    )
    liaisons = [
        absences.contact(liaison.person)
        for liaison in dept.liaisons.select_related("person").order_by("position")
    ]
    liaison_ids = {c.person.pk for c in liaisons}
    return {
        "department": dept,
        "today": absences.on,
        "head": absences.contact(dept.head) if dept.head else None,
        "liaisons": liaisons,
        "missing_liaison": not liaisons and dept.kind in LIAISON_KINDS,
        "members": [
            {
                "contact": absences.contact(p),
                "is_head": p.pk == dept.head_id,
                "is_liaison": p.pk in liaison_ids,
            }
            for p in members
        ],
        "recipients": [
            {"recipient": r, "via": VIA_LABELS.get(r.via, r.via)}
            for r in services.recipients_for_department(dept, on=absences.on)
        ],
        "children": list(dept.children.select_related("head").order_by("sort_order", "code")),
        "ancestors": _ancestors(dept),
    }


def _ancestors(dept: Department) -> list[Department]:
    """The department's parents from the company down (for the breadcrumb)."""
    by_id = {d.pk: d for d in Department.objects.all()}
    chain: list[Department] = []
    parent_id = dept.parent_id
    while parent_id is not None and parent_id in by_id and len(chain) < len(by_id):
        chain.append(by_id[parent_id])
        parent_id = by_id[parent_id].parent_id
    return list(reversed(chain))


def _subtree_ids(root: Department) -> set[int]:
    children: dict[int, list[int]] = {}
    for pk, parent in Department.objects.values_list("id", "parent_id"):
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    found, stack = {root.pk}, [root.pk]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def _directory(filters: PeopleFilterForm) -> QuerySet[Person]:
    people = Person.objects.filter(is_active=True)
    # Keep the valid filters when another one is not (an unknown department code, say).
    filters.is_valid()
    data = filters.cleaned_data
    for term in (data.get("q") or "").split():
        people = people.filter(
            Q(name__icontains=term)
            | Q(name_en__icontains=term)
            | Q(employee_no__icontains=term)
            | Q(title__icontains=term)
            | Q(email__icontains=term)
            | Q(department__name__icontains=term)
            | Q(department__name_en__icontains=term)
        )
    if data.get("department") is not None:
        people = people.filter(department_id__in=_subtree_ids(data["department"]))
    role = data.get("role")
    if role == Role.DEPARTMENT_HEAD:
        people = people.filter(pk__in=Department.objects.values("head_id"))
    elif role == Role.LIAISON:
        people = people.filter(pk__in=Liaison.objects.values("person_id"))
    elif role:
        people = people.filter(role_grants__role=role)
    return (
        people.select_related("department")
        .prefetch_related(
            "role_grants",
            "headed_departments",
            Prefetch("liaison_for", queryset=Liaison.objects.select_related("department")),
        )
        .order_by("department__sort_order", "department__code", "employee_no")
        .distinct()
    )


def role_badges(person: Person) -> list[str]:
    """The person's roles, derived ones (head, liaison) first; uses prefetched relations."""
    labels = []
    if person.headed_departments.all():
        labels.append(Role.DEPARTMENT_HEAD.label)
    if person.liaison_for.all():
        labels.append(Role.LIAISON.label)
    for grant in person.role_grants.all():
        if grant.role != Role.EMPLOYEE:
            labels.append(Role(grant.role).label)
    return labels


@login_required
def people(request: HttpRequest) -> HttpResponse:
    filters = PeopleFilterForm(request.GET)
    page = Paginator(_directory(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"person": p, "roles": role_badges(p)} for p in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "org/people.html",
        {"filters": filters, "page": page, "rows": rows, "query": query.urlencode()},
    )


@login_required
def person(request: HttpRequest, employee_no: str) -> HttpResponse:
    queryset = Person.objects.select_related("department", "department__head").prefetch_related(
        "role_grants",
        "headed_departments",
        Prefetch("liaison_for", queryset=Liaison.objects.select_related("department")),
    )
    who = get_object_or_404(queryset, employee_no=employee_no)
    absences = Absences()
    delegation = absences.delegation_of(who)
    deputising = absences.deputising_for(who)
    upcoming = list(
        Delegation.objects.filter(person=who, starts_on__gt=absences.on)
        .select_related("person", "deputy")
        .order_by("starts_on")[:5]
    )
    return render(
        request,
        "org/person.html",
        {
            "person": who,
            "roles": role_badges(who),
            "today": absences.on,
            "delegation": delegation,
            "acting": absences.deputy_of(who),
            "show_reason": delegation is not None and may(request.user, Action.VIEW, delegation),
            "deputising": deputising,
            "upcoming": [d for d in upcoming if may(request.user, Action.VIEW, d)],
        },
    )
