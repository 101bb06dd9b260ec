"""The one validation of a responsibility list, used by services, import, API and forms.

:func:`issues` finds every problem and says which step and which field it is
in, so the importer can turn that into "row 7, column G"; :func:`validate`
phrases the same findings for callers that work with steps, not rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from flowbridge.core.errors import Problem
from flowbridge.org.models import Department
from flowbridge.responsibility.models import Part
from flowbridge.responsibility.specs import StepDraft, StepSpec

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
CODE_MAX = 40
NAME_MAX = 100
# Page addresses below /responsibility/ that a process code must not shadow.
RESERVED_CODES = {"import", "export"}

# The field (and import column) each part is written in.
PART_FIELD: dict[str, str] = {
    Part.RESPONSIBLE.value: "responsible",
    Part.COLLABORATOR.value: "collaborators",
    Part.CONSULTED.value: "consulted",
    Part.INFORMED.value: "informed",
}


@dataclass(frozen=True)
class Issue:
    """A problem in step number ``index`` (0-based; None for the process) in ``field``."""

    index: int | None
    field: str
    message: str


def _name(department: Department | str) -> str:
    return department if isinstance(department, str) else department.name


def code_issues(code: str, what: str, field: str, index: int | None) -> list[Issue]:
    """Problems of a process or step code: empty, too long, characters a URL cannot carry."""
    if not code:
        return [Issue(index, field, _("%(what)s code is empty") % {"what": what})]
    if len(code) > CODE_MAX:
        return [
            Issue(index, field, _('code "%(code)s" is longer than 40 characters') % {"code": code})
        ]
    if not SLUG.match(code):
        message = _('code "%(code)s" may only contain letters, digits, "-" and "_"')
        return [Issue(index, field, message % {"code": code})]
    return []


def issues(process_code: str, steps: Sequence[StepSpec | StepDraft]) -> list[Issue]:
    """Every problem of the steps of process ``process_code``; empty when all is well."""
    drafts = [s if isinstance(s, StepDraft) else StepDraft.of(s) for s in steps]
    found = code_issues(process_code, _("process"), "process_code", None)
    if process_code.lower() in RESERVED_CODES:
        message = _('"%(code)s" is a reserved word; choose another process code')
        found.append(Issue(None, "process_code", message % {"code": process_code}))
    if not drafts:
        found.append(Issue(None, "step_code", _("the process has no steps")))
    known = _existing_department_ids(drafts)
    first_seen: dict[str, int] = {}
    for index, draft in enumerate(drafts):
        found += code_issues(draft.code, _("step"), "step_code", index)
        if draft.code in first_seen:
            message = _('duplicate step code "%(code)s" (also step %(other)s)')
            found.append(
                Issue(
                    index,
                    "step_code",
                    message % {"code": draft.code, "other": first_seen[draft.code] + 1},
                )
            )
        elif draft.code:
            first_seen[draft.code] = index
        if not draft.name:
            found.append(Issue(index, "step_name", _("step name is empty")))
        elif len(draft.name) > NAME_MAX:
            found.append(Issue(index, "step_name", _("step name is longer than 100 characters")))
        if len(draft.name_en) > NAME_MAX:
            found.append(Issue(index, "step_name_en", _("step name is longer than 100 characters")))
        found += _part_issues(index, draft, known)
    return found


def _existing_department_ids(drafts: list[StepDraft]) -> set[int]:
    ids = {d.pk for draft in drafts for d, _p in draft.parts if isinstance(d, Department) and d.pk}
    return set(Department.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def _part_issues(index: int, draft: StepDraft, known: set[int]) -> list[Issue]:
    found: list[Issue] = []
    responsible = [d for d, p in draft.parts if p == Part.RESPONSIBLE]
    if not responsible:
        found.append(Issue(index, "responsible", _("no responsible department")))
    elif len(responsible) > 1:
        names = "; ".join(_name(d) for d in responsible)
        if len(responsible) == 2:
            message = _('two responsible departments "%(names)s"') % {"names": names}
        else:
            message = _('%(count)d responsible departments "%(names)s"') % {
                "count": len(responsible),
                "names": names,
            }
        found.append(Issue(index, "responsible", message + _("; a step has exactly one")))
    seen: dict[str, str] = {}
    for department, part in draft.parts:
        field = PART_FIELD[str(part)]
        if isinstance(department, str):
            found.append(
                Issue(index, field, _('unknown department "%(name)s"') % {"name": department})
            )
            continue
        if department.pk is None or department.pk not in known:
            found.append(
                Issue(index, field, _('unknown department "%(name)s"') % {"name": department.name})
            )
            continue
        key = department.code
        if key in seen and (seen[key] != str(part) or part != Part.RESPONSIBLE):
            message = _(
                'department "%(name)s" appears twice in this step (%(first)s and %(second)s)'
            )
            found.append(
                Issue(
                    index,
                    field,
                    message
                    % {
                        "name": department.name,
                        "first": Part(seen[key]).label,
                        "second": Part(part).label,
                    },
                )
            )
        seen.setdefault(key, str(part))
    return found


def where(process_code: str, index: int | None, steps: Sequence[StepSpec | StepDraft]) -> str:
    """Where an issue is, phrased for people: ``complaint, step 3 (intake)``."""
    if index is None:
        return process_code
    return _("%(process)s, step %(number)s (%(code)s)") % {
        "process": process_code,
        "number": index + 1,
        "code": steps[index].code,
    }


def validate(process_code: str, steps: Sequence[StepSpec | StepDraft]) -> list[Problem]:
    """Every problem of the steps of process ``process_code`` as :class:`Problem` objects."""
    return [
        Problem(issue.message, where=where(process_code, issue.index, steps), column=issue.field)
        for issue in issues(process_code, steps)
    ]
