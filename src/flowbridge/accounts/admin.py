"""Admin for API tokens (never their values) and sign-in lock-outs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from flowbridge.accounts import services
from flowbridge.accounts.models import ApiToken, SignInThrottle
from flowbridge.core.errors import DomainError

# ModelAdmin is generic only in the type stubs (django_stubs_ext is not monkeypatched).
if TYPE_CHECKING:
    TokenAdminBase = admin.ModelAdmin[ApiToken]
    ThrottleAdminBase = admin.ModelAdmin[SignInThrottle]
else:
    TokenAdminBase = ThrottleAdminBase = admin.ModelAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(TokenAdminBase):
    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    readonly_fields += ["expires_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A token is shown only when issued, so it is issued on the profile page or the CLI.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoke instead: it keeps the record and writes the audit log

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.revoke_token(request.user, token)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(SignInThrottle)
class SignInThrottleAdmin(ThrottleAdminBase):
    list_display = ["username", "failures", "first_failure_at", "locked_until"]
    search_fields = ["username"]
    readonly_fields = ["username", "failures", "first_failure_at", "locked_until"]
    actions = ["unlock"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: SignInThrottle | None = None
    ) -> bool:
        return False  # unlock instead: it writes the audit log

    @admin.action(description=_("Unlock the selected user names"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[SignInThrottle]) -> None:
        count = 0
        for row in queryset:
            try:
                services.unlock(request.user, row.username)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                count += 1
        self.message_user(
            request,
            ngettext("%(count)d user name unlocked.", "%(count)d user names unlocked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
