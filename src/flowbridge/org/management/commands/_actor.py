"""The ``--as USERNAME`` option shared by the organization commands."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def actor_for(username: str | None) -> Any:
    """The user named ``username``; None (the system) when no name is given."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f'no active user "{username}"')
    return user
