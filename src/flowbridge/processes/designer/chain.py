"""The approval chain a user designs: settings, form fields and an ordered list of nodes.

A chain is plain data (frozen dataclasses) that turns into a BPMN file with
:mod:`.bpmn_writer` and back into a dict with :func:`chain_to_dict`, the shape
the designer page and the API exchange. :func:`parse_chain` reads that dict
and refuses it with every problem found, each with its path, e.g.
``nodes[2].branches[0].nodes[1].approvers[0]``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import ngettext

from flowbridge.core.errors import InvalidInput, Problem

NODE_KINDS = ("approval", "task", "cc", "auto", "condition", "parallel")
PERSON_KINDS = ("approval", "task", "cc")
APPROVER_TYPES = (
    "person",
    "role",
    "requester",
    "requester_head",
    "head_up",
    "liaison",
    "department",
    "responsible",
    "field",
)
MODES = ("sequential", "countersign", "or-sign")
COUNTERSIGN_RULES = ("all", "majority")
ON_REJECT = ("end", "route")
WITHDRAW = ("until_acted", "any_time", "never")
FIELD_TYPES = (
    "string",
    "text",
    "textarea",
    "long",
    "number",
    "money",
    "date",
    "boolean",
    "enum",
    "choice",
    "multichoice",
    "person",
    "department",
    "attachment",
)
OPS = (">", ">=", "<", "<=", "==", "!=", "in")
# Names every condition sees besides the form fields (docs/process-conventions.md).
CONDITION_NAMES = ("decision", "decisions")
RESERVED_FIELD_IDS = ("decision", "decisions", "requester", "case")


@dataclass(frozen=True)
class Approver:
    """One rule saying who acts on (or is copied on) a node."""

    type: str
    employee_no: str = ""
    role: str = ""
    department: str = ""
    levels: int = 0
    process: str = ""
    step: str = ""
    field: str = ""
    # Where it was read from, for problems; not part of the chain's value.
    where: str = dataclasses.field(default="", compare=False, repr=False)

    def rule(self) -> str:
        """The assignee rule of docs/process-conventions.md, e.g. ``department:finance``."""
        return {
            "person": f"person:{self.employee_no}",
            "role": f"role:{self.role}",
            "requester": "requester",
            "requester_head": "head:requester",
            "head_up": f"head:requester+{self.levels}",
            "liaison": f"liaison:{self.department}",
            "department": f"department:{self.department}",
            "responsible": f"responsible:{self.process}/{self.step}",
            "field": f"field:{self.field}",
        }.get(self.type, "")

    def to_dict(self) -> dict[str, Any]:
        keys = {
            "person": ("employee_no",),
            "role": ("role",),
            "head_up": ("levels",),
            "liaison": ("department",),
            "department": ("department",),
            "responsible": ("process", "step"),
            "field": ("field",),
        }.get(self.type, ())
        return {"type": self.type, **{k: getattr(self, k) for k in keys}}


@dataclass(frozen=True)
class Option:
    """One choice of an enum or multichoice field."""

    id: str
    label: str
    label_en: str = ""


@dataclass(frozen=True)
class FormFieldSpec:
    """One field of the request form (written as ``camunda:formField``)."""

    id: str
    label: str
    label_en: str = ""
    type: str = "string"
    required: bool = False
    options: tuple[Option, ...] = ()
    minimum: str = ""
    maximum: str = ""
    currency: str = ""
    help: str = ""
    # Where it was read from, for problems; not part of the chain's value.
    where: str = dataclasses.field(default="", compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "label_en": self.label_en,
            "type": self.type,
            "required": self.required,
            "options": [
                {"id": o.id, "label": o.label, "label_en": o.label_en} for o in self.options
            ],
            "min": self.minimum,
            "max": self.maximum,
            "currency": self.currency,
            "help": self.help,
        }


@dataclass(frozen=True)
class Condition:
    """A branch condition: raw expression text, or ``field op value`` built from a form."""

    expression: str = ""
    field: str = ""
    op: str = ""
    value: Any = None

    @property
    def structured(self) -> bool:
        return not self.expression

    def text(self) -> str:
        """The expression the gateway evaluates."""
        if self.expression:
            return self.expression.strip()
        return f"{self.field} {self.op} {json.dumps(self.value, ensure_ascii=False)}"

    def to_dict(self) -> dict[str, Any] | str:
        if self.expression:
            return self.expression
        return {"field": self.field, "op": self.op, "value": self.value}


@dataclass(frozen=True)
class Branch:
    """One column of a condition or parallel node; ``condition`` is None on defaults."""

    name: str = ""
    condition: Condition | None = None
    nodes: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Node:
    """One node of the chain; which attributes matter depends on ``kind``."""

    kind: str
    name: str = ""
    name_en: str = ""
    approvers: tuple[Approver, ...] = ()
    mode: str = "or-sign"
    countersign_rule: str = "all"
    on_reject: str = "end"
    due: str = ""
    sets: tuple[tuple[str, str], ...] = ()
    branches: tuple[Branch, ...] = ()
    default: Branch | None = None
    # Where it was read from, for problems; not part of the chain's value.
    where: str = dataclasses.field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class Chain:
    """A whole designed process."""

    key: str
    name: str
    name_en: str = ""
    withdraw: str = "until_acted"
    title: str = ""
    fields: tuple[FormFieldSpec, ...] = ()
    nodes: tuple[Node, ...] = ()

    def form_field(self, field_id: str) -> FormFieldSpec | None:
        return next((f for f in self.fields if f.id == field_id), None)


def _branch_to_dict(branch: Branch) -> dict[str, Any]:
    out: dict[str, Any] = {"name": branch.name}
    if branch.condition is not None:
        out["condition"] = branch.condition.to_dict()
    out["nodes"] = [node_to_dict(n) for n in branch.nodes]
    return out


def node_to_dict(node: Node) -> dict[str, Any]:
    out: dict[str, Any] = {"type": node.kind, "name": node.name}
    if node.name_en:
        out["name_en"] = node.name_en
    if node.kind in PERSON_KINDS:
        out["approvers"] = [a.to_dict() for a in node.approvers]
    if node.kind in ("approval", "task"):
        out["mode"] = node.mode
        if node.mode == "countersign":
            out["countersign_rule"] = node.countersign_rule
        if node.kind == "approval":
            out["on_reject"] = node.on_reject
        if node.due:
            out["due"] = node.due
    if node.kind == "auto":
        out["set"] = dict(node.sets)
    if node.kind in ("condition", "parallel"):
        out["branches"] = [_branch_to_dict(b) for b in node.branches]
    if node.kind == "condition":
        out["default"] = _branch_to_dict(node.default or Branch())
    return out


def chain_to_dict(chain: Chain) -> dict[str, Any]:
    """The JSON shape the designer page, the API and the BPMN file carry."""
    return {
        "key": chain.key,
        "name": chain.name,
        "name_en": chain.name_en,
        "withdraw": chain.withdraw,
        "title": chain.title,
        "fields": [f.to_dict() for f in chain.fields],
        "nodes": [node_to_dict(n) for n in chain.nodes],
    }


def read_chain(payload: Any) -> tuple[Chain, list[Problem]]:
    """Read ``payload`` as far as possible: the chain and its structural problems.

    The live preview draws what it can of a chain still being edited; only
    :func:`parse_chain` insists on a complete, correct one.
    """
    # Deferred: reading builds the dataclasses defined above.
    from flowbridge.processes.designer.reading import read

    return read(payload)


def parse_chain(payload: Any, *, check_references: bool = True) -> Chain:
    """The chain in ``payload``, or InvalidInput listing every problem with its path.

    ``check_references`` also looks up departments, people, roles and
    responsibility steps in the database; reopening a stored chain skips it so
    a department closed since still lets the chain open (and be corrected).
    """
    chain, problems = read_chain(payload)
    if not isinstance(payload, dict):
        raise InvalidInput(problems_message(problems), problems=problems)
    problems += chain_problems(chain, check_references=check_references)
    if problems:
        raise InvalidInput(problems_message(problems), problems=problems)
    return chain


def chain_problems(chain: Chain, *, check_references: bool = True) -> list[Problem]:
    """What is wrong with a structurally read chain (fields, expressions, names, references)."""
    from flowbridge.processes.designer.checks import check

    return check(chain, check_references=check_references)


def problems_message(problems: list[Problem]) -> str:
    return ngettext(
        "The approval chain has %(count)d problem.",
        "The approval chain has %(count)d problems.",
        len(problems),
    ) % {"count": len(problems)}
