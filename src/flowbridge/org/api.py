"""JSON API of the organization: departments, people, liaisons, delegations, import/export.

Routes parse input, look objects up by their business keys (department
code, employee number), call :mod:`flowbridge.org.services` and return typed
schemas. Lists are scoped with ``core.permissions.visible`` and load their
related rows in a fixed number of queries.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from flowbridge.core.errors import InvalidInput, NotFound, Problem
from flowbridge.core.permissions import visible
from flowbridge.org import services
from flowbridge.org.importexport import export_csv_zip, export_xlsx, import_org
from flowbridge.org.models import Delegation, Department, Liaison, Person

router = Router(tags=["organization"])


def _actor(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or request.user


# Schemas --------------------------------------------------------------------


class PersonRef(Schema):
    employee_no: str
    name: str
    name_en: str


class LiaisonOut(Schema):
    position: int
    person: PersonRef


class DepartmentOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None
    head: PersonRef | None
    sort_order: int
    version: int
    liaisons: list[LiaisonOut]

    @staticmethod
    def resolve_parent(obj: Department) -> str | None:
        return obj.parent.code if obj.parent is not None else None

    @staticmethod
    def resolve_liaisons(obj: Department) -> list[Liaison]:
        return list(obj.liaisons.all())


class DepartmentIn(Schema):
    code: str
    name: str
    kind: str = "department"
    name_en: str = ""
    parent: str | None = Field(None, description="code of the parent department")
    head: str | None = Field(None, description="employee number of the head")
    sort_order: int = 0


class DepartmentPatch(Schema):
    name: str | None = None
    name_en: str | None = None
    kind: str | None = None
    parent: str | None = None
    head: str | None = None
    sort_order: int | None = None
    version: int | None = Field(None, description="the version you edited; 409 if it moved on")


class PersonOut(Schema):
    employee_no: str
    name: str
    name_en: str
    department: str
    title: str
    email: str
    phone: str
    is_active: bool
    roles: list[str]
    username: str | None

    @staticmethod
    def resolve_department(obj: Person) -> str:
        return obj.department.code

    @staticmethod
    def resolve_roles(obj: Person) -> list[str]:
        return sorted(grant.role for grant in obj.role_grants.all())

    @staticmethod
    def resolve_username(obj: Person) -> str | None:
        return obj.user.get_username() if obj.user is not None else None


class PersonIn(Schema):
    employee_no: str
    name: str
    department: str
    name_en: str = ""
    email: str = ""
    phone: str = ""
    title: str = ""
    roles: list[str] = []
    username: str | None = None
    password: str | None = None


class PersonPatch(Schema):
    employee_no: str | None = None
    name: str | None = None
    name_en: str | None = None
    department: str | None = None
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    is_active: bool | None = None
    roles: list[str] | None = None


class RecipientOut(Schema):
    person: PersonRef
    on_behalf_of: PersonRef | None
    via: Literal["liaison", "head", "process_office"]
    department: str


class LiaisonsIn(Schema):
    people: list[str] = Field(..., description="employee numbers in position order (0 to 2)")


class ActingOut(Schema):
    on: date
    person: PersonRef
    acting: PersonRef
    chain: list[PersonRef]


class DelegationOut(Schema):
    id: int
    person: PersonRef
    deputy: PersonRef
    starts_on: date
    ends_on: date
    reason: str


class DelegationIn(Schema):
    employee_no: str
    deputy_employee_no: str
    starts_on: date
    ends_on: date
    reason: str = ""


class ImportOut(Schema):
    dry_run: bool
    counts: dict[str, dict[str, int]]
    created: dict[str, list[str]]
    updated: dict[str, list[str]]


# Look-ups ------------------------------------------------------------------


def _departments() -> QuerySet[Department]:
    liaisons = Liaison.objects.select_related("person").order_by("position")
    return Department.objects.select_related("parent", "head").prefetch_related(
        Prefetch("liaisons", queryset=liaisons)
    )


def _people() -> QuerySet[Person]:
    return Person.objects.select_related("department", "user").prefetch_related("role_grants")


def _department(request: HttpRequest, code: str) -> Department:
    found = visible(_actor(request), _departments()).filter(code=code).first()
    if found is None:
        raise NotFound(_('department "%(code)s" not found') % {"code": code})
    return found


def _person(request: HttpRequest, employee_no: str) -> Person:
    found = visible(_actor(request), _people()).filter(employee_no=employee_no).first()
    if found is None:
        raise NotFound(_('person "%(no)s" not found') % {"no": employee_no})
    return found


def _refs(
    departments: dict[str, str | None], people: dict[str, str | None]
) -> tuple[dict[str, Department | None], dict[str, Person | None]]:
    """Resolve codes and employee numbers named in a body; unknown ones are 422 problems."""
    problems: list[Problem] = []
    found_departments: dict[str, Department | None] = {}
    for field, code in departments.items():
        found_departments[field] = Department.objects.filter(code=code).first() if code else None
        if code and found_departments[field] is None:
            message = _('unknown department "%(value)s"') % {"value": code}
            problems.append(Problem(message, where=field))
    found_people: dict[str, Person | None] = {}
    for field, number in people.items():
        found_people[field] = Person.objects.filter(employee_no=number).first() if number else None
        if number and found_people[field] is None:
            problems.append(
                Problem(_('unknown person "%(value)s"') % {"value": number}, where=field)
            )
    if problems:
        raise InvalidInput(_("The input names unknown objects."), problems)
    return found_departments, found_people


# Departments ----------------------------------------------------------------


@router.get("/departments", response=list[DepartmentOut])
def list_departments(request: HttpRequest) -> QuerySet[Department]:
    return visible(_actor(request), _departments()).order_by("sort_order", "code")


@router.post("/departments", response={201: DepartmentOut})
def create_department(request: HttpRequest, payload: DepartmentIn) -> Status[Department]:
    departments, people = _refs({"parent": payload.parent}, {"head": payload.head})
    department = services.create_department(
        _actor(request),
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        parent=departments["parent"],
        name_en=payload.name_en,
        head=people["head"],
        sort_order=payload.sort_order,
    )
    return Status(201, _department(request, department.code))


@router.get("/departments/{code}", response=DepartmentOut)
def get_department(request: HttpRequest, code: str) -> Department:
    return _department(request, code)


@router.patch("/departments/{code}", response=DepartmentOut)
def update_department(request: HttpRequest, code: str, payload: DepartmentPatch) -> Department:
    department = _department(request, code)
    nullable = ("parent", "head")
    fields = {
        k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k in nullable
    }
    version = fields.pop("version", None)
    departments, people = _refs({"parent": fields.get("parent")}, {"head": fields.get("head")})
    if "parent" in fields:
        fields["parent"] = departments["parent"]
    if "head" in fields:
        fields["head"] = people["head"]
    services.update_department(_actor(request), department, expected_version=version, **fields)
    return _department(request, code)


@router.delete("/departments/{code}", response={204: None})
def delete_department(request: HttpRequest, code: str) -> Status[None]:
    services.delete_department(_actor(request), _department(request, code))
    return Status(204, None)


@router.get("/departments/{code}/recipients", response=list[RecipientOut])
def department_recipients(
    request: HttpRequest, code: str, on: date | None = None
) -> list[dict[str, Any]]:
    department = _department(request, code)
    return [
        {
            "person": r.person,
            "on_behalf_of": r.on_behalf_of,
            "via": r.via,
            "department": department.code,
        }
        for r in services.recipients_for_department(department, on)
    ]


@router.get("/departments/{code}/liaisons", response=list[LiaisonOut])
def get_liaisons(request: HttpRequest, code: str) -> list[Liaison]:
    return list(_department(request, code).liaisons.all())


@router.put("/departments/{code}/liaisons", response=list[LiaisonOut])
def put_liaisons(request: HttpRequest, code: str, payload: LiaisonsIn) -> list[Liaison]:
    department = _department(request, code)
    refs = {f"people[{i}]": number for i, number in enumerate(payload.people)}
    _departments_found, people = _refs({}, dict(refs))
    chosen = [p for p in people.values() if p is not None]
    services.set_liaisons(_actor(request), department, chosen)
    return list(_department(request, code).liaisons.all())


# People -------------------------------------------------------------------


@router.get("/people", response=list[PersonOut])
@paginate(PageNumberPagination, page_size=50)
def list_people(request: HttpRequest, q: str = "", department: str = "") -> QuerySet[Person]:
    people = visible(_actor(request), _people())
    if q:
        people = people.filter(
            Q(name__icontains=q)
            | Q(name_en__icontains=q)
            | Q(employee_no__icontains=q)
            | Q(title__icontains=q)
        )
    if department:
        people = people.filter(department__code=department)
    return people.order_by("employee_no")


@router.post("/people", response={201: PersonOut})
def create_person(request: HttpRequest, payload: PersonIn) -> Status[Person]:
    departments, _people_found = _refs({"department": payload.department}, {})
    department = departments["department"]
    if department is None:
        raise InvalidInput(
            _("The input breaks a rule."),
            [Problem(_("%(field)s is required.") % {"field": "department"}, where="department")],
        )
    person = services.create_person(
        _actor(request),
        employee_no=payload.employee_no,
        name=payload.name,
        department=department,
        name_en=payload.name_en,
        email=payload.email,
        phone=payload.phone,
        title=payload.title,
        roles=payload.roles,
        username=payload.username,
        password=payload.password,
    )
    return Status(201, _person(request, person.employee_no))


@router.get("/people/{employee_no}", response=PersonOut)
def get_person(request: HttpRequest, employee_no: str) -> Person:
    return _person(request, employee_no)


@router.patch("/people/{employee_no}", response=PersonOut)
def update_person(request: HttpRequest, employee_no: str, payload: PersonPatch) -> Person:
    person = _person(request, employee_no)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    roles = fields.pop("roles", None)
    if "department" in fields:
        departments, _found = _refs({"department": fields["department"]}, {})
        fields["department"] = departments["department"] or person.department
    with transaction.atomic():  # the fields and the roles change together or not at all
        if fields:
            services.update_person(_actor(request), person, **fields)
        if roles is not None:
            services.set_roles(_actor(request), person, roles)
    return _person(request, person.employee_no)


@router.get("/people/{employee_no}/acting", response=ActingOut)
def acting(request: HttpRequest, employee_no: str, on: date | None = None) -> dict[str, Any]:
    person = _person(request, employee_no)
    day = on or services.company_today()
    chain = services.delegation_chain(person, day)
    return {"on": day, "person": person, "acting": chain[-1], "chain": chain}


# Delegations ----------------------------------------------------------------


@router.get("/delegations", response=list[DelegationOut])
def list_delegations(
    request: HttpRequest, person: str = "", on: date | None = None
) -> QuerySet[Delegation]:
    rows = visible(_actor(request), Delegation.objects.select_related("person", "deputy"))
    if person:
        rows = rows.filter(Q(person__employee_no=person) | Q(deputy__employee_no=person))
    if on is not None:
        rows = rows.filter(starts_on__lte=on, ends_on__gte=on)
    return rows.order_by("starts_on", "id")


@router.post("/delegations", response={201: DelegationOut})
def create_delegation(request: HttpRequest, payload: DelegationIn) -> Status[Delegation]:
    _found, people = _refs(
        {}, {"employee_no": payload.employee_no, "deputy_employee_no": payload.deputy_employee_no}
    )
    person, deputy = people["employee_no"], people["deputy_employee_no"]
    if person is None or deputy is None:
        raise InvalidInput(
            _("The input breaks a rule."), [Problem(_("person and deputy are required."))]
        )
    delegation = services.add_delegation(
        _actor(request), person, deputy, payload.starts_on, payload.ends_on, payload.reason
    )
    return Status(201, delegation)


@router.delete("/delegations/{delegation_id}", response={204: None})
def delete_delegation(request: HttpRequest, delegation_id: int) -> Status[None]:
    rows = visible(_actor(request), Delegation.objects.select_related("person", "deputy"))
    delegation = rows.filter(pk=delegation_id).first()
    if delegation is None:
        raise NotFound(_("delegation %(id)d not found") % {"id": delegation_id})
    services.cancel_delegation(_actor(request), delegation)
    return Status(204, None)


# Import / export ------------------------------------------------------------


@router.post("/org/import", response=ImportOut)
def import_files(
    request: HttpRequest,
    files: File[list[UploadedFile]],
    dry_run: Form[bool] = False,
) -> dict[str, Any]:
    contents = [(f.name or "upload", f.read()) for f in files]
    result = import_org(_actor(request), contents, dry_run=dry_run)
    return {
        "dry_run": result.dry_run,
        "counts": result.counts(),
        "created": result.created,
        "updated": result.updated,
    }


@router.get("/org/export")
def export_files(request: HttpRequest, format: Literal["xlsx", "csv"] = "xlsx") -> HttpResponse:
    actor = _actor(request)
    if format == "xlsx":
        content = export_xlsx(actor)
        kind, name = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "org.xlsx"
    else:
        content, kind, name = export_csv_zip(actor), "application/zip", "org-csv.zip"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
