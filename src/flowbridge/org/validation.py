"""The rules for departments, people, liaisons and delegations, in one place.

Services, the import, the API and the forms all ask these functions, so a
rule reads the same everywhere. Each check returns a list of :class:`Issue`
(field name + message) and never raises; the caller turns issues into
:class:`~flowbridge.core.errors.Problem` objects with its own notion of
"where" (a form field, a sheet cell).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.utils.translation import gettext as _

from flowbridge.core.errors import Problem
from flowbridge.core.permissions import GRANTABLE_ROLES, Role
from flowbridge.org.models import DepartmentKind

MAX_LIAISONS = 2
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Issue:
    """One broken rule; ``field`` names the input field (``""``: the whole object)."""

    field: str
    message: str

    def as_problem(self) -> Problem:
        return Problem(self.message, where=self.field)


def as_problems(issues: Iterable[Issue]) -> list[Problem]:
    return [issue.as_problem() for issue in issues]


def _required(field: str, value: str, max_length: int) -> list[Issue]:
    if not value.strip():
        return [Issue(field, _("%(field)s is required.") % {"field": field})]
    if len(value) > max_length:
        return [
            Issue(
                field,
                _("%(field)s is longer than %(max)d characters.")
                % {"field": field, "max": max_length},
            )
        ]
    return []


def _optional(field: str, value: str, max_length: int) -> list[Issue]:
    return _required(field, value, max_length) if value else []


def department_issues(
    *, code: str, name: str, kind: str, name_en: str = "", sort_order: object = 0
) -> list[Issue]:
    """Field rules of a department (not its place in the tree)."""
    issues = _required("code", code, 40)
    if code and not issues:
        try:
            validate_slug(code)
        except ValidationError:
            issues.append(
                Issue(
                    "code",
                    _('code "%(code)s" may only contain letters, digits, "-" and "_".')
                    % {"code": code},
                )
            )
    issues += _required("name", name, 100)
    issues += _optional("name_en", name_en, 100)
    if kind not in DepartmentKind.values:
        issues.append(
            Issue(
                "kind",
                _('unknown kind "%(kind)s" (use one of: %(kinds)s)')
                % {"kind": kind, "kinds": ", ".join(DepartmentKind.values)},
            )
        )
    if not isinstance(sort_order, int) or isinstance(sort_order, bool) or sort_order < 0:
        issues.append(Issue("sort_order", _("sort_order must be a whole number ≥ 0.")))
    return issues


def person_issues(
    *,
    employee_no: str,
    name: str,
    name_en: str = "",
    email: str = "",
    phone: str = "",
    title: str = "",
) -> list[Issue]:
    """Field rules of a person."""
    issues = _required("employee_no", employee_no, 32)
    if employee_no.strip() != employee_no:
        issues.append(Issue("employee_no", _("employee_no must not start or end with spaces.")))
    issues += _required("name", name, 100)
    issues += _optional("name_en", name_en, 100)
    issues += _optional("phone", phone, 32)
    issues += _optional("title", title, 100)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            issues.append(
                Issue("email", _('"%(email)s" is not an e-mail address.') % {"email": email})
            )
    return issues


def parse_roles(values: Iterable[str | Role]) -> tuple[list[Role], list[Issue]]:
    """Role codes → grantable roles; department head and liaison follow from the org chart."""
    roles: list[Role] = []
    issues: list[Issue] = []
    allowed = ", ".join(r.value for r in GRANTABLE_ROLES)
    for raw in values:
        code = str(raw).strip()
        if not code:
            continue
        try:
            role = Role(code)
        except ValueError:
            issues.append(
                Issue(
                    "roles",
                    _('unknown role "%(role)s" (grantable: %(allowed)s)')
                    % {"role": code, "allowed": allowed},
                )
            )
            continue
        if role not in GRANTABLE_ROLES:
            issues.append(
                Issue(
                    "roles",
                    _('role "%(role)s" cannot be granted; it follows from the org chart '
                      "(grantable: %(allowed)s)") % {"role": code, "allowed": allowed},
                )
            )  # fmt: skip
        elif role not in roles:
            roles.append(role)
    return roles, issues


def tree_cycle(parent_of: Mapping[K, K | None], start: K) -> list[K] | None:
    """The cycle reached by walking up from ``start`` (``[a, b, a]``), or None."""
    path: list[K] = []
    seen: set[K] = set()
    node: K | None = start
    while node is not None:
        if node in seen:
            return [*path[path.index(node) :], node]
        seen.add(node)
        path.append(node)
        node = parent_of.get(node)
    return None


def department_parent_issues(
    parent_of: Mapping[K, K | None], code: K, label: Callable[[K], str]
) -> list[Issue]:
    """Refuse a parent change that puts a department under itself or its own descendant."""
    cycle = tree_cycle(parent_of, code)
    if cycle is None:
        return []
    chain = " → ".join(label(c) for c in cycle)
    return [
        Issue(
            "parent",
            _("a department cannot be placed under itself or its own descendant: %(chain)s")
            % {"chain": chain},
        )
    ]


def duplicate_liaison_issues(
    department: str, people: Sequence[tuple[Hashable, str]]
) -> list[Issue]:
    """Each person is named once; ``people`` are (key, name) in position order."""
    keys = [key for key, _label in people]
    issues: list[Issue] = []
    reported: set[Hashable] = set()
    for key, label in people:
        if keys.count(key) > 1 and key not in reported:
            reported.add(key)
            issues.append(
                Issue(
                    "people",
                    _("%(person)s is named twice as liaison of %(department)s")
                    % {"person": label, "department": department},
                )
            )
    return issues


def liaison_count_issues(department: str, people: Sequence[tuple[Hashable, str]]) -> list[Issue]:
    """At most two liaisons; the message names the two the department keeps."""
    if len(people) <= MAX_LIAISONS:
        return []
    names = ", ".join(label for _key, label in people[:MAX_LIAISONS])
    return [
        Issue(
            "people",
            _("department %(department)s already has 2 liaisons: %(names)s")
            % {"department": department, "names": names},
        )
    ]


def liaison_issues(department: str, people: Sequence[tuple[Hashable, str]]) -> list[Issue]:
    """Every liaison rule for ``people`` ((key, name) in position order)."""
    return duplicate_liaison_issues(department, people) + liaison_count_issues(department, people)


@dataclass(frozen=True)
class Span:
    """A delegation as the cycle check sees it: ``person`` → ``deputy``, both days inclusive."""

    person: Hashable
    deputy: Hashable
    starts_on: date
    ends_on: date
    key: Hashable = None  # identifies the stored delegation being replaced, if any


def _intersect(a: tuple[date, date], b: tuple[date, date]) -> tuple[date, date] | None:
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start <= end else None


def delegation_cycle(
    new: Span, existing: Iterable[Span]
) -> tuple[list[Hashable], tuple[date, date]] | None:
    """A chain new.deputy → … → new.person whose periods all share a day with ``new``.

    Walks the delegation graph from the deputy, narrowing the common period
    at each step (interval intersection along the path), so a cycle is found
    only when there is a day on which every delegation in it is in force.
    Returns the people of the cycle (``[A, B, …, A]``) and the common period.
    """
    outgoing: dict[Hashable, list[Span]] = {}
    for span in existing:
        outgoing.setdefault(span.person, []).append(span)
    start = (new.starts_on, new.ends_on)
    stack: list[tuple[Hashable, tuple[date, date], list[Hashable]]] = [
        (new.deputy, start, [new.person, new.deputy])
    ]
    visited: set[tuple[Hashable, tuple[date, date]]] = set()
    while stack:
        node, period, path = stack.pop()
        if node == new.person:
            return path, period
        if (node, period) in visited:
            continue
        visited.add((node, period))
        for span in outgoing.get(node, []):
            common = _intersect(period, (span.starts_on, span.ends_on))
            if common is not None and (span.deputy == new.person or span.deputy not in path):
                stack.append((span.deputy, common, [*path, span.deputy]))
    return None


def delegation_issues(
    new: Span,
    existing: Iterable[Span],
    *,
    label: Callable[[Hashable], str],
    deputy_active: bool = True,
) -> list[Issue]:
    """Every rule of a delegation against the others (``new.key`` is left out of them)."""
    others = [s for s in existing if new.key is None or s.key != new.key]
    issues: list[Issue] = []
    if new.ends_on < new.starts_on:
        issues.append(
            Issue(
                "ends_on",
                _("the delegation ends (%(ends)s) before it starts (%(starts)s)")
                % {"ends": new.ends_on.isoformat(), "starts": new.starts_on.isoformat()},
            )
        )
    if new.deputy == new.person:
        issues.append(Issue("deputy", _("a person cannot be their own deputy")))
    if not deputy_active:
        issues.append(
            Issue("deputy", _("deputy %(deputy)s is not active") % {"deputy": label(new.deputy)})
        )
    if issues:
        return issues
    for span in others:
        if span.person == new.person and _intersect(
            (new.starts_on, new.ends_on), (span.starts_on, span.ends_on)
        ):
            issues.append(
                Issue(
                    "starts_on",
                    _(
                        "%(person)s already has a delegation to %(deputy)s from %(starts)s "
                        "to %(ends)s that overlaps this one"
                    )
                    % {
                        "person": label(span.person),
                        "deputy": label(span.deputy),
                        "starts": span.starts_on.isoformat(),
                        "ends": span.ends_on.isoformat(),
                    },
                )
            )
    found = delegation_cycle(new, others)
    if found is not None:
        path, (start, end) = found
        issues.append(
            Issue(
                "deputy",
                _("delegations would form a cycle: %(cycle)s (%(start)s…%(end)s)")
                % {
                    "cycle": " → ".join(label(p) for p in path),
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                },
            )
        )
    return issues
