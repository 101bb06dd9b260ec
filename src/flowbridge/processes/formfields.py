"""Form fields as written in the BPMN (``camunda:formData``): reading them and judging them.

The request form sits on the start event, approvers' forms on user tasks.
One reader serves both the runtime (:func:`parse_form`, which skips what it
cannot use) and the judge (:func:`form_problems`, which names every problem
with the element id), so what is deployed is exactly what runs. This module
needs no database.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Context, Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree  # type: ignore[import-untyped]

from flowbridge.processes.bpmn_rules import BPMN_NS, CAMUNDA_NS, Finding, local

# Canonical type for every accepted spelling of the ``type`` attribute.
TYPES = {
    "string": "string", "text": "string", "textarea": "textarea", "long": "long",
    "number": "number", "money": "money", "date": "date", "boolean": "boolean",
    "enum": "enum", "choice": "enum", "multichoice": "multichoice", "person": "person",
    "department": "department", "attachment": "attachment",
}  # fmt: skip
NUMERIC = {"long", "number", "money"}
TEXT = {"string", "textarea"}
CHOICES = {"enum", "multichoice"}
RESERVED = {"decision", "decisions", "requester", "case"}
DEFAULT_MAX_FILES = 10
DEFAULT_CURRENCY = "CNY"

# Which constraints apply to which canonical types (required and readonly apply to all).
_APPLIES = {
    "min": NUMERIC | {"date"},
    "max": NUMERIC | {"date"},
    "minlength": TEXT,
    "maxlength": TEXT,
    "maxfiles": {"attachment"},
}
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"true", "on", "1", "yes"}
_FALSE = {"false", "off", "0", "no"}


def split_label(text: str) -> tuple[str, str]:
    """``"金额 | Amount"`` → ``("金额", "Amount")``; a text without `` | `` is both."""
    if " | " not in text:
        return text.strip(), text.strip()
    zh, en = (part.strip() for part in text.split(" | ", 1))
    return zh or en, en or zh


def in_language(zh: str, en: str) -> str:
    """The part of the active language: Chinese unless English is active."""
    language = translation.get_language() or ""
    return en if language.startswith("en") else zh


@dataclass(frozen=True)
class FormField:
    """One field of a form; ``type`` is canonical (``text`` → ``string``, ``choice`` → ``enum``)."""

    id: str
    label_zh: str
    label_en: str
    type: str = "string"
    required: bool = False
    readonly: bool = False
    default: str | None = None
    options: list[tuple[str, str, str]] = field(default_factory=list)
    minimum: Decimal | date | None = None
    maximum: Decimal | date | None = None
    min_length: int | None = None
    max_length: int | None = None
    max_files: int = DEFAULT_MAX_FILES
    currency: str = DEFAULT_CURRENCY
    help: str = ""

    @property
    def label(self) -> str:
        return in_language(self.label_zh, self.label_en) or self.id

    @property
    def help_text(self) -> str:
        return in_language(*split_label(self.help)) if self.help else ""

    def option_label(self, option_id: str) -> str:
        for value, zh, en in self.options:
            if value == option_id:
                return in_language(zh, en) or value
        return option_id


@dataclass(frozen=True)
class FormSpec:
    """The fields of one form, in the order drawn; empty when the node has no form."""

    fields: list[FormField] = field(default_factory=list)

    def field(self, field_id: str) -> FormField | None:
        for candidate in self.fields:
            if candidate.id == field_id:
                return candidate
        return None

    def __bool__(self) -> bool:
        return bool(self.fields)


CENTS = Decimal("0.01")
# Wide enough for any amount the forms accept (30 digits) plus its cents.
WIDE = Context(prec=40)


def parse_decimal(text: str) -> Decimal | None:
    """A plain decimal (``-12.5``, ``1,234.00``), never an exponent, NaN or infinity."""
    text = text.strip()
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    if not _NUMBER.match(text) or len(text) > 40:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None


def parse_date(text: str) -> date | None:
    text = text.strip()
    if not _DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_boolean(text: str) -> bool | None:
    lowered = text.strip().lower()
    return True if lowered in _TRUE else False if lowered in _FALSE else None


def id_problem(field_id: str) -> str | None:
    """Why ``field_id`` cannot name a field (conditions refer to fields by id), or None."""
    if not _IDENTIFIER.match(field_id) or keyword.iskeyword(field_id):
        return _(
            'field id "%(id)s" must be an identifier: letters, digits and underscores,'
            " starting with a letter, not a Python keyword"
        ) % {"id": field_id[:60]}
    if field_id in RESERVED:
        return _('field id "%(id)s" is reserved (decision, decisions, requester, case)') % {
            "id": field_id
        }
    return None


def _camunda(name: str) -> str:
    return f"{{{CAMUNDA_NS}}}{name}"


def _bound(kind: str, config: str) -> Decimal | date | None:
    return parse_date(config) if kind == "date" else parse_decimal(config)


class _Reader:
    """Reads the fields of one element, noting every problem for the judge."""

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        self.problems: list[str] = []

    def read(self) -> FormSpec:
        fields: list[FormField] = []
        seen: set[str] = set()
        for form_data in self.element.iter(_camunda("formData")):
            for node in form_data.iterchildren(_camunda("formField")):
                read = self._field(node)
                if read is None:
                    continue
                if read.id in seen:
                    self.problems.append(_('field id "%(id)s" is used twice') % {"id": read.id})
                    continue
                seen.add(read.id)
                fields.append(read)
        return FormSpec(fields)

    def _note(self, field_id: str, message: str) -> None:
        self.problems.append(
            _('field "%(id)s": %(problem)s') % {"id": field_id, "problem": message}
        )

    def _field(self, node: etree._Element) -> FormField | None:
        field_id = (node.get("id") or "").strip()
        problem = id_problem(field_id)
        if problem:
            self.problems.append(problem)
            return None
        raw_type = (node.get("type") or "string").strip()
        kind = TYPES.get(raw_type)
        if kind is None:
            message = _('unknown type "%(type)s" (known: %(known)s)')
            self._note(field_id, message % {"type": raw_type[:40], "known": ", ".join(TYPES)})
            return None
        label_zh, label_en = split_label(node.get("label") or field_id)
        values: dict[str, object] = {"required": False, "readonly": False}
        for constraint in node.iter(_camunda("constraint")):
            self._constraint(field_id, kind, constraint, values)
        properties = {
            p.get("id") or p.get("name") or "": p.get("value") or ""
            for p in node.iter(_camunda("property"))
        }
        options = self._options(field_id, kind, node)
        read = FormField(
            id=field_id,
            label_zh=label_zh,
            label_en=label_en,
            type=kind,
            default=node.get("defaultValue"),
            options=options,
            currency=(properties.get("currency") or DEFAULT_CURRENCY).strip().upper(),
            help=properties.get("help", ""),
            **values,  # type: ignore[arg-type]
        )
        self._check(read)
        return read

    def _constraint(
        self, field_id: str, kind: str, node: etree._Element, values: dict[str, object]
    ) -> None:
        name = (node.get("name") or "").strip().lower()
        config = (node.get("config") or "").strip()
        if name in {"required", "readonly"}:
            values[name] = parse_boolean(config) is not False if config else True
            return
        if name not in _APPLIES:
            self._note(field_id, _('unknown constraint "%(name)s"') % {"name": name[:40]})
            return
        if kind not in _APPLIES[name]:
            message = _('constraint "%(name)s" does not apply to a %(type)s field')
            self._note(field_id, message % {"name": name, "type": kind})
            return
        if name in {"min", "max"}:
            bound = _bound(kind, config)
            if bound is None:
                message = _('constraint "%(name)s" needs a %(what)s, not "%(config)s"')
                what = _("date YYYY-MM-DD") if kind == "date" else _("number")
                self._note(field_id, message % {"name": name, "what": what, "config": config[:40]})
            values["minimum" if name == "min" else "maximum"] = bound
            return
        if not config.isdigit() or len(config) > 9:
            message = _('constraint "%(name)s" needs a whole number, not "%(config)s"')
            self._note(field_id, message % {"name": name, "config": config[:40]})
            return
        key = {"minlength": "min_length", "maxlength": "max_length", "maxfiles": "max_files"}
        values[key[name]] = int(config)

    def _options(
        self, field_id: str, kind: str, node: etree._Element
    ) -> list[tuple[str, str, str]]:
        options: list[tuple[str, str, str]] = []
        for value in node.iterchildren(_camunda("value")):
            option_id = (value.get("id") or "").strip()
            if not option_id or any(option_id == o[0] for o in options):
                message = _('value id "%(value)s" is empty or used twice')
                self._note(field_id, message % {"value": option_id[:40]})
                continue
            zh, en = split_label(value.get("name") or option_id)
            options.append((option_id, zh, en))
        if kind in CHOICES and not options:
            self._note(field_id, _("a choice field needs at least one camunda:value"))
        elif kind not in CHOICES and options:
            self._note(field_id, _("only choice fields may have camunda:value entries"))
        return options

    def _check(self, read: FormField) -> None:
        low, high = read.minimum, read.maximum
        if (isinstance(low, Decimal) and isinstance(high, Decimal) and low > high) or (
            isinstance(low, date) and isinstance(high, date) and low > high
        ):
            self._note(read.id, _("min is greater than max"))
        lengths = read.min_length, read.max_length
        if lengths[0] is not None and lengths[1] is not None and lengths[0] > lengths[1]:
            self._note(read.id, _("minlength is greater than maxlength"))
        if read.type == "attachment" and read.max_files < 1:
            self._note(read.id, _("maxfiles must be at least 1"))
        if read.default and not _default_fits(read):
            message = _('default value "%(value)s" is not a valid %(type)s')
            self._note(read.id, message % {"value": read.default[:40], "type": read.type})


def _default_fits(read: FormField) -> bool:
    default = read.default or ""
    ids = {option[0] for option in read.options}
    if read.type == "long":
        return re.fullmatch(r"[+-]?\d{1,15}", default.strip()) is not None
    if read.type in {"number", "money"}:
        return parse_decimal(default) is not None
    if read.type == "date":
        return parse_date(default) is not None
    if read.type == "boolean":
        return parse_boolean(default) is not None
    if read.type == "enum":
        return default in ids
    if read.type == "multichoice":
        return all(part.strip() in ids for part in default.split(","))
    return read.type != "attachment"


def parse_form(element: etree._Element) -> FormSpec:
    """The form on a start event or user task; fields the judge would refuse are left out."""
    return _Reader(element).read()


def form_problems(process: etree._Element) -> list[Finding]:
    """Every problem of the forms in one process, named by the element holding the form."""
    findings: list[Finding] = []
    for element in process.iter(f"{{{BPMN_NS}}}startEvent", f"{{{BPMN_NS}}}userTask"):
        if element.find(f".//{_camunda('formData')}") is None:
            continue
        reader = _Reader(element)
        reader.read()
        kind = local(element.tag)
        findings += [Finding(p, element.get("id") or None, kind) for p in reader.problems]
    return findings
