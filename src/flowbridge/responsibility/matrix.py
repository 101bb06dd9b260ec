"""Reading a version as a matrix: steps by departments, the part in each cell."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from flowbridge.org.models import Department, DepartmentKind
from flowbridge.responsibility.models import (
    Part,
    ResponsibilityAssignment,
    ResponsibilityStep,
    ResponsibilityVersion,
)

# Departments of these kinds always get a column, even when they play no part yet.
COLUMN_KINDS = (DepartmentKind.DEPARTMENT, DepartmentKind.DIVISION, DepartmentKind.MANAGEMENT)


@dataclass(frozen=True)
class MatrixCell:
    department: Department
    part: Part | None


@dataclass(frozen=True)
class MatrixRow:
    step: ResponsibilityStep
    cells: list[MatrixCell]

    @property
    def responsible(self) -> Department | None:
        return next((c.department for c in self.cells if c.part == Part.RESPONSIBLE), None)


@dataclass(frozen=True)
class Matrix:
    """Version ``version`` as rows (steps in order) of cells (departments in sort order)."""

    version: ResponsibilityVersion
    departments: list[Department]
    rows: list[MatrixRow]

    def part(self, step_code: str, department_code: str) -> Part | None:
        for row in self.rows:
            if row.step.code == step_code:
                for cell in row.cells:
                    if cell.department.code == department_code:
                        return cell.part
        return None


def matrix(version: ResponsibilityVersion) -> Matrix:
    """The matrix of ``version`` in three queries, whatever its size."""
    steps = list(version.steps.order_by("position"))
    assignments = ResponsibilityAssignment.objects.filter(step__version=version).values_list(
        "step_id", "department_id", "part"
    )
    parts: dict[tuple[int, int], Part] = {}
    used: set[int] = set()
    for step_id, department_id, part in assignments:
        parts[(step_id, department_id)] = Part(part)
        used.add(department_id)
    departments = list(Department.objects.filter(Q(kind__in=COLUMN_KINDS) | Q(pk__in=used)))
    rows = [
        MatrixRow(step, [MatrixCell(d, parts.get((step.pk, d.pk))) for d in departments])
        for step in steps
    ]
    return Matrix(version, departments, rows)
