"""My profile (/me/): person card, password, language, delegations, API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.models import User
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from flowbridge.accounts import services
from flowbridge.accounts.forms import DelegationForm, TokenForm
from flowbridge.accounts.identity import person_of, roles_of, signed_in, today
from flowbridge.accounts.models import ApiToken
from flowbridge.core import clock
from flowbridge.core.errors import DomainError
from flowbridge.core.permissions import visible
from flowbridge.org.models import Delegation, Department, Liaison


def password_form(user: User, data: Any = None) -> PasswordChangeForm:
    form = PasswordChangeForm(user, data=data)
    # Django focuses the old password; on a long profile page that would jump to mid-page.
    form.fields["old_password"].widget.attrs.pop("autofocus", None)
    return form


def _context(request: HttpRequest, **overrides: Any) -> dict[str, Any]:
    user = signed_in(request)
    person = person_of(user)
    day = today()
    context: dict[str, Any] = {
        "person": person,
        "roles": [role.label for role in roles_of(user)],
        "headed": Department.objects.filter(head=person) if person else [],
        "liaison_of": (
            Liaison.objects.filter(person=person).select_related("department") if person else []
        ),
        "password_form": password_form(user),
        "token_form": TokenForm(),
        "tokens": ApiToken.objects.filter(user=user, revoked_at__isnull=True),
        "now": clock.now(),
        "new_token": None,
        "problems": [],
        "problem_message": "",
    }
    if person is not None:
        delegations = visible(user, Delegation.objects.all()).select_related("person", "deputy")
        context.update(
            delegation_form=DelegationForm(person=person, initial={"starts_on": day}),
            my_delegations=delegations.filter(person=person, ends_on__gte=day),
            acting_for=delegations.filter(deputy=person, starts_on__lte=day, ends_on__gte=day),
        )
    context.update(overrides)
    return context


def _render(request: HttpRequest, status: int = 200, **overrides: Any) -> HttpResponse:
    return render(request, "accounts/profile.html", _context(request, **overrides), status=status)


def _back(anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("accounts:profile") + (f"#{anchor}" if anchor else ""))


def _failed(error: DomainError) -> dict[str, Any]:
    return {"problem_message": error.message, "problems": [str(p) for p in error.problems]}


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return _render(request)


@login_required
@require_POST
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def change_password(request: HttpRequest) -> HttpResponse:
    form = password_form(signed_in(request), data=request.POST)
    if not form.is_valid():
        return _render(request, status=422, password_form=form)
    try:
        services.change_password(request.user, request.user, form.cleaned_data["new_password1"])
    except DomainError as exc:
        return _render(request, status=422, password_form=form, **_failed(exc))
    update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
    messages.success(request, _("Your password was changed."))
    return _back("password")


@login_required
@require_POST
def add_delegation(request: HttpRequest) -> HttpResponse:
    from flowbridge.org import services as org_services

    person = person_of(request.user)
    if person is None:
        messages.error(request, _("Your account is not linked to a person."))
        return _back()
    form = DelegationForm(request.POST, person=person)
    if not form.is_valid():
        return _render(request, status=422, delegation_form=form)
    data = form.cleaned_data
    try:
        org_services.add_delegation(
            request.user,
            person,
            data["deputy"],
            data["starts_on"],
            data["ends_on"],
            reason=data["reason"],
        )
    except DomainError as exc:
        return _render(request, status=422, delegation_form=form, **_failed(exc))
    messages.success(
        request,
        _("%(deputy)s is your deputy from %(start)s to %(end)s.")
        % {"deputy": data["deputy"], "start": data["starts_on"], "end": data["ends_on"]},
    )
    return _back("delegations")


@login_required
@require_POST
def cancel_delegation(request: HttpRequest, pk: int) -> HttpResponse:
    from flowbridge.org import services as org_services

    person = person_of(request.user)
    delegation = get_object_or_404(
        visible(request.user, Delegation.objects.all()),
        Q(person=person) if person else Q(pk__in=[]),
        pk=pk,
    )
    try:
        org_services.cancel_delegation(request.user, delegation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The delegation was cancelled."))
    return _back("delegations")


@login_required
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _render(request, status=422, token_form=form)
    try:
        token, raw = services.create_token(
            request.user, request.user, form.cleaned_data["name"], form.cleaned_data["days"]
        )
    except DomainError as exc:
        return _render(request, status=422, token_form=form, **_failed(exc))
    # Rendered, not redirected: the token must not pass through the session or a message.
    return _render(request, new_token={"token": token, "raw": raw})


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(visible(request.user, ApiToken.objects.all()), pk=pk)
    services.revoke_token(request.user, token)
    messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return _back("tokens")
