"""Reading the matrix and steps forms of the pages into step lists for the services.

The pages post plain HTML forms (they work without JavaScript); these
functions turn the posted fields into the steps of the next version.
"""

from __future__ import annotations

from dataclasses import replace

from django.http import QueryDict

from flowbridge.org.models import Department
from flowbridge.responsibility.matrix import Matrix
from flowbridge.responsibility.models import Part
from flowbridge.responsibility.specs import StepDraft, StepSpec

SWAP = "swap"  # "make responsible": the present responsible department becomes a collaborator


def cell_field(step_code: str, department_code: str) -> str:
    return f"cell:{step_code}:{department_code}"


def drafts_from_matrix(m: Matrix, data: QueryDict) -> list[StepDraft]:
    """The steps of ``m`` with every posted cell applied (cells not posted keep their part)."""
    drafts = []
    for row in m.rows:
        chosen: list[tuple[Department, str]] = []
        for cell in row.cells:
            name = cell_field(row.step.code, cell.department.code)
            current = cell.part.value if cell.part else ""
            value = data.get(name, current) if name in data else current
            chosen.append((cell.department, value))
        if any(v == SWAP for _d, v in chosen):
            # The swapped-in department takes over; the others marked responsible collaborate.
            chosen = [(d, _after_swap(v)) for d, v in chosen]
        draft = StepDraft(row.step.code, row.step.name, row.step.name_en)
        for department, value in chosen:
            if value in Part.values:
                draft.parts.append((department, Part(value)))
        drafts.append(draft)
    return drafts


def _after_swap(value: str) -> str:
    if value == SWAP:
        return Part.RESPONSIBLE.value
    if value == Part.RESPONSIBLE.value:
        return Part.COLLABORATOR.value
    return value


def _position(text: str, default: int) -> float:
    try:
        return float(text)
    except ValueError:
        return float(default)


def steps_from_steps_form(
    current: list[StepSpec], data: QueryDict, departments: dict[str, Department]
) -> list[StepDraft]:
    """Rename, reorder, remove and add steps as the steps form says.

    Positions are numbers people type (1, 2, 2.5…): steps are sorted by them,
    ties keeping their present order, and a new step goes where its position says.
    """
    placed: list[tuple[float, int, StepDraft]] = []
    for index, step in enumerate(current):
        prefix = f"step-{step.code}-"
        if data.get(prefix + "delete"):
            continue
        renamed = replace(
            step,
            name=data.get(prefix + "name", step.name),
            name_en=data.get(prefix + "name_en", step.name_en),
        )
        position = _position(data.get(prefix + "position", ""), index + 1)
        placed.append((position, 0, StepDraft.of(renamed)))
    code = data.get("new-code", "").strip()
    if code or data.get("new-name", "").strip():
        draft = StepDraft(
            code, data.get("new-name", "").strip(), data.get("new-name_en", "").strip()
        )
        responsible = departments.get(data.get("new-responsible", ""))
        if responsible is not None:
            draft.parts.append((responsible, Part.RESPONSIBLE))
        placed.append((_position(data.get("new-position", ""), len(current) + 1), 1, draft))
    placed.sort(key=lambda item: (item[0], item[1]))
    return [step for _p, _n, step in placed]
