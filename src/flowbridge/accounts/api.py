"""JSON API of accounts: who am I, and my API tokens (see flowbridge.api)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.responses import Status

from flowbridge.accounts import services
from flowbridge.accounts.identity import person_of, roles_of, signed_in
from flowbridge.accounts.models import ApiToken
from flowbridge.core import clock
from flowbridge.core.permissions import Action, Role, may, principal_for, visible
from flowbridge.org.models import Department, Person

router = Router(tags=["accounts"])


class UserOut(Schema):
    id: int
    username: str
    email: str
    is_superuser: bool


class DepartmentRef(Schema):
    id: int
    code: str
    name: str


class PersonOut(Schema):
    id: int
    employee_no: str
    name: str
    name_en: str
    title: str
    email: str
    phone: str


class PermissionsOut(Schema):
    is_admin: bool
    headed_department_ids: list[int]
    liaison_department_ids: list[int]
    may_change_departments: bool
    may_change_people: bool
    may_view_audit_log: bool


class MeOut(Schema):
    user: UserOut
    person: PersonOut | None
    department: DepartmentRef | None
    roles: list[str]
    permissions: PermissionsOut


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool


class TokenIn(Schema):
    name: str
    days: int | None = None


class NewTokenOut(TokenOut):
    token: str


def _token_out(token: ApiToken) -> dict[str, object]:
    now = clock.now()
    active = token.revoked_at is None and (token.expires_at is None or token.expires_at > now)
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "active": active,
    }


@router.get("/me", response=MeOut, summary="The signed-in user, their person record and roles")
def me(request: HttpRequest) -> dict[str, object]:
    user = signed_in(request)
    principal = principal_for(user)
    person: Person | None = person_of(user)
    roles = [role.value for role in roles_of(user)]
    department = person.department if person else None
    return {
        "user": {
            "id": user.pk,
            "username": user.get_username(),
            "email": getattr(user, "email", ""),
            "is_superuser": bool(getattr(user, "is_superuser", False)),
        },
        "person": person,
        "department": (
            {"id": department.pk, "code": department.code, "name": department.display_name}
            if department
            else None
        ),
        "roles": roles,
        "permissions": {
            "is_admin": principal.is_admin,
            "headed_department_ids": sorted(principal.headed_department_ids),
            "liaison_department_ids": sorted(principal.liaison_department_ids),
            "may_change_departments": may(principal, Action.CHANGE, Department),
            "may_change_people": may(principal, Action.CHANGE, Person),
            "may_view_audit_log": principal.has(Role.AUDITOR),
        },
    }


@router.get("/me/tokens", response=list[TokenOut], summary="My API tokens (never their values)")
def my_tokens(request: HttpRequest) -> list[dict[str, object]]:
    return [_token_out(t) for t in ApiToken.objects.filter(user=signed_in(request))]


@router.post("/me/tokens", response={201: NewTokenOut}, summary="Create a token; shown once")
def create_my_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    user = signed_in(request)
    token, raw = services.create_token(user, user, payload.name, payload.days)
    return Status(201, {**_token_out(token), "token": raw})


@router.delete("/me/tokens/{token_id}", response={204: None}, summary="Revoke one of my tokens")
def revoke_my_token(request: HttpRequest, token_id: int) -> Status[None]:
    token = get_object_or_404(
        visible(request.user, ApiToken.objects.filter(user=signed_in(request))), pk=token_id
    )
    services.revoke_token(request.user, token)
    return Status(204, None)
