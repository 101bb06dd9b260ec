"""Errors that services raise and every interface (API, pages, CLI) reports the same way."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, and where.

    ``where`` is e.g. ``"People, row 12, column E"``.
    """

    message: str
    where: str = ""
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class DomainError(Exception):
    """Base class of errors a user can act on."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class InvalidInput(DomainError):
    """The input breaks a rule; nothing was changed."""


class NotAllowed(DomainError):
    """The user's role and department do not allow this."""


class Conflict(DomainError):
    """Someone else changed the object first; reload and try again."""


class NotFound(DomainError):
    """The object does not exist (or is not visible to the user)."""
