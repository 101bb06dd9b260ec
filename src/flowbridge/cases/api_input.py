"""Reading request bodies of the requests API, and their schemas.

Bodies are parsed here (:func:`body`) rather than by ninja's own validation
so that a malformed payload answers like every other refusal: 422 with
``{"detail", "problems": [{"where", "message"}]}`` naming the field. People
are named by employee number; unknown ones are refused the same way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BaseModel, ValidationError

from flowbridge.core.errors import InvalidInput, Problem
from flowbridge.org.models import Person

T = TypeVar("T", bound=BaseModel)


def actor_of(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or request.user


def _where(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def validated(schema: type[T], data: Any) -> T:
    """``data`` as ``schema``, or one InvalidInput naming every bad field."""
    if not isinstance(data, dict):
        message = _("The request body must be a JSON object.")
        raise InvalidInput(message, problems=[Problem(message, where="body")])
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        problems = [Problem(e["msg"], where=_where(e["loc"])) for e in error.errors()]
        raise InvalidInput(_("The request has invalid fields."), problems=problems) from error


def body(request: HttpRequest, schema: type[T]) -> T:
    """The JSON body (an empty body is ``{}``) validated as ``schema``."""
    raw = request.body or b"{}"
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        message = _("The request body is not valid JSON.")
        raise InvalidInput(message, problems=[Problem(message, where="body")]) from error
    return validated(schema, data)


def documented(schema: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI text for a body read by :func:`body`."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


def people(numbers: Sequence[str], where: str) -> list[Person]:
    """The people with these employee numbers; unknown ones are refused by position."""
    found = {p.employee_no: p for p in Person.objects.filter(employee_no__in=list(numbers))}
    problems = [
        Problem(_("no person with employee number %(no)s") % {"no": no[:40]}, where=f"{where}[{i}]")
        for i, no in enumerate(numbers)
        if no not in found
    ]
    if problems:
        raise InvalidInput(_("Unknown people in %(field)s.") % {"field": where}, problems=problems)
    return [found[no] for no in numbers]


def person(number: str, where: str) -> Person:
    found = Person.objects.filter(employee_no=number).first()
    if found is None:
        message = _("no person with employee number %(no)s") % {"no": number[:40]}
        raise InvalidInput(
            _("Unknown people in %(field)s.") % {"field": where},
            problems=[Problem(message, where=where)],
        )
    return found


class StartIn(Schema):
    process: str
    values: dict[str, Any] = {}
    title: str = ""
    version: int | None = None


class DecideIn(Schema):
    comment: str = ""
    values: dict[str, Any] | None = None
    expected_revision: int | None = None


class AddApproverIn(Schema):
    people: list[str]
    position: str = "after"
    comment: str = ""
    expected_revision: int | None = None


class HandOverIn(Schema):
    to: str
    comment: str = ""
    expected_revision: int | None = None


class ReturnIn(Schema):
    target: str
    comment: str = ""
    expected_revision: int | None = None


class ResubmitIn(Schema):
    values: dict[str, Any] = {}
    comment: str = ""
    expected_revision: int | None = None


class WithdrawIn(Schema):
    reason: str = ""
    expected_revision: int | None = None


class UrgeIn(Schema):
    message: str = ""


class CopyIn(Schema):
    people: list[str]
    note: str = ""


class CommentIn(Schema):
    text: str
    item_id: int | None = None


class ReadIn(Schema):
    ids: list[int] | None = None
