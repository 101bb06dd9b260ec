"""API tokens: issue, authenticate, revoke. Only a hash of the token is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from flowbridge.accounts.models import ApiToken
from flowbridge.core import clock

TOKEN_PREFIX = "fb_"  # noqa: S105 (a marker, not a secret)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token_record(
    user: Any, name: str, valid_for: timedelta | None = None
) -> tuple[ApiToken, str]:
    """Store a new token for ``user``; return the record and the token itself.

    No permission check or audit entry: call ``accounts.services.create_token``
    for that. The token is returned only here and never stored in clear.
    """
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:10],
        key_hash=_digest(raw),
        created_at=now,
        expires_at=now + valid_for if valid_for else None,
    )
    return token, raw


def issue_token(user: Any, name: str, valid_for: timedelta | None = None) -> str:
    """Create a token for ``user`` and return it; this is the only time it is visible."""
    return create_token_record(user, name, valid_for)[1]


def user_for_token(raw: str) -> Any | None:
    """The active user a token belongs to, or None for an unknown, revoked or expired token."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_digest(raw)).first()
    now = clock.now()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    # Write at most once a minute: a busy script must not turn every read into a write.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer fb_…`` for the JSON API."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user
