"""Who the signed-in user is: their person record and roles, for pages and the API alike."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone

from flowbridge.core import clock
from flowbridge.core.permissions import Role, principal_for
from flowbridge.org.models import Person


def today() -> date:
    """Today in the company's time zone."""
    return timezone.localdate(clock.now())


def signed_in(request: HttpRequest) -> User:
    """The signed-in user (callers sit behind ``login_required`` or API authentication)."""
    return cast(User, request.user)


def person_of(user: Any) -> Person | None:
    """The active person record of an account; a system admin may have none."""
    return Person.objects.filter(user=user, is_active=True).select_related("department").first()


def roles_of(user: Any) -> list[Role]:
    """Explicit and derived roles (head, liaison) in a stable order; superusers are admins."""
    principal = principal_for(user)
    roles = [r for r in Role if r in principal.roles]
    if principal.is_superuser and Role.SYSTEM_ADMIN not in roles:
        roles.insert(0, Role.SYSTEM_ADMIN)
    return roles
