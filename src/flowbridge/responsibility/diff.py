"""What changed between two versions of a responsibility list.

Steps are matched by code: a step is added, removed, renamed or moved; and
for each (step, department) the part is added, removed or changed. A move is
a step that left the longest run of steps kept in the same order, so moving
one step reports one move, not every step it jumped over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flowbridge.org.models import Department
from flowbridge.responsibility.models import Part, ResponsibilityVersion
from flowbridge.responsibility.specs import StepSpec, steps_of


@dataclass(frozen=True)
class StepRef:
    code: str
    name: str
    position: int


@dataclass(frozen=True)
class StepRename:
    code: str
    old_name: str
    new_name: str
    old_name_en: str
    new_name_en: str


@dataclass(frozen=True)
class StepMove:
    code: str
    name: str
    old_position: int
    new_position: int


@dataclass(frozen=True)
class CellChange:
    """In step ``step_code``, ``department`` went from part ``old`` to ``new`` (None: no part)."""

    step_code: str
    step_name: str
    department: Department
    old: Part | None
    new: Part | None

    @property
    def kind(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed"


@dataclass
class VersionDiff:
    """The changes from version ``old_number`` to ``new_number``, and who made the new one."""

    old_number: int | None = None
    new_number: int | None = None
    author_name: str = ""
    created_at: datetime | None = None
    note: str = ""
    steps_added: list[StepRef] = field(default_factory=list)
    steps_removed: list[StepRef] = field(default_factory=list)
    steps_renamed: list[StepRename] = field(default_factory=list)
    steps_moved: list[StepMove] = field(default_factory=list)
    cells: list[CellChange] = field(default_factory=list)

    def _count(self, kind: str) -> int:
        return sum(1 for c in self.cells if c.kind == kind)

    @property
    def added(self) -> int:
        return len(self.steps_added) + self._count("added")

    @property
    def removed(self) -> int:
        return len(self.steps_removed) + self._count("removed")

    @property
    def changed(self) -> int:
        return len(self.steps_renamed) + len(self.steps_moved) + self._count("changed")

    @property
    def summary(self) -> str:
        """E.g. ``+2 \u22121 ~3``: additions, removals and changes (steps and cells)."""
        return f"+{self.added} \u2212{self.removed} ~{self.changed}"

    @property
    def is_empty(self) -> bool:
        return not (
            self.steps_added
            or self.steps_removed
            or self.steps_renamed
            or self.steps_moved
            or self.cells
        )

    def for_audit(self) -> dict[str, Any]:
        """A compact description for the audit log."""
        return {
            "version": [self.old_number, self.new_number],
            "summary": self.summary,
            "steps_added": [s.code for s in self.steps_added],
            "steps_removed": [s.code for s in self.steps_removed],
            "steps_renamed": [[r.code, r.old_name, r.new_name] for r in self.steps_renamed],
            "steps_moved": [[m.code, m.old_position, m.new_position] for m in self.steps_moved],
            "cells": [
                [c.step_code, c.department.code, _value(c.old), _value(c.new)] for c in self.cells
            ],
        }


def _value(part: Part | None) -> str | None:
    return None if part is None else str(part)


def _kept_in_order(old: list[str], new: list[str]) -> set[str]:
    """The codes of a longest common subsequence of ``old`` and ``new``."""
    rows, cols = len(old), len(new)
    table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            table[i][j] = (
                table[i + 1][j + 1] + 1
                if old[i] == new[j]
                else max(table[i + 1][j], table[i][j + 1])
            )
    kept: set[str] = set()
    i = j = 0
    while i < rows and j < cols:
        if old[i] == new[j]:
            kept.add(old[i])
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return kept


def _cell_changes(old: StepSpec | None, new: StepSpec | None) -> list[CellChange]:
    step = new or old
    assert step is not None
    old_parts = old.part_by_department() if old else {}
    new_parts = new.part_by_department() if new else {}
    departments = {d.pk: d for s in (old, new) if s for d, _p in s.parts()}
    ordered = sorted(departments.values(), key=lambda d: (d.sort_order, d.code))
    changes = []
    for department in ordered:
        before, after = old_parts.get(department.pk), new_parts.get(department.pk)
        if before != after:
            changes.append(CellChange(step.code, step.name, department, before, after))
    return changes


def diff_steps(old: list[StepSpec], new: list[StepSpec]) -> VersionDiff:
    """The changes from steps ``old`` to steps ``new`` (no version metadata)."""
    result = VersionDiff()
    old_by_code = {s.code: (i, s) for i, s in enumerate(old)}
    new_by_code = {s.code: (i, s) for i, s in enumerate(new)}
    common_old = [s.code for s in old if s.code in new_by_code]
    common_new = [s.code for s in new if s.code in old_by_code]
    kept = _kept_in_order(common_old, common_new)
    for position, step in enumerate(old, 1):
        if step.code not in new_by_code:
            result.steps_removed.append(StepRef(step.code, step.name, position))
            result.cells += _cell_changes(step, None)
    for position, step in enumerate(new, 1):
        if step.code not in old_by_code:
            result.steps_added.append(StepRef(step.code, step.name, position))
            result.cells += _cell_changes(None, step)
            continue
        old_index, before = old_by_code[step.code]
        if (before.name, before.name_en) != (step.name, step.name_en):
            result.steps_renamed.append(
                StepRename(step.code, before.name, step.name, before.name_en, step.name_en)
            )
        if step.code not in kept:
            result.steps_moved.append(StepMove(step.code, step.name, old_index + 1, position))
        result.cells += _cell_changes(before, step)
    return result


def diff(old: ResponsibilityVersion | None, new: ResponsibilityVersion) -> VersionDiff:
    """The changes from version ``old`` (None: nothing) to version ``new``, with who and when."""
    result = diff_steps(steps_of(old) if old is not None else [], steps_of(new))
    result.old_number = old.number if old is not None else None
    result.new_number = new.number
    result.author_name = new.author_name
    result.created_at = new.created_at
    result.note = new.note
    return result
