"""Who may see and manage API tokens; lock-outs have no rule, so only administrators."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from flowbridge.accounts.models import ApiToken
from flowbridge.core.permissions import Action, Principal, register_rule, register_scope


def token_rule(p: Principal, action: Action, obj: Any) -> bool:
    """People see and manage their own tokens (an unsaved token asks about creating one)."""
    if isinstance(obj, type):
        return action == Action.VIEW
    return obj.user_id is not None and obj.user_id == p.user_id


def token_scope(p: Principal, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(user_id=p.user_id)


def install() -> None:
    register_rule(ApiToken, token_rule)
    register_scope(ApiToken, token_scope)
