"""``flowbridge token issue|list|revoke``: API tokens for scripts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from flowbridge.accounts import services
from flowbridge.accounts.models import ApiToken
from flowbridge.core import clock
from flowbridge.core.errors import InvalidInput


class Command(BaseCommand):
    help = "Issue, list or revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="issue a token; prints only the token")
        issue.add_argument("username")
        issue.add_argument("--name", required=True, help="what the token is for")
        issue.add_argument("--days", type=int, default=None, help="days valid (default: no expiry)")
        listing = sub.add_parser("list", help="list tokens (never their values)")
        listing.add_argument("username", nargs="?", default="")
        revoke = sub.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "issue":
            self._issue(options["username"], options["name"], options["days"])
        elif action == "list":
            self._list(options["username"])
        else:
            self._revoke(options["id"])

    def _issue(self, username: str, name: str, days: int | None) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        try:
            _token, raw = services.create_token(None, user, name, days)
        except InvalidInput as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(raw)

    def _list(self, username: str) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if username:
            tokens = tokens.filter(user__username=username)
        now = clock.now()
        rows = [("id", "user", "name", "prefix", "created", "last used", "expires", "status")]
        for t in tokens:
            if t.revoked_at is not None:
                status = "revoked"
            elif t.expires_at is not None and t.expires_at <= now:
                status = "expired"
            else:
                status = "active"
            rows.append(
                (
                    str(t.pk),
                    t.user.get_username(),
                    t.name,
                    t.prefix + "…",
                    _when(t.created_at),
                    _when(t.last_used_at),
                    _when(t.expires_at),
                    status,
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())

    def _revoke(self, token_id: int) -> None:
        token = ApiToken.objects.filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"no token with id {token_id}")
        services.revoke_token(None, token)
        self.stdout.write(f"revoked token {token_id} ({token.name})")


def _when(moment: Any) -> str:
    """Local time (the settings' time zone), to the minute."""
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment is not None else "-"
