"""Template context every page needs: the navigation the user may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from flowbridge.core.permissions import Role, principal_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    principal = principal_for(getattr(request, "user", None))
    return {
        "principal": principal,
        "can_audit": principal.has(Role.AUDITOR),
        "is_process_office": principal.has(Role.PROCESS_OFFICE),
        "is_system_admin": principal.is_admin,
    }
