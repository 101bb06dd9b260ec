"""Read models for the organization pages: the chart tree and who is away today.

Pages show every department with its head, liaisons and deputies at once, so
this module wraps :func:`services.department_tree` (a fixed number of
queries) and resolves delegations in memory instead of asking per person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flowbridge.org import services
from flowbridge.org.models import Delegation, Department, Person
from flowbridge.org.routing import NEEDS_LIAISON, TreeNode

LIAISON_KINDS = frozenset(NEEDS_LIAISON)


@dataclass(frozen=True)
class Contact:
    """A person shown on a page, with who acts for them today when they are away."""

    person: Person
    acting: Person | None = None

    @property
    def away(self) -> bool:
        return self.acting is not None


@dataclass
class ChartNode:
    """One department in the chart, with what the chart shows about it."""

    department: Department
    head: Contact | None
    liaisons: list[Contact]
    member_count: int
    warnings: list[str] = field(default_factory=list)
    missing_liaison: bool = False
    children: list[ChartNode] = field(default_factory=list)

    @property
    def total_members(self) -> int:
        """Active members here and in every sub-department."""
        return self.member_count + sum(child.total_members for child in self.children)

    @property
    def other_warnings(self) -> list[str]:
        """Warnings besides the missing liaison, which the chart shows as its own badge."""
        return self.warnings[1:] if self.missing_liaison else self.warnings


class Absences:
    """Delegations in force on one day, loaded in one query."""

    def __init__(self, on: date | None = None) -> None:
        self.on = on or services.company_today()
        self._deputy: dict[int, Person] = {}
        self._delegation: dict[int, Delegation] = {}
        rows = (
            # Same rule as routing: a deputy who left the company does not act.
            Delegation.objects.filter(
                starts_on__lte=self.on, ends_on__gte=self.on, deputy__is_active=True
            )
            .select_related("person", "deputy", "deputy__department")
            .order_by("starts_on", "pk")
        )
        for delegation in rows:
            # When two delegations overlap, the one that started last wins.
            self._deputy[delegation.person_id] = delegation.deputy
            self._delegation[delegation.person_id] = delegation

    def delegation_of(self, person: Person) -> Delegation | None:
        return self._delegation.get(person.pk)

    def deputy_of(self, person: Person) -> Person | None:
        """Who acts for ``person`` today: follows the chain past deputies who are away too."""
        seen = {person.pk}
        current = self._deputy.get(person.pk)
        while current is not None and current.pk in self._deputy and current.pk not in seen:
            seen.add(current.pk)
            current = self._deputy[current.pk]
        return current

    def deputising_for(self, person: Person) -> list[Delegation]:
        return [d for d in self._delegation.values() if d.deputy_id == person.pk]

    def contact(self, person: Person) -> Contact:
        return Contact(person, self.deputy_of(person))


def build_chart(absences: Absences | None = None) -> list[ChartNode]:
    """The company tree from :func:`services.department_tree`, with today's deputies."""
    absences = absences or Absences()
    missing = {d.pk for d in services.departments_without_liaison()}

    def wrap(node: TreeNode) -> ChartNode:
        return ChartNode(
            department=node.department,
            head=absences.contact(node.head) if node.head else None,
            liaisons=[absences.contact(p) for p in node.liaisons if p.is_active],
            member_count=node.member_count,
            warnings=node.warnings,
            missing_liaison=node.department.pk in missing,
            children=[wrap(child) for child in node.children],
        )

    return [wrap(root) for root in services.department_tree()]


def walk(nodes: list[ChartNode]) -> list[ChartNode]:
    """All nodes of the tree, depth first."""
    found: list[ChartNode] = []
    for node in nodes:
        found.append(node)
        found.extend(walk(node.children))
    return found


def missing_liaisons(nodes: list[ChartNode]) -> list[ChartNode]:
    return [n for n in walk(nodes) if n.missing_liaison]
