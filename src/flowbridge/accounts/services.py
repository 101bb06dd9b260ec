"""State changes of accounts: sign-in lock-out, API tokens, passwords, administrators.

Lock-out is keyed by the user name as typed (case-folded), whether or not an
account of that name exists, so the answers never reveal which names exist.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from flowbridge.accounts.models import ApiToken, SignInThrottle
from flowbridge.accounts.tokens import create_token_record
from flowbridge.core import audit, clock
from flowbridge.core.errors import InvalidInput, NotAllowed, NotFound, Problem
from flowbridge.core.permissions import Action, require

logger = logging.getLogger("flowbridge.accounts")

MAX_TOKEN_DAYS = 3650


class SignInLocked(NotAllowed):
    """Too many failed sign-ins for a user name; ``until`` says when it opens again."""

    def __init__(self, until: datetime) -> None:
        local = timezone.localtime(until)
        super().__init__(
            _("Too many failed sign-ins. Try again after %(time)s.")
            % {"time": local.strftime("%H:%M")}
        )
        self.until = until


def normalize_username(username: str) -> str:
    """The throttle key: ``Alice`` and ``alice `` count as the same name."""
    return username.strip().casefold()[:150]


def _window() -> timedelta:
    return timedelta(minutes=settings.FLOWBRIDGE_LOGIN_LOCK_MINUTES)


def check_sign_in_allowed(username: str) -> None:
    """Raise :class:`SignInLocked` while the name is locked; otherwise return quietly."""
    row = SignInThrottle.objects.filter(username=normalize_username(username)).first()
    if row is not None and row.locked_until is not None and row.locked_until > clock.now():
        raise SignInLocked(row.locked_until)


def record_failure(username: str) -> SignInThrottle:
    """Count one failed sign-in; the last one allowed locks the name for the lock window.

    Failures count within a window that starts at the first failure; an
    expired window or an expired lock starts the count afresh.
    """
    key = normalize_username(username)
    now = clock.now()
    with transaction.atomic():
        row = _throttle_for_update(key)
        stale_window = row.first_failure_at is None or now - row.first_failure_at >= _window()
        lock_over = row.locked_until is not None and row.locked_until <= now
        if stale_window or lock_over:
            row.failures, row.first_failure_at, row.locked_until = 0, now, None
        row.failures += 1
        just_locked = (
            row.locked_until is None and row.failures >= settings.FLOWBRIDGE_LOGIN_MAX_FAILURES
        )
        if just_locked:
            row.locked_until = now + _window()
        row.save()
        who = _log_label(key)
        logger.warning("sign-in failed for %s (failure %d)", who, row.failures)
        if just_locked:
            logger.warning("%s locked until %s", who, row.locked_until)
            # The audit log is permanent: an unknown name (possibly a password typed
            # into the wrong field) is recorded as such, never verbatim.
            audit.record(
                None,
                "accounts.sign_in.lock",
                row,
                object_repr=key if who != _UNKNOWN_NAME else who,
                changes={"failures": row.failures, "locked_until": row.locked_until},
            )
    return row


_UNKNOWN_NAME = "an unknown user name"


def _log_label(key: str) -> str:
    """How a failed name appears in the log: never the password, and only names that exist.

    People sometimes type their password into the user-name field; an unknown
    name is therefore logged as such, not verbatim.
    """
    if get_user_model().objects.filter(username__iexact=key).exists():
        return f"user name {key!r}"
    return _UNKNOWN_NAME


def _throttle_for_update(key: str) -> SignInThrottle:
    row = SignInThrottle.objects.select_for_update().filter(username=key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return SignInThrottle.objects.create(username=key)
    except IntegrityError:
        # Another request created it between our read and write.
        return SignInThrottle.objects.select_for_update().get(username=key)


def record_success(username: str) -> None:
    """A successful sign-in forgets earlier failures."""
    SignInThrottle.objects.filter(username=normalize_username(username)).delete()


def unlock(actor: Any, username: str) -> None:
    """Lift a lock-out before it runs out (administrators)."""
    if actor is not None:
        require(actor, Action.CHANGE, SignInThrottle)
    key = normalize_username(username)
    with transaction.atomic():
        row = SignInThrottle.objects.select_for_update().filter(username=key).first()
        if row is None:
            raise NotFound(_("No failed sign-ins are recorded for this user name."))
        audit.record(
            actor,
            "accounts.sign_in.unlock",
            row,
            changes={"failures": [row.failures, 0], "locked_until": [row.locked_until, None]},
        )
        row.delete()


def create_token(actor: Any, user: Any, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; return the record and the token, which is never shown again."""
    if actor is not None:
        require(actor, Action.CHANGE, ApiToken(user=user))
    name = (name or "").strip()
    problems = []
    if not name:
        problems.append(Problem(_("Give the token a name."), where="name"))
    elif len(name) > 100:
        problems.append(Problem(_("The name is longer than 100 characters."), where="name"))
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        problems.append(
            Problem(
                _("Days valid must be between 1 and %(max)d.") % {"max": MAX_TOKEN_DAYS},
                where="days",
            )
        )
    if problems:
        raise InvalidInput(_("The token was not created."), problems=problems)
    with transaction.atomic():
        token, raw = create_token_record(user, name, timedelta(days=days) if days else None)
        audit.record(
            actor,
            "accounts.token.issue",
            token,
            changes={"user": user.get_username(), "name": name, "expires_at": token.expires_at},
        )
    return token, raw


def revoke_token(actor: Any, token: ApiToken) -> ApiToken:
    """Revoke ``token`` at once; revoking twice is harmless."""
    if actor is not None:
        require(actor, Action.CHANGE, token)
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = clock.now()
            token.save(update_fields=["revoked_at"])
            audit.record(
                actor,
                "accounts.token.revoke",
                token,
                changes={"revoked_at": [None, token.revoked_at]},
            )
    return token


def change_password(actor: Any, user: Any, new_password: str) -> None:
    """Set ``user``'s password after Django's validators accept it (people change their own)."""
    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        raise NotAllowed(_("You may change only your own password."))
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise InvalidInput(
            _("The password was not changed."),
            problems=[Problem(str(m), where="password") for m in exc.messages],
        ) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit.record(actor, "accounts.password.change", user)


def create_admin(actor: Any, username: str, email: str, password: str) -> Any:
    """Create a system administrator (a superuser; a person record is optional)."""
    user_model = get_user_model()
    if actor is not None and not actor.is_superuser:
        raise NotAllowed(_("Only a system administrator may create another."))
    problems = []
    username = username.strip()
    if not username:
        problems.append(Problem(_("Give a user name."), where="username"))
    elif user_model.objects.filter(username=username).exists():
        problems.append(Problem(_("This user name is already taken."), where="username"))
    candidate = user_model(username=username, email=email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        problems += [Problem(str(m), where="password") for m in exc.messages]
    if problems:
        raise InvalidInput(_("The administrator was not created."), problems=problems)
    with transaction.atomic():
        user = user_model.objects.create_superuser(
            username=username, email=email, password=password
        )
        audit.record(actor, "accounts.admin.create", user, changes={"email": email})
    return user
