"""Process forms (M19): the request form and task forms written in the BPMN.

The form layer the runtime and pages use. A form is never stored in the
database; it is read from the deployed version's XML (see
docs/process-conventions.md, "Forms"):

* :func:`form_for` — the form of a version's start event or of one user task;
* :func:`clean` — raw input to stored, JSON-ready values (or one InvalidInput);
* :func:`engine_values` — stored values as the primitives conditions see;
* :func:`display_value` — one stored value as text for pages;
* :func:`django_form` — a Django form for pages, validating through :func:`clean`.
* :func:`value_rows` — (label, text) pairs for ``processes/form_values.html``.

Reading and judging live in :mod:`.formfields`, validation in
:mod:`.formclean`, widgets in :mod:`.formwidgets`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from flowbridge.core.errors import NotFound
from flowbridge.org.models import Department, Person
from flowbridge.processes.bpmn import _parse as parse_bpmn  # the judge's locked-down parser
from flowbridge.processes.bpmn_rules import BPMN_NS
from flowbridge.processes.formclean import clean
from flowbridge.processes.formfields import (
    CENTS,
    WIDE,
    FormField,
    FormSpec,
    form_problems,
    in_language,
    parse_form,
)
from flowbridge.processes.formwidgets import django_form
from flowbridge.processes.models import ProcessVersion

__all__ = [
    "FormField",
    "FormSpec",
    "clean",
    "display_value",
    "django_form",
    "engine_values",
    "form_for",
    "form_problems",
    "parse_form",
    "value_rows",
]

CACHE_SIZE = 128
_cache: OrderedDict[tuple[int | None, str, str | None], FormSpec] = OrderedDict()
_cache_lock = threading.Lock()

CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "JP¥"}


def _read(version: ProcessVersion, node_id: str | None) -> FormSpec:
    root, problem = parse_bpmn(version.bpmn_xml.encode("utf-8"))
    if root is None:
        raise NotFound(
            _("The BPMN of this version cannot be read: %(problem)s") % {"problem": problem}
        )
    process = next(
        (p for p in root.iter(f"{{{BPMN_NS}}}process") if p.get("id") == version.bpmn_process_id),
        None,
    )
    if process is None:
        raise NotFound(
            _('The process "%(id)s" is not in this version.') % {"id": version.bpmn_process_id}
        )
    if node_id is None:
        starts = process.findall(f"{{{BPMN_NS}}}startEvent")
        return parse_form(starts[0]) if starts else FormSpec()
    for element in process.iter(f"{{{BPMN_NS}}}userTask", f"{{{BPMN_NS}}}startEvent"):
        if element.get("id") == node_id:
            return parse_form(element)
    raise NotFound(_('There is no user task "%(id)s" in this process.') % {"id": node_id[:80]})


def form_for(version: ProcessVersion, node_id: str | None = None) -> FormSpec:
    """The start form (``node_id`` None) or the form of user task ``node_id``.

    Raises NotFound when the node is not a user task or start event of the
    version's process. Specs are cached per version and content.
    """
    key = (version.pk, version.sha256, node_id)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    spec = _read(version, node_id)
    with _cache_lock:
        _cache[key] = spec
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return spec


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _engine_value(field: FormField, value: Any) -> Any:
    if value is None:
        return None
    if field.type in {"number", "money"}:
        number = _decimal(value)
        return float(number) if number is not None else None
    if field.type == "long":
        number = _decimal(value)
        return int(number) if number is not None else None
    if field.type == "attachment":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return len(value) if isinstance(value, list | tuple) else None
    return value


def engine_values(spec: FormSpec, stored: Mapping[str, Any]) -> dict[str, Any]:
    """What gateway conditions see: every field of ``spec`` by id, None when missing."""
    return {field.id: _engine_value(field, stored.get(field.id)) for field in spec.fields}


def _money(field: FormField, value: Any) -> str:
    amount = _decimal(value)
    if amount is None:
        return str(value)
    symbol = CURRENCY_SYMBOLS.get(field.currency)
    text = f"{abs(amount.quantize(CENTS, context=WIDE)):,.2f}"
    text = f"{symbol}{text}" if symbol else f"{field.currency} {text}"
    return f"-{text}" if amount < 0 else text


def _file_names(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return ngettext("%(count)d file", "%(count)d files", value) % {"count": value}
    names = []
    for item in value if isinstance(value, list | tuple) else [value]:
        name = item.get("name") if isinstance(item, Mapping) else getattr(item, "name", item)
        names.append(str(name))
    return ", ".join(names)


def display_value(field: FormField, stored_value: Any) -> str:
    """One stored value as text in the active language ("" when empty)."""
    value = stored_value
    if value is None or value == "" or value == []:
        return ""
    kind = field.type
    if kind == "money":
        return _money(field, value)
    if kind == "number":
        number = _decimal(value)
        return f"{number:,}" if number is not None else str(value)
    if kind == "boolean":
        return _("Yes") if value is True else _("No") if value is False else str(value)
    if kind == "enum":
        return field.option_label(str(value))
    if kind == "multichoice":
        separator = in_language("、", ", ")
        items = value if isinstance(value, list | tuple) else [value]
        return separator.join(field.option_label(str(item)) for item in items)
    if kind == "person":
        person = Person.objects.filter(employee_no=str(value)).first()
        return person.display_name if person else str(value)
    if kind == "department":
        department = Department.objects.filter(code=str(value)).first()
        return department.display_name if department else str(value)
    if kind == "attachment":
        return _file_names(value)
    return str(value)


def value_rows(spec: FormSpec, stored: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, display value) per field, for ``processes/form_values.html``."""
    return [(field.label, display_value(field, stored.get(field.id))) for field in spec.fields]
