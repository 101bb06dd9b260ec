"""``flowbridge createadmin``: create a system administrator account."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flowbridge.accounts import services
from flowbridge.core.errors import InvalidInput


class Command(BaseCommand):
    help = (
        "Create a system administrator (a superuser; no person record needed). "
        "With --password-stdin the password is read from standard input."
    )
    # Tests pass a file object as ``stdin``; from the shell it is the process's stdin.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="", help="user name (default: ask, or 'admin')")
        parser.add_argument("--email", default="", help="e-mail address")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input instead of prompting",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        if options["password_stdin"]:
            username = username or "admin"
            password = (options.get("stdin") or sys.stdin).readline().rstrip("\r\n")
        else:
            if not username:
                username = input("User name [admin]: ").strip() or "admin"
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            user = services.create_admin(None, username, options["email"], password)
        except InvalidInput as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"created system administrator {user.get_username()}")
