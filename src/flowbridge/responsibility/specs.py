"""What a step of a responsibility list says, independent of how it is stored.

:class:`StepSpec` is the input of every service that writes a version and the
output of :func:`steps_of`, so a version can be read, changed and saved again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flowbridge.org.models import Department
from flowbridge.responsibility.models import Part, ResponsibilityStep, ResponsibilityVersion

# The multi-department parts of a step, in the order columns show them.
GROUP_PARTS: tuple[tuple[str, Part], ...] = (
    ("collaborators", Part.COLLABORATOR),
    ("consulted", Part.CONSULTED),
    ("informed", Part.INFORMED),
)


def _tuple(departments: Iterable[Department] | None) -> tuple[Department, ...]:
    return tuple(departments or ())


@dataclass(frozen=True)
class StepSpec:
    """One step: its code and names, its responsible department and the other parts.

    Lists are accepted for the department groups and normalized to tuples.
    """

    code: str
    name: str
    name_en: str = ""
    responsible: Department | None = None
    collaborators: tuple[Department, ...] = ()
    consulted: tuple[Department, ...] = ()
    informed: tuple[Department, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", (self.code or "").strip())
        object.__setattr__(self, "name", (self.name or "").strip())
        object.__setattr__(self, "name_en", (self.name_en or "").strip())
        for attribute, _part in GROUP_PARTS:
            object.__setattr__(self, attribute, _tuple(getattr(self, attribute)))

    def parts(self) -> list[tuple[Department, Part]]:
        """Every (department, part) pair of the step, responsible first."""
        pairs: list[tuple[Department, Part]] = []
        if self.responsible is not None:
            pairs.append((self.responsible, Part.RESPONSIBLE))
        for attribute, part in GROUP_PARTS:
            pairs.extend((d, part) for d in getattr(self, attribute))
        return pairs

    def part_by_department(self) -> dict[int, Part]:
        """Department id → part (the first part wins when a department appears twice)."""
        result: dict[int, Part] = {}
        for department, part in self.parts():
            result.setdefault(department.pk, part)
        return result


@dataclass
class StepDraft:
    """A step as read from a file or form, before validation.

    Unlike :class:`StepSpec` it can hold what is wrong: several responsible
    departments, or department names that matched nothing (kept as strings).
    """

    code: str
    name: str
    name_en: str = ""
    parts: list[tuple[Department | str, Part]] = field(default_factory=list)

    @classmethod
    def of(cls, spec: StepSpec) -> StepDraft:
        return cls(spec.code, spec.name, spec.name_en, [(d, p) for d, p in spec.parts()])

    def to_spec(self) -> StepSpec:
        """The spec of a draft that passed validation."""
        groups: dict[Part, list[Department]] = {p: [] for p in Part}
        for department, part in self.parts:
            if isinstance(department, Department):
                groups[part].append(department)
        responsible = groups[Part.RESPONSIBLE]
        return StepSpec(
            code=self.code,
            name=self.name,
            name_en=self.name_en,
            responsible=responsible[0] if responsible else None,
            collaborators=tuple(groups[Part.COLLABORATOR]),
            consulted=tuple(groups[Part.CONSULTED]),
            informed=tuple(groups[Part.INFORMED]),
        )


def spec_of(step: ResponsibilityStep) -> StepSpec:
    """The spec of a stored step whose assignments (with departments) are prefetched."""
    groups: dict[str, list[Department]] = {p.value: [] for p in Part}
    assignments = sorted(
        step.assignments.all(), key=lambda a: (a.department.sort_order, a.department.code)
    )
    for assignment in assignments:
        groups[assignment.part].append(assignment.department)
    responsible = groups[Part.RESPONSIBLE.value]
    return StepSpec(
        code=step.code,
        name=step.name,
        name_en=step.name_en,
        responsible=responsible[0] if responsible else None,
        collaborators=tuple(groups[Part.COLLABORATOR.value]),
        consulted=tuple(groups[Part.CONSULTED.value]),
        informed=tuple(groups[Part.INFORMED.value]),
    )


def steps_of(version: ResponsibilityVersion) -> list[StepSpec]:
    """The steps of a stored version as specs (three queries)."""
    steps = version.steps.order_by("position").prefetch_related("assignments__department")
    return [spec_of(step) for step in steps]


def same_steps(a: list[StepSpec], b: list[StepSpec]) -> bool:
    """Whether two step lists say the same (step order matters, order within a group not)."""
    return [_key(s) for s in a] == [_key(s) for s in b]


def _key(spec: StepSpec) -> tuple[str, str, str, tuple[tuple[int, str], ...]]:
    parts = tuple(sorted((d.pk, str(p)) for d, p in spec.parts()))
    return (spec.code, spec.name, spec.name_en, parts)
