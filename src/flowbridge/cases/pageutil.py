"""Helpers shared by the case pages: service errors as HTTP, form problems beside fields."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from flowbridge.cases import services
from flowbridge.core.errors import InvalidInput, NotAllowed, NotFound


@contextmanager
def http_errors() -> Iterator[None]:
    """NotAllowed → 403 and NotFound → 404, with the service's message."""
    try:
        yield
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except NotFound as error:
        raise Http404(error.message) from error


def person_or_403(request: HttpRequest) -> Any:
    with http_errors():
        return services.person_of(request.user)


def split_values(form: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form's stored values as service input: values, and files by field."""
    values: dict[str, Any] = {}
    files: dict[str, Any] = {}
    for key, value in form.cleaned_data.items():
        field = form.spec.field(key)
        if field is None or field.readonly:
            continue
        if field.type == "attachment":
            files[key] = value or []
        else:
            values[key] = value
    return values, files


def add_problems(form: Any, error: InvalidInput) -> None:
    """Show a service's problems next to the fields they name (the rest on top)."""
    if not error.problems:
        form.add_error(None, error.message)
    for problem in error.problems:
        form.add_error(problem.where if problem.where in form.fields else None, problem.message)
