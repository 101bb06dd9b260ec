"""Reading the designer's JSON into a :class:`~.chain.Chain`, noting every malformed part.

Only the shape is judged here (types, allowed values, required keys); what
the values refer to (form fields, departments, expressions) is judged in
:mod:`.checks`. A malformed part is skipped or replaced by its default so one
pass reports everything and the preview can still draw the rest.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from django.utils.translation import gettext as _

from flowbridge.core.errors import Problem
from flowbridge.processes.designer.chain import (
    APPROVER_TYPES,
    COUNTERSIGN_RULES,
    FIELD_TYPES,
    MODES,
    NODE_KINDS,
    ON_REJECT,
    OPS,
    PERSON_KINDS,
    WITHDRAW,
    Approver,
    Branch,
    Chain,
    Condition,
    FormFieldSpec,
    Node,
    Option,
)

MAX_TEXT = 200
MAX_LONG_TEXT = 2000
MAX_DEPTH = 20


# Characters XML 1.0 cannot carry (controls other than tab and newlines, surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters a BPMN file cannot hold."""
    return _NOT_XML.sub("", text)


def at(where: str, key: str | int) -> str:
    """``nodes[2]`` + ``name`` → ``nodes[2].name``; an int adds an index."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(message, where=where))

    def not_one_of(self, where: str, value: Any, choices: tuple[str, ...]) -> None:
        self.add(
            where,
            _('"%(value)s" is not one of: %(choices)s')
            % {"value": str(value)[:40], "choices": ", ".join(choices)},
        )

    def obj(self, value: Any, where: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.add(where, _("must be an object"))
        return None

    def items(self, data: dict[str, Any], key: str, where: str) -> list[Any]:
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.add(at(where, key), _("must be a list"))
        return []

    def text(
        self,
        data: dict[str, Any],
        key: str,
        where: str,
        *,
        required: bool = False,
        limit: int = MAX_TEXT,
    ) -> str:
        value = data.get(key)
        if value is None:
            value = ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.add(at(where, key), _("must be text"))
            return ""
        if _NOT_XML.search(value):
            self.add(at(where, key), _("contains control characters"))
            value = xml_safe(value)
        value = value.strip()
        if required and not value:
            self.add(at(where, key), _("is required"))
        if len(value) > limit:
            self.add(at(where, key), _("longer than %(limit)d characters") % {"limit": limit})
            value = value[:limit]
        return value

    def choice(
        self, data: dict[str, Any], key: str, where: str, choices: tuple[str, ...], default: str
    ) -> str:
        value = data.get(key)
        if value is None or value == "":
            return default
        if value not in choices:
            self.not_one_of(at(where, key), value, choices)
            return default
        return str(value)

    def flag(self, data: dict[str, Any], key: str, where: str) -> bool:
        value = data.get(key, False)
        if isinstance(value, bool):
            return value
        self.add(at(where, key), _("must be true or false"))
        return False


def _field(r: _Reader, value: Any, where: str) -> FormFieldSpec | None:
    data = r.obj(value, where)
    if data is None:
        return None
    options: list[Option] = []
    for i, raw in enumerate(r.items(data, "options", where)):
        spot = at(at(where, "options"), i)
        option = r.obj(raw, spot)
        if option is not None:
            options.append(
                Option(
                    id=r.text(option, "id", spot, required=True, limit=64),
                    label=r.text(option, "label", spot, required=True),
                    label_en=r.text(option, "label_en", spot),
                )
            )
    return FormFieldSpec(
        where=where,
        id=r.text(data, "id", where, required=True, limit=64),
        label=r.text(data, "label", where, required=True),
        label_en=r.text(data, "label_en", where),
        type=r.choice(data, "type", where, FIELD_TYPES, "string"),
        required=r.flag(data, "required", where),
        options=tuple(options),
        minimum=r.text(data, "min", where, limit=40),
        maximum=r.text(data, "max", where, limit=40),
        currency=r.text(data, "currency", where, limit=3),
        help=r.text(data, "help", where, limit=MAX_LONG_TEXT),
    )


def _levels(r: _Reader, data: dict[str, Any], where: str) -> int:
    value = data.get("levels", 1)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        r.add(at(where, "levels"), _("must be a whole number from 1 to 10"))
        return 1
    return value


def _approver(r: _Reader, value: Any, where: str) -> Approver | None:
    data = r.obj(value, where)
    if data is None:
        return None
    kind = data.get("type")
    if kind not in APPROVER_TYPES:
        r.not_one_of(at(where, "type"), kind, APPROVER_TYPES)
        return None
    needs = {
        "person": ("employee_no",),
        "role": ("role",),
        "liaison": ("department",),
        "department": ("department",),
        "responsible": ("process", "step"),
        "field": ("field",),
    }.get(kind, ())
    values = {key: r.text(data, key, where, required=True, limit=64) for key in needs}
    levels = _levels(r, data, where) if kind == "head_up" else 0
    return Approver(type=kind, levels=levels, where=where, **values)


def _condition(r: _Reader, value: Any, where: str) -> Condition | None:
    if isinstance(value, str):
        if not value.strip():
            r.add(where, _("the branch needs a condition"))
            return None
        if len(value) > MAX_LONG_TEXT:
            r.add(where, _("longer than %(limit)d characters") % {"limit": MAX_LONG_TEXT})
            return None
        return Condition(expression=xml_safe(value).strip())
    if value is None:
        r.add(where, _("the branch needs a condition"))
        return None
    data = r.obj(value, where)
    if data is None:
        return None
    field = r.text(data, "field", where, required=True, limit=64)
    op = data.get("op")
    if op not in OPS:
        r.not_one_of(at(where, "op"), op, OPS)
        return None
    operand = data.get("value")
    scalar = (str, int, float, bool)
    if op == "in":
        if not isinstance(operand, list) or not operand:
            r.add(at(where, "value"), _('"in" needs a non-empty list of values'))
            return None
        if not all(isinstance(v, scalar) for v in operand):
            r.add(at(where, "value"), _("values must be text, numbers or true/false"))
            return None
    elif not isinstance(operand, scalar):
        r.add(at(where, "value"), _("the value must be text, a number or true/false"))
        return None
    if not field:
        return None
    if isinstance(operand, str):
        operand = xml_safe(operand)
    elif isinstance(operand, list):
        operand = [xml_safe(v) if isinstance(v, str) else v for v in operand]
    return Condition(field=field, op=str(op), value=operand)


def _branch(r: _Reader, value: Any, where: str, *, conditional: bool, depth: int) -> Branch:
    data = r.obj(value, where)
    if data is None:
        return Branch()
    condition = (
        _condition(r, data.get("condition"), at(where, "condition")) if conditional else None
    )
    return Branch(
        name=r.text(data, "name", where),
        condition=condition,
        nodes=_nodes(r, data, where, depth + 1),
    )


def _node(r: _Reader, value: Any, where: str, depth: int) -> Node | None:
    data = r.obj(value, where)
    if data is None:
        return None
    kind = data.get("type")
    if kind not in NODE_KINDS:
        r.not_one_of(at(where, "type"), kind, NODE_KINDS)
        return None
    name = r.text(data, "name", where, required=kind in PERSON_KINDS or kind == "auto")
    node = Node(kind=kind, name=name, name_en=r.text(data, "name_en", where), where=where)
    if kind in PERSON_KINDS:
        approvers = []
        for i, raw in enumerate(r.items(data, "approvers", where)):
            approver = _approver(r, raw, at(at(where, "approvers"), i))
            if approver is not None:
                approvers.append(approver)
        node = dataclasses.replace(node, approvers=tuple(approvers))
    if kind in ("approval", "task"):
        mode = r.choice(data, "mode", where, MODES, "or-sign")
        rule = r.choice(data, "countersign_rule", where, COUNTERSIGN_RULES, "all")
        on_reject = r.choice(data, "on_reject", where, ON_REJECT, "end")
        return dataclasses.replace(
            node,
            mode=mode,
            countersign_rule=rule if mode == "countersign" else "all",
            on_reject=on_reject if kind == "approval" else "end",
            due=r.text(data, "due", where, limit=10),
        )
    if kind == "auto":
        raw_sets = data.get("set") or {}
        if not isinstance(raw_sets, dict):
            r.add(at(where, "set"), _("must be an object"))
            raw_sets = {}
        sets = tuple(
            (
                xml_safe(str(k))[:64],
                r.text(raw_sets, k, at(where, "set"), required=True, limit=MAX_LONG_TEXT),
            )
            for k in raw_sets
        )
        return dataclasses.replace(node, sets=sets)
    if kind in ("condition", "parallel"):
        conditional = kind == "condition"
        branches = tuple(
            _branch(r, raw, at(at(where, "branches"), i), conditional=conditional, depth=depth)
            for i, raw in enumerate(r.items(data, "branches", where))
        )
        default = None
        if conditional:
            raw_default = data.get("default")
            default = (
                _branch(r, raw_default, at(where, "default"), conditional=False, depth=depth)
                if raw_default is not None
                else Branch()
            )
        return dataclasses.replace(node, branches=branches, default=default)
    return node


def _nodes(r: _Reader, data: dict[str, Any], where: str, depth: int) -> tuple[Node, ...]:
    if depth > MAX_DEPTH:
        r.add(at(where, "nodes"), _("branches nested deeper than %(n)d levels") % {"n": MAX_DEPTH})
        return ()
    nodes = []
    for i, raw in enumerate(r.items(data, "nodes", where)):
        node = _node(r, raw, at(at(where, "nodes"), i), depth)
        if node is not None:
            nodes.append(node)
    return tuple(nodes)


def read(payload: Any) -> tuple[Chain, list[Problem]]:
    """The chain in ``payload`` as far as it can be read, and the problems met."""
    r = _Reader()
    data = r.obj(payload, "")
    if data is None:
        return Chain(key="", name=""), r.problems
    fields = []
    for i, raw in enumerate(r.items(data, "fields", "")):
        spec = _field(r, raw, at("fields", i))
        if spec is not None:
            fields.append(spec)
    chain = Chain(
        key=r.text(data, "key", "", required=True, limit=64),
        name=r.text(data, "name", "", required=True),
        name_en=r.text(data, "name_en", ""),
        withdraw=r.choice(data, "withdraw", "", WITHDRAW, "until_acted"),
        title=r.text(data, "title", ""),
        fields=tuple(fields),
        nodes=_nodes(r, data, "", 0),
    )
    return chain, r.problems
