"""Server-side validation of form input: raw values in, JSON-ready stored values out.

:func:`clean` is the one place the rules of a form live: the API passes JSON
values, pages pass strings (through :func:`.formwidgets.django_form`), and
both get the same stored values or the same :class:`InvalidInput` listing
every bad field at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from flowbridge.core.errors import InvalidInput, Problem
from flowbridge.org.models import Department, Person
from flowbridge.processes.formfields import (
    CENTS,
    WIDE,
    FormField,
    FormSpec,
    parse_boolean,
    parse_date,
    parse_decimal,
)

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DENIED_EXTENSIONS = {
    ".exe", ".bat", ".cmd", ".sh", ".js", ".msi", ".ps1", ".com", ".scr", ".jar", ".py", ".php",
}  # fmt: skip
MAX_STRING = 1000  # longest one-line text without a maxlength
MAX_TEXTAREA = 20000
MAX_LONG = 2**53  # integers conditions (and JavaScript) still hold exactly
MAX_DIGITS = 30
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Bad(Exception):
    """One value is wrong; the message says how (the field's label is added later)."""


def _text(value: Any, problem: str = "") -> str:
    """A scalar as text; huge integers are refused before ``str`` could fail on them."""
    if (
        isinstance(value, bool)
        or not isinstance(value, str | int | float | Decimal)
        or (isinstance(value, int) and value.bit_length() > 200)
    ):
        raise _Bad(problem or _("enter text"))
    return str(value)


def _clean_string(spec: FormField, value: Any) -> str:
    text = _text(value).strip()
    if _CONTROL.search(text) or (spec.type == "string" and ("\n" in text or "\r" in text)):
        raise _Bad(
            _("enter one line without control characters")
            if spec.type == "string"
            else _("remove the control characters")
        )
    longest = spec.max_length or (MAX_STRING if spec.type == "string" else MAX_TEXTAREA)
    if len(text) > longest:
        raise _Bad(_("enter at most %(count)d characters") % {"count": longest})
    if spec.min_length is not None and len(text) < spec.min_length:
        raise _Bad(_("enter at least %(count)d characters") % {"count": spec.min_length})
    return text


def _decimal(spec: FormField, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _Bad(_("enter a number"))
    if isinstance(value, int):
        value = _text(value, _("enter a number"))
    elif isinstance(value, float):
        value = repr(value)
    elif isinstance(value, Decimal):
        value = format(value, "f")
    if not isinstance(value, str):
        raise _Bad(_("enter a number"))
    text = value.strip()
    if spec.type == "money" and text[:1] in {"¥", "￥"}:
        text = text[1:].strip()
    number = parse_decimal(text)
    if number is None or len(number.as_tuple().digits) > MAX_DIGITS:
        raise _Bad(_("enter a number such as 1234.5 (no exponent)"))
    if spec.minimum is not None and isinstance(spec.minimum, Decimal) and number < spec.minimum:
        raise _Bad(_("enter at least %(min)s") % {"min": spec.minimum})
    if spec.maximum is not None and isinstance(spec.maximum, Decimal) and number > spec.maximum:
        raise _Bad(_("enter at most %(max)s") % {"max": spec.maximum})
    return number


def _clean_long(spec: FormField, value: Any) -> int:
    number = _decimal(spec, value)
    if number != number.to_integral_value() or abs(number) > MAX_LONG:
        raise _Bad(_("enter a whole number"))
    return int(number)


def _clean_number(spec: FormField, value: Any) -> str:
    return format(_decimal(spec, value).normalize() + 0, "f")


def _clean_money(spec: FormField, value: Any) -> str:
    amount = _decimal(spec, value)
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise _Bad(_("enter an amount with at most 2 decimal places"))
    # Cents on a 26-digit amount exceed the default 28-digit context.
    return format(amount.quantize(CENTS, context=WIDE), "f")


def _clean_date(spec: FormField, value: Any) -> str:
    day = (
        value if isinstance(value, date) else parse_date(value) if isinstance(value, str) else None
    )
    if day is None:
        raise _Bad(_("enter a date as YYYY-MM-DD"))
    if isinstance(spec.minimum, date) and day < spec.minimum:
        raise _Bad(_("enter %(min)s or later") % {"min": spec.minimum.isoformat()})
    if isinstance(spec.maximum, date) and day > spec.maximum:
        raise _Bad(_("enter %(max)s or earlier") % {"max": spec.maximum.isoformat()})
    return day.isoformat()


def _clean_boolean(spec: FormField, value: Any) -> bool:
    if isinstance(value, bool):
        answer: bool | None = value
    elif isinstance(value, int) and value in {0, 1}:
        answer = bool(value)
    else:
        answer = parse_boolean(value) if isinstance(value, str) else None
    if answer is None:
        raise _Bad(_("answer yes or no (true/false)"))
    if spec.required and not answer:
        raise _Bad(_("this must be yes"))
    return answer


def _choice(spec: FormField, value: Any) -> str:
    if isinstance(value, float | Decimal):
        raise _Bad(_("choose one of the listed values"))
    text = _text(value, _("choose one of the listed values")).strip()
    if text not in {option[0] for option in spec.options}:
        allowed = ", ".join(option[0] for option in spec.options)
        raise _Bad(
            _('"%(value)s" is not one of: %(allowed)s') % {"value": text[:40], "allowed": allowed}
        )
    return text


def _clean_multichoice(spec: FormField, value: Any) -> list[str]:
    items = value if isinstance(value, list | tuple) else [value]
    chosen: list[str] = []
    for item in items:
        text = _choice(spec, item)
        if text not in chosen:
            chosen.append(text)
    return chosen


def _clean_person(spec: FormField, value: Any) -> str:
    if isinstance(value, Person):
        value = value.employee_no
    number = _text(value).strip()
    if _CONTROL.search(number) or len(number) > 32 or not number:
        raise _Bad(_("choose a person"))
    if not Person.objects.filter(employee_no=number, is_active=True).exists():
        raise _Bad(_('no active person has employee number "%(no)s"') % {"no": number})
    return number


def _clean_department(spec: FormField, value: Any) -> str:
    if isinstance(value, Department):
        value = value.code
    code = _text(value).strip()
    if _CONTROL.search(code) or len(code) > 40 or not code:
        raise _Bad(_("choose a department"))
    if not Department.objects.filter(code=code).exists():
        raise _Bad(_('no department has the code "%(code)s"') % {"code": code})
    return code


def max_upload_bytes() -> int:
    return int(getattr(settings, "FLOWBRIDGE_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def denied_name(name: str) -> bool:
    """Whether an uploaded file's name looks like something that runs (``a.exe``, ``b.PS1.``)."""
    base = PurePosixPath(name.replace("\\", "/")).name.rstrip(". ").lower()
    return PurePosixPath(base).suffix in DENIED_EXTENSIONS


def _clean_attachment(spec: FormField, value: Any) -> list[UploadedFile[Any]]:
    files = list(value) if isinstance(value, list | tuple) else [value]
    if not all(isinstance(f, UploadedFile) for f in files):
        raise _Bad(_("upload the files as a multipart form"))
    if len(files) > spec.max_files:
        raise _Bad(_("attach at most %(count)d files") % {"count": spec.max_files})
    limit = max_upload_bytes()
    for upload in files:
        name = str(upload.name or "")
        if denied_name(name):
            raise _Bad(
                _('"%(name)s" is a program or script; such files are refused') % {"name": name[:80]}
            )
        if (upload.size or 0) > limit:
            message = _('"%(name)s" is larger than %(mb)s MB')
            raise _Bad(message % {"name": name[:80], "mb": f"{limit / 1024 / 1024:g}"})
    return files


CLEANERS: dict[str, Callable[[FormField, Any], Any]] = {
    "string": _clean_string,
    "textarea": _clean_string,
    "long": _clean_long,
    "number": _clean_number,
    "money": _clean_money,
    "date": _clean_date,
    "boolean": _clean_boolean,
    "enum": _choice,
    "multichoice": _clean_multichoice,
    "person": _clean_person,
    "department": _clean_department,
    "attachment": _clean_attachment,
}


def _empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, list | tuple) and not value)


def _raw(source: Mapping[str, Any], key: str, many: bool) -> Any:
    getlist = getattr(source, "getlist", None)  # a QueryDict or MultiValueDict from a page
    if many and callable(getlist):
        return getlist(key)
    return source[key]


def _default(spec: FormField) -> Any:
    if spec.type == "multichoice" and spec.default:
        return [part.strip() for part in spec.default.split(",")]
    return spec.default


def clean(
    spec: FormSpec,
    data: Mapping[str, Any],
    files: Mapping[str, Sequence[UploadedFile[Any]]] | None = None,
    *,
    partial: bool = False,
) -> dict[str, Any]:
    """Validate raw input against ``spec``; return stored values or raise one InvalidInput.

    An absent key takes the field's ``defaultValue`` (unless ``partial``, when
    only the given keys are validated); readonly fields are ignored.
    """
    if not isinstance(data, Mapping) or (files is not None and not isinstance(files, Mapping)):
        raise InvalidInput(_("The form data must be an object of field ids and values."))
    problems: list[Problem] = []
    known = {f.id for f in spec.fields}
    for key in list(data) + list(files or {}):
        if str(key) not in known:
            message = _('"%(key)s" is not a field of this form') % {"key": str(key)[:60]}
            problems.append(Problem(message, where=str(key)[:60]))
    stored: dict[str, Any] = {}
    for field in spec.fields:
        if field.readonly:
            continue
        many = field.type in {"multichoice", "attachment"}
        source = files if field.type == "attachment" and files and field.id in files else data
        if field.id in source:
            value = _raw(source, field.id, many)
        elif partial:
            continue
        else:
            value = _default(field)
        try:
            if _empty(value):
                if field.required:
                    raise _Bad(_("this field is required"))
                stored[field.id] = [] if many else None
            else:
                stored[field.id] = CLEANERS[field.type](field, value)
        except _Bad as bad:
            message = _("%(label)s: %(problem)s") % {"label": field.label, "problem": bad}
            problems.append(Problem(message, where=field.id))
    if problems:
        raise InvalidInput(
            ngettext(
                "The form has %(count)d problem.", "The form has %(count)d problems.", len(problems)
            )
            % {"count": len(problems)},
            problems=problems,
        )
    return stored
