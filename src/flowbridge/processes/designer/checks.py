"""What a readable chain may still get wrong: form fields, names, expressions, references.

Every problem carries the path of the part at fault so the designer page can
point at it. References (departments, people, roles, responsibility steps)
are looked up in the database only when asked.
"""

from __future__ import annotations

import keyword
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.text import slugify
from django.utils.translation import gettext as _

from flowbridge.core.errors import Problem
from flowbridge.core.expressions import ExpressionError
from flowbridge.core.expressions import check as check_expression
from flowbridge.org.models import Department, Person
from flowbridge.processes.designer.chain import (
    CONDITION_NAMES,
    PERSON_KINDS,
    RESERVED_FIELD_IDS,
    Approver,
    Branch,
    Chain,
    Condition,
    FormFieldSpec,
    Node,
)
from flowbridge.processes.designer.reading import at
from flowbridge.responsibility.models import CoreProcess

ROLES = ("process_office", "management", "system_admin", "auditor")
CHOICE_TYPES = ("enum", "choice", "multichoice")
NUMBER_TYPES = ("long", "number", "money")
TEXT_TYPES = ("string", "text", "textarea")
DUE = re.compile(r"^[1-9][0-9]{0,3}[mhd]$")
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
CURRENCY = re.compile(r"^[A-Z]{3}$")


