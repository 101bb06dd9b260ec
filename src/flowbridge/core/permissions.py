"""The one permission layer: "may user U see / change object O?".

Every feature asks :func:`may` (or :func:`require`, or :func:`visible` for
lists). The answer depends on the user's roles and departments, given by a
:class:`Principal`. Domain apps teach this module about their objects with
:func:`register_rule` and :func:`register_scope`; the organization app
provides the principal resolver. This module itself knows no domain model,
so it sits below every app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from flowbridge.core.errors import NotAllowed


class Role(StrEnum):
    SYSTEM_ADMIN = "system_admin"
    PROCESS_OFFICE = "process_office"
    MANAGEMENT = "management"
    DEPARTMENT_HEAD = "department_head"
    LIAISON = "liaison"
    EMPLOYEE = "employee"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.SYSTEM_ADMIN: _("System admin"),
    Role.PROCESS_OFFICE: _("Process office"),
    Role.MANAGEMENT: _("Management"),
    Role.DEPARTMENT_HEAD: _("Department head"),
    Role.LIAISON: _("Liaison"),
    Role.EMPLOYEE: _("Employee"),
    Role.AUDITOR: _("Auditor"),
}

# Roles a person can be granted explicitly; head and liaison follow from the org chart.
GRANTABLE_ROLES = (
    Role.SYSTEM_ADMIN,
    Role.PROCESS_OFFICE,
    Role.MANAGEMENT,
    Role.EMPLOYEE,
    Role.AUDITOR,
)


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"


@dataclass(frozen=True)
class Principal:
    """Who is acting: their roles and the departments those roles apply to.

    ``headed_department_ids`` includes every department below one the person
    heads, so scoping by it covers the whole subtree.
    """

    user_id: int | None
    person_id: int | None = None
    roles: frozenset[Role] = frozenset()
    department_ids: frozenset[int] = frozenset()
    headed_department_ids: frozenset[int] = frozenset()
    liaison_department_ids: frozenset[int] = frozenset()
    is_superuser: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or Role.SYSTEM_ADMIN in self.roles

    def has(self, *roles: Role) -> bool:
        return self.is_admin or any(r in self.roles for r in roles)


ANONYMOUS = Principal(user_id=None)

Rule = Callable[[Principal, Action, Any], bool]
Scope = Callable[[Principal, QuerySet[Any]], QuerySet[Any]]
Resolver = Callable[[Any], Principal]
M = TypeVar("M", bound=Model)

_rules: dict[type, Rule] = {}
_scopes: dict[type, Scope] = {}
_resolver: Resolver | None = None


def register_rule(model: type, rule: Rule) -> None:
    """Declare who may view/change instances of ``model`` (or the model itself, for creation)."""
    _rules[model] = rule


def register_scope(model: type[Model], scope: Scope) -> None:
    """Declare which rows of ``model`` a principal may list."""
    _scopes[model] = scope


def set_principal_resolver(resolver: Resolver) -> None:
    global _resolver
    _resolver = resolver


def principal_for(user: Any) -> Principal:
    """The principal of a Django user, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_flowbridge_principal", None)
    if isinstance(cached, Principal):
        return cached
    if _resolver is None:
        principal = Principal(user_id=user.pk, is_superuser=bool(user.is_superuser))
    else:
        principal = _resolver(user)
    user._flowbridge_principal = principal
    return principal


def forget(user: Any) -> None:
    """Drop the cached principal after the user's roles or departments changed."""
    if hasattr(user, "_flowbridge_principal"):
        del user._flowbridge_principal


def _as_principal(who: Any) -> Principal:
    return who if isinstance(who, Principal) else principal_for(who)


def _rule_for(obj: Any) -> Rule | None:
    cls = obj if isinstance(obj, type) else type(obj)
    for klass in cls.__mro__:
        if klass in _rules:
            return _rules[klass]
    return None


def may(who: Any, action: Action, obj: Any) -> bool:
    """Whether ``who`` (a user or principal) may perform ``action`` on ``obj``.

    ``obj`` may be an instance or a model class (asking about creation or
    model-wide change). Admins may do everything, auditors may view
    everything and change nothing, and anything without a rule is denied.
    """
    principal = _as_principal(who)
    if not principal.is_authenticated:
        return False
    if principal.is_admin:
        return True
    if Role.AUDITOR in principal.roles and action == Action.VIEW:
        return True
    rule = _rule_for(obj)
    return bool(rule and rule(principal, action, obj))


def require(who: Any, action: Action, obj: Any) -> None:
    """Raise :class:`NotAllowed` unless :func:`may` says yes."""
    if not may(who, action, obj):
        name = obj.__name__ if isinstance(obj, type) else type(obj).__name__
        raise NotAllowed(
            str(_("You are not allowed to %(action)s this %(object)s."))
            % {"action": action.value, "object": name}
        )


def visible(who: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """The rows of ``queryset`` that ``who`` may view."""
    principal = _as_principal(who)
    if not principal.is_authenticated:
        return queryset.none()
    if principal.is_admin or Role.AUDITOR in principal.roles:
        return queryset
    scope = _scopes.get(queryset.model)
    if scope is None:
        return queryset.none()
    return scope(principal, queryset)
