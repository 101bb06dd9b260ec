"""What the request commands share: who acts (``--as``), and how a refusal is reported."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from django.core.management.base import CommandError, OutputWrapper
from django.utils import translation

from flowbridge.core.errors import DomainError
from flowbridge.org.models import Person


def actor(employee_no: str) -> Any:
    """The account of the active person ``employee_no``: commands act as that person."""
    person = Person.objects.select_related("user").filter(employee_no=employee_no).first()
    if person is None or not person.is_active:
        raise CommandError(f"no active person with employee number {employee_no}")
    if person.user is None:
        raise CommandError(f"{employee_no} has no user account to act with")
    return person.user


@contextmanager
def reported(stderr: OutputWrapper | TextIO, language: str = "en") -> Iterator[None]:
    """Run in ``language``; a domain error prints its message and problems and exits 1."""
    with translation.override(language):
        try:
            yield
        except DomainError as error:
            stderr.write(error.message)
            for problem in error.problems:
                stderr.write(f"  - {problem}")
            sys.exit(1)


def add_language(parser: Any) -> None:
    parser.add_argument("--language", default="en", help="language of messages (en or zh-hans)")
