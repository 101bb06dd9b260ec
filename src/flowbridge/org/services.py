"""Every change to departments, people, roles and liaisons goes through here.

Each function checks the actor's permission (``actor`` None is the system),
validates with :mod:`flowbridge.org.validation`, writes in one transaction
and appends to the audit log. Liaisons live in
:mod:`flowbridge.org.liaisons`, delegations in :mod:`flowbridge.org.delegation`
and routing in :mod:`flowbridge.org.routing`; all are re-exported so callers
import everything from this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, ProtectedError
from django.utils.translation import gettext as _

from flowbridge.core import audit
from flowbridge.core.errors import Conflict, InvalidInput, Problem
from flowbridge.core.permissions import Action, Role, forget, require
from flowbridge.org.delegation import (
    acting_person,
    add_delegation,
    cancel_delegation,
    delegation_chain,
)
from flowbridge.org.liaisons import add_liaison, remove_liaison, set_liaisons
from flowbridge.org.models import Department, Person, PersonRole
from flowbridge.org.routing import (
    Recipient,
    TreeNode,
    company_today,
    department_tree,
    departments_without_liaison,
    recipients_for_department,
)
from flowbridge.org.validation import (
    Issue,
    as_problems,
    department_issues,
    department_parent_issues,
    parse_roles,
    person_issues,
)

__all__ = [
    "Recipient",
    "TreeNode",
    "acting_person",
    "add_delegation",
    "add_liaison",
    "cancel_delegation",
    "company_today",
    "create_department",
    "create_person",
    "delegation_chain",
    "delete_department",
    "department_tree",
    "departments_without_liaison",
    "recipients_for_department",
    "remove_liaison",
    "set_head",
    "set_liaisons",
    "set_roles",
    "update_department",
    "update_person",
]

DEPARTMENT_FIELDS = ("name", "name_en", "kind", "parent", "head", "sort_order")
PERSON_FIELDS = (
    "employee_no", "name", "name_en", "email", "phone", "title", "department", "is_active", "user",
)  # fmt: skip


def _refuse(issues: Sequence[Issue], message: str | None = None) -> None:
    if issues:
        raise InvalidInput(message or _("The input breaks a rule."), as_problems(issues))


def _audit_value(value: Any) -> Any:
    if isinstance(value, Department):
        return value.code
    if isinstance(value, Person):
        return value.employee_no
    if isinstance(value, Model):
        return str(value)
    return value


def _diff(obj: Model, fields: dict[str, Any]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name, new in fields.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = [_audit_value(old), _audit_value(new)]
    return changes


# Departments ----------------------------------------------------------------


def _parent_issues(department: Department, parent: Department | None) -> list[Issue]:
    if parent is None:
        return []
    parent_of: dict[int, int | None] = dict(Department.objects.values_list("id", "parent_id"))
    names = dict(Department.objects.values_list("id", "name"))
    parent_of[department.pk] = parent.pk
    return department_parent_issues(parent_of, department.pk, lambda pk: names.get(pk, "?"))


def create_department(
    actor: Any,
    *,
    code: str,
    name: str,
    kind: str,
    parent: Department | None = None,
    name_en: str = "",
    head: Person | None = None,
    sort_order: int = 0,
) -> Department:
    """Create a department; codes are unique."""
    if actor is not None:
        require(actor, Action.CHANGE, Department)
    issues = department_issues(
        code=code, name=name, kind=kind, name_en=name_en, sort_order=sort_order
    )
    if code and Department.objects.filter(code=code).exists():
        issues.append(Issue("code", _('department code "%(code)s" is taken') % {"code": code}))
    _refuse(issues)
    with transaction.atomic():
        department = Department.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            kind=kind,
            parent=parent,
            head=head,
            sort_order=sort_order,
        )
        audit.record(
            actor,
            "org.department.create",
            department,
            changes={
                "code": [None, code],
                "name": [None, name],
                "kind": [None, kind],
                "parent": [None, _audit_value(parent)],
                "head": [None, _audit_value(head)],
            },
        )
    return department


def update_department(
    actor: Any, department: Department, *, expected_version: int | None = None, **fields: Any
) -> Department:
    """Change some of name, name_en, kind, parent, head, sort_order; bumps the version."""
    if actor is not None:
        require(actor, Action.CHANGE, department)
    unknown = sorted(set(fields) - set(DEPARTMENT_FIELDS))
    if unknown:
        raise InvalidInput(
            _("Unknown fields."),
            [Problem(_("unknown field %(field)s") % {"field": f}, where=f) for f in unknown],
        )
    with transaction.atomic():
        current = Department.objects.select_for_update().get(pk=department.pk)
        if expected_version is not None and current.version != expected_version:
            raise Conflict(
                _(
                    "Department %(department)s was changed by someone else (version %(have)d, "
                    "you edited version %(expected)d). Reload and try again."
                )
                % {
                    "department": current.name,
                    "have": current.version,
                    "expected": expected_version,
                }
            )
        merged = {name: fields.get(name, getattr(current, name)) for name in DEPARTMENT_FIELDS}
        issues = department_issues(
            code=current.code,
            name=merged["name"],
            kind=merged["kind"],
            name_en=merged["name_en"],
            sort_order=merged["sort_order"],
        )
        if "parent" in fields:
            issues += _parent_issues(current, fields["parent"])
        _refuse(issues)
        changes = _diff(current, fields)
        if changes:
            for name, value in fields.items():
                setattr(current, name, value)
            current.version += 1
            current.save()
            audit.record(actor, "org.department.update", current, changes=changes)
    department.refresh_from_db()
    return department


def delete_department(actor: Any, department: Department) -> None:
    """Delete an empty department: no members, no children, nothing pointing at it."""
    if actor is not None:
        require(actor, Action.CHANGE, department)
    problems: list[Problem] = []
    members = department.members.count()
    if members:
        problems.append(
            Problem(_("it still has %(count)d member(s)") % {"count": members}, where="members")
        )
    children = list(department.children.values_list("name", flat=True))
    if children:
        problems.append(
            Problem(
                _("it still has sub-departments: %(names)s") % {"names": ", ".join(children)},
                where="children",
            )
        )
    message = _("Department %(department)s cannot be deleted.") % {"department": department.name}
    if problems:
        raise InvalidInput(message, problems)
    try:
        with transaction.atomic():
            audit.record(
                actor,
                "org.department.delete",
                department,
                changes={"code": [department.code, None]},
            )
            department.delete()
    except ProtectedError as exc:
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        raise InvalidInput(
            message,
            [
                Problem(
                    _("it is referenced by %(things)s") % {"things": ", ".join(kinds)},
                    where="references",
                )
            ],
        ) from exc


def set_head(actor: Any, department: Department, person: Person | None) -> Department:
    """Name (or clear) the department head."""
    return update_department(actor, department, head=person)


# People ---------------------------------------------------------------------


def _account_issues(
    username: str | None, password: str | None, user: Any, email: str
) -> list[Issue]:
    issues: list[Issue] = []
    if username is None:
        if password is not None:
            issues.append(Issue("password", _("a password needs a username")))
        return issues
    if user is not None:
        issues.append(Issue("username", _("give either an existing account or a new username")))
    user_model = get_user_model()
    if not username.strip():
        issues.append(Issue("username", _("username is required.")))
    elif user_model.objects.filter(username=username).exists():
        issues.append(
            Issue("username", _('username "%(username)s" is taken') % {"username": username})
        )
    if password is not None:
        try:
            validate_password(password, user_model(username=username, email=email))
        except ValidationError as exc:
            issues += [Issue("password", str(m)) for m in exc.messages]
    return issues


def create_person(
    actor: Any,
    *,
    employee_no: str,
    name: str,
    department: Department,
    name_en: str = "",
    email: str = "",
    phone: str = "",
    title: str = "",
    roles: Iterable[Role | str] = (),
    user: Any = None,
    username: str | None = None,
    password: str | None = None,
) -> Person:
    """Create a person; with ``username`` (and ``password``) also their sign-in account."""
    if actor is not None:
        require(actor, Action.CHANGE, Person)
    issues = person_issues(
        employee_no=employee_no, name=name, name_en=name_en, email=email, phone=phone, title=title
    )
    if employee_no and Person.objects.filter(employee_no=employee_no).exists():
        issues.append(
            Issue("employee_no", _('employee number "%(no)s" is taken') % {"no": employee_no})
        )
    granted, role_issues = parse_roles(roles)
    issues += role_issues
    issues += _account_issues(username, password, user, email)
    if user is not None and Person.objects.filter(user=user).exists():
        issues.append(Issue("user", _("this account already belongs to another person")))
    _refuse(issues)
    with transaction.atomic():
        if username is not None:
            user = get_user_model().objects.create_user(
                username=username, email=email, password=password
            )
        person = Person.objects.create(
            employee_no=employee_no,
            name=name,
            name_en=name_en,
            email=email,
            phone=phone,
            title=title,
            department=department,
            user=user,
        )
        PersonRole.objects.bulk_create(PersonRole(person=person, role=r.value) for r in granted)
        audit.record(
            actor,
            "org.person.create",
            person,
            changes={
                "employee_no": [None, employee_no],
                "name": [None, name],
                "department": [None, department.code],
                "roles": [[], [r.value for r in granted]],
                "user": [None, user.get_username() if user is not None else None],
            },
        )
    return person


def update_person(actor: Any, person: Person, **fields: Any) -> Person:
    """Change some of employee_no, name, name_en, email, phone, title, department,
    is_active, user."""
    if actor is not None:
        require(actor, Action.CHANGE, person)
    unknown = sorted(set(fields) - set(PERSON_FIELDS))
    if unknown:
        raise InvalidInput(
            _("Unknown fields."),
            [Problem(_("unknown field %(field)s") % {"field": f}, where=f) for f in unknown],
        )
    merged = {n: fields.get(n, getattr(person, n)) for n in PERSON_FIELDS}
    issues = person_issues(
        employee_no=merged["employee_no"],
        name=merged["name"],
        name_en=merged["name_en"],
        email=merged["email"],
        phone=merged["phone"],
        title=merged["title"],
    )
    others = Person.objects.exclude(pk=person.pk)
    if "employee_no" in fields and others.filter(employee_no=fields["employee_no"]).exists():
        issues.append(
            Issue(
                "employee_no",
                _('employee number "%(no)s" is taken') % {"no": fields["employee_no"]},
            )
        )
    if fields.get("user") is not None and others.filter(user=fields["user"]).exists():
        issues.append(Issue("user", _("this account already belongs to another person")))
    _refuse(issues)
    with transaction.atomic():
        changes = _diff(person, fields)
        if changes:
            for name, value in fields.items():
                setattr(person, name, value)
            person.save()
            audit.record(actor, "org.person.update", person, changes=changes)
    if person.user is not None:
        forget(person.user)
    return person


def set_roles(actor: Any, person: Person, roles: Iterable[Role | str]) -> None:
    """Replace the person's explicitly granted roles (only grantable ones)."""
    if actor is not None:
        require(actor, Action.CHANGE, person)
    granted, issues = parse_roles(roles)
    _refuse(issues, _("Some roles cannot be granted."))
    with transaction.atomic():
        before = sorted(person.role_grants.values_list("role", flat=True))
        after = sorted(r.value for r in granted)
        if before != after:
            person.role_grants.exclude(role__in=after).delete()
            PersonRole.objects.bulk_create(
                PersonRole(person=person, role=r) for r in after if r not in before
            )
            audit.record(actor, "org.person.roles", person, changes={"roles": [before, after]})
    if person.user is not None:
        forget(person.user)