class _Checker:
    def __init__(self, chain: Chain, check_references: bool) -> None:
        self.chain = chain
        self.references = check_references
        self.problems: list[Problem] = []
        self.names: dict[str, str] = {}

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(message, where=where))

    # --- settings and form -------------------------------------------------------------

    def settings(self) -> None:
        key = self.chain.key
        if key and slugify(key) != key:
            self.add("key", _("use lower-case letters, digits, - and _ only"))
        for name in PLACEHOLDER.findall(self.chain.title):
            if self.chain.form_field(name) is None:
                self.add("title", _('"{%(name)s}" is not a form field') % {"name": name})
        if not self.chain.nodes:
            self.add("nodes", _("add at least one node after the submission"))

    def fields(self) -> None:
        seen: set[str] = set()
        for i, spec in enumerate(self.chain.fields):
            where = spec.where or at("fields", i)
            if spec.id:
                self.field_id(spec.id, at(where, "id"))
                if spec.id in seen:
                    self.add(at(where, "id"), _('the id "%(id)s" is used twice') % {"id": spec.id})
                seen.add(spec.id)
            self.options(spec, where)
            self.bounds(spec, where)
            if spec.currency and (spec.type != "money" or not CURRENCY.match(spec.currency)):
                self.add(at(where, "currency"), _("a currency is three capital letters, on money"))

    def field_id(self, field_id: str, where: str) -> None:
        if not IDENTIFIER.match(field_id) or keyword.iskeyword(field_id):
            self.add(
                where,
                _("an id is letters, digits and _, starting with a letter (conditions use it)"),
            )
        elif field_id in RESERVED_FIELD_IDS:
            self.add(where, _('"%(id)s" is reserved') % {"id": field_id})

    def options(self, spec: FormFieldSpec, where: str) -> None:
        if spec.type in CHOICE_TYPES and not spec.options:
            self.add(at(where, "options"), _("a choice field needs at least one option"))
        if spec.options and spec.type not in CHOICE_TYPES:
            self.add(at(where, "options"), _("only choice fields have options"))
        ids = [o.id for o in spec.options]
        for i, option_id in enumerate(ids):
            if option_id and option_id in ids[:i]:
                message = _('the id "%(id)s" is used twice') % {"id": option_id}
                self.add(at(at(at(where, "options"), i), "id"), message)

    def bounds(self, spec: FormFieldSpec, where: str) -> None:
        values: list[Decimal | date | None] = []
        for key, raw in (("min", spec.minimum), ("max", spec.maximum)):
            value = self.bound(spec, raw, at(where, key)) if raw else None
            values.append(value)
        low, high = values
        if low is not None and high is not None and low > high:  # type: ignore[operator]
            self.add(at(where, "max"), _("the maximum is below the minimum"))

    def bound(self, spec: FormFieldSpec, raw: str, where: str) -> Decimal | date | None:
        try:
            if spec.type == "date":
                return date.fromisoformat(raw)
            if spec.type in NUMBER_TYPES or spec.type in TEXT_TYPES:
                value = Decimal(raw)
                whole = spec.type == "long" or spec.type in TEXT_TYPES
                if not value.is_finite() or (whole and value != value.to_integral_value()):
                    raise ValueError(raw)
                if spec.type in TEXT_TYPES and value < 0:
                    raise ValueError(raw)
                return value
        except (ValueError, InvalidOperation):
            if spec.type == "date":
                self.add(where, _("write a date as YYYY-MM-DD"))
            elif spec.type in TEXT_TYPES or spec.type == "long":
                self.add(where, _("must be a whole number"))
            else:
                self.add(where, _("must be a number"))
            return None
        self.add(where, _("this field type has no minimum or maximum"))
        return None

    # --- nodes -------------------------------------------------------------------------

    def nodes(self, nodes: tuple[Node, ...], where: str) -> None:
        for i, node in enumerate(nodes):
            self.node(node, node.where or at(at(where, "nodes"), i))

    def node(self, node: Node, where: str) -> None:
        if node.name:
            first = self.names.get(node.name)
            if first is not None:
                message = _('the name "%(name)s" is already used at %(where)s')
                self.add(at(where, "name"), message % {"name": node.name, "where": first})
            else:
                self.names[node.name] = where
        if node.kind in PERSON_KINDS:
            if not node.approvers:
                self.add(at(where, "approvers"), _("choose at least one person or rule"))
            for i, approver in enumerate(node.approvers):
                self.approver(approver, approver.where or at(at(where, "approvers"), i))
        if node.due and not DUE.match(node.due):
            self.add(at(where, "due"), _("write a time limit as 30m, 4h or 2d"))
        for field_id, expression in node.sets:
            spot = at(at(where, "set"), field_id)
            if self.chain.form_field(field_id) is None:
                self.add(spot, _('"%(name)s" is not a form field') % {"name": field_id})
            if expression:
                self.expression(expression, spot)
        if node.kind == "auto" and not node.sets:
            self.add(at(where, "set"), _("set at least one field"))
        if node.kind == "condition":
            self.condition_node(node, where)
        if node.kind == "parallel":
            if len(node.branches) < 2:
                self.add(at(where, "branches"), _("a parallel node needs at least two branches"))
            for i, branch in enumerate(node.branches):
                spot = at(at(where, "branches"), i)
                if not branch.nodes:
                    self.add(at(spot, "nodes"), _("a parallel branch cannot be empty"))
                self.nodes(branch.nodes, spot)

    def condition_node(self, node: Node, where: str) -> None:
        if not node.branches:
            self.add(at(where, "branches"), _("a condition needs at least one branch"))
        for i, branch in enumerate(node.branches):
            spot = at(at(where, "branches"), i)
            if branch.condition is not None:
                self.condition(branch.condition, at(spot, "condition"))
            self.nodes(branch.nodes, spot)
        self.nodes((node.default or Branch()).nodes, at(where, "default"))

    def condition(self, condition: Condition, where: str) -> None:
        if not condition.structured:
            self.expression(condition.expression, where)
            return
        spec = self.chain.form_field(condition.field)
        if spec is None:
            message = _('"%(name)s" is not a form field') % {"name": condition.field}
            self.add(at(where, "field"), message)
            return
        ordering = condition.op in (">", ">=", "<", "<=")
        number = isinstance(condition.value, int | float) and not isinstance(condition.value, bool)
        if ordering and spec.type in NUMBER_TYPES and not number:
            self.add(at(where, "value"), _("compare a number field with a number"))
        if ordering and spec.type not in NUMBER_TYPES and spec.type != "date":
            self.add(at(where, "op"), _("only numbers and dates can be compared this way"))

    def expression(self, text: str, where: str) -> None:
        try:
            names = check_expression(text)
        except ExpressionError as error:
            self.add(where, _("the expression is refused: %(reason)s") % {"reason": error.reason})
            return
        known = {f.id for f in self.chain.fields} | set(CONDITION_NAMES)
        for name in names:
            if name not in known:
                self.add(where, _('"%(name)s" is not a form field') % {"name": name})

    # --- who ---------------------------------------------------------------------------

    def approver(self, approver: Approver, where: str) -> None:
        if approver.type == "field":
            spec = self.chain.form_field(approver.field)
            if spec is None:
                message = _('"%(name)s" is not a form field') % {"name": approver.field}
                self.add(at(where, "field"), message)
            elif spec.type not in ("person", "department"):
                self.add(at(where, "field"), _("choose a person or department field"))
        if approver.type == "role" and approver.role and approver.role not in ROLES:
            message = _('"%(value)s" is not one of: %(choices)s')
            self.add(
                at(where, "role"), message % {"value": approver.role, "choices": ", ".join(ROLES)}
            )
        if self.references:
            self.reference(approver, where)

    def reference(self, approver: Approver, where: str) -> None:
        people = Person.objects.filter(employee_no=approver.employee_no, is_active=True)
        if approver.type == "person" and approver.employee_no and not people.exists():
            message = _('no active person with employee number "%(no)s"')
            self.add(at(where, "employee_no"), message % {"no": approver.employee_no})
        departments = Department.objects.filter(code=approver.department)
        if (
            approver.type in ("liaison", "department")
            and approver.department
            and not departments.exists()
        ):
            message = _('no department with code "%(code)s"')
            self.add(at(where, "department"), message % {"code": approver.department})
        if approver.type == "responsible" and approver.process and approver.step:
            process = CoreProcess.objects.filter(code=approver.process).first()
            if process is None:
                message = _('no core process with code "%(code)s"')
                self.add(at(where, "process"), message % {"code": approver.process})
                return
            current = process.versions.order_by("-number").first()
            if current is None or not current.steps.filter(code=approver.step).exists():
                message = _('the current responsibility list of %(process)s has no step "%(step)s"')
                self.add(
                    at(where, "step"), message % {"process": process.code, "step": approver.step}
                )


def check(chain: Chain, *, check_references: bool = True) -> list[Problem]:
    """Every problem of ``chain`` beyond its shape, each with its path."""
    checker = _Checker(chain, check_references)
    checker.settings()
    checker.fields()
    checker.nodes(chain.nodes, "")
    return checker.problems
