"""Sign-in with lock-out, and sign-out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LogoutView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from flowbridge.accounts import services
from flowbridge.accounts.services import SignInLocked


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    """Django's authentication form, refused while the user name is locked out."""
    if request.method != "POST":
        if request.user.is_authenticated:
            return HttpResponseRedirect(_next_url(request))
        return _page(request, AuthenticationForm(request))
    username = request.POST.get("username", "")
    try:
        services.check_sign_in_allowed(username)
    except SignInLocked as exc:
        # Do not even try the password: a locked name answers the same either way.
        return _page(request, AuthenticationForm(request, initial={"username": username}), exc)
    form = AuthenticationForm(request, data=request.POST)
    if form.is_valid():
        services.record_success(username)
        auth_login(request, form.get_user())
        return HttpResponseRedirect(_next_url(request))
    if username.strip():  # an empty form is a mistake, not a guess
        services.record_failure(username)
    try:
        services.check_sign_in_allowed(username)
    except SignInLocked as exc:
        return _page(request, AuthenticationForm(request, initial={"username": username}), exc)
    return _page(request, form)


def _page(
    request: HttpRequest, form: AuthenticationForm, locked: SignInLocked | None = None
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "errors": [locked.message] if locked else list(form.non_field_errors()),
        "next": request.POST.get("next") or request.GET.get("next") or "",
        "show_demo_hint": settings.DEBUG or bool(getattr(settings, "FLOWBRIDGE_DEMO", False)),
    }
    return render(request, "accounts/login.html", context, status=200)


sign_out = LogoutView.as_view()
