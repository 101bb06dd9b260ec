"""Import and export of the organization (XLSX workbook or CSV files).

The import is all or nothing: :mod:`flowbridge.org.importcheck` finds every
problem first; only a clean file is written, in one transaction, with one
``org.import`` audit entry carrying the counts and the keys of everything
created or updated. A dry run does the same work and rolls it back, so its
counts are exactly what a real run would report. Export writes the same
format, so export → import changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from flowbridge.core import audit, clock
from flowbridge.core.errors import InvalidInput
from flowbridge.core.permissions import Action, require
from flowbridge.org.importcheck import Checker, Plan, State
from flowbridge.org.models import Delegation, Department, Liaison, Person, PersonRole
from flowbridge.org.sheets import (
    DELEGATIONS,
    DEPARTMENTS,
    LIAISONS,
    PEOPLE,
    Value,
    read_files,
    write_csv_dir,
    write_csv_zip,
    write_xlsx,
)

KINDS = ("departments", "people", "liaisons", "delegations")


@dataclass
class ImportResult:
    """Per kind of object, the keys created and updated and how many rows were unchanged."""

    dry_run: bool
    created: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    updated: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            k: {
                "created": len(self.created[k]),
                "updated": len(self.updated[k]),
                "unchanged": self.unchanged[k],
            }
            for k in KINDS
        }

    @property
    def changed(self) -> bool:
        return any(self.created[k] or self.updated[k] for k in KINDS)

    def summary_lines(self) -> list[str]:
        lines = [
            f"{kind}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            for kind, c in self.counts().items()
        ]
        if self.dry_run:
            lines.append("dry run: nothing was written")
        return lines

    def _count(self, kind: str, key: str, created: bool, changed: bool) -> None:
        if created:
            self.created[kind].append(key)
        elif changed:
            self.updated[kind].append(key)
        else:
            self.unchanged[kind] += 1


def _set(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


class _Writer:
    """Writes a checked plan; every row of the plan has passed every rule."""

    def __init__(self, plan: Plan, state: State, result: ImportResult) -> None:
        self.plan, self.state, self.result = plan, state, result
        self.departments = dict(state.departments)
        self.people = dict(state.people)

    def run(self) -> None:
        fresh, dirty = self._departments()
        self._people()
        self._placement(fresh, dirty)
        self._liaisons()
        self._delegations()

    def _departments(self) -> tuple[set[str], set[str]]:
        fresh: set[str] = set()
        dirty: set[str] = set()
        for code, wanted in self.plan.departments.items():
            values = {k: wanted[k] for k in ("name", "name_en", "kind", "sort_order")}
            department = self.departments.get(code)
            if department is None:
                self.departments[code] = Department.objects.create(code=code, **values)
                fresh.add(code)
            elif _set(department, values):
                dirty.add(code)
        return fresh, dirty

    def _people(self) -> None:
        users = get_user_model().objects
        for number, wanted in self.plan.people.items():
            values: dict[str, Any] = {
                k: wanted[k] for k in ("name", "name_en", "title", "email", "phone")
            }
            values["department"] = self.departments[str(wanted["department_code"])]
            person = self.people.get(number)
            created = person is None
            if person is None:
                person = Person.objects.create(employee_no=number, **values)
                self.people[number] = person
                changed = True
            else:
                changed = _set(person, values)
            username = str(wanted["username"])
            if username and person.user_id is None:
                account = users.filter(username=username).first()
                person.user = account or users.create_user(username=username, email=person.email)
                changed = True
            if changed and not created:
                person.save()
            elif created and person.user_id is not None:
                person.save(update_fields=["user"])
            have = self.state.roles.get(person.pk, set())
            want = set(wanted["roles"])  # type: ignore[call-overload]
            if have != want:
                PersonRole.objects.filter(person=person).exclude(role__in=want).delete()
                PersonRole.objects.bulk_create(
                    PersonRole(person=person, role=r) for r in sorted(want - have)
                )
                changed = True
            self.result._count("people", number, created, changed)

    def _placement(self, fresh: set[str], dirty: set[str]) -> None:
        for code, wanted in self.plan.departments.items():
            department = self.departments[code]
            parent_code, head_no = wanted["parent_code"], wanted["head_employee_no"]
            placed = {
                "parent": self.departments[str(parent_code)] if parent_code else None,
                "head": self.people[str(head_no)] if head_no else None,
            }
            if _set(department, placed):
                dirty.add(code)
            if code in dirty and code not in fresh:
                department.version += 1
            if code in dirty or code in fresh:
                department.save()
            self.result._count("departments", code, code in fresh, code in dirty)

    def _liaisons(self) -> None:
        for code, numbers in self.plan.liaisons.items():
            department = self.departments[code]
            if self.state.liaisons.get(code, []) == numbers:
                self.result._count("liaisons", code, False, False)
                continue
            Liaison.objects.filter(department=department).delete()
            for position, number in enumerate(numbers, start=1):
                Liaison.objects.create(
                    department=department, person=self.people[number], position=position
                )
            self.result._count("liaisons", code, code not in self.state.liaisons, True)

    def _delegations(self) -> None:
        for (number, starts), wanted in self.plan.delegations.items():
            key = f"{number}@{starts.isoformat()}"
            values = {
                "deputy": self.people[str(wanted["deputy"])],
                "ends_on": wanted["ends_on"],
                "reason": wanted["reason"],
            }
            delegation = self.state.delegations.get((number, starts))
            if delegation is None:
                Delegation.objects.create(
                    person=self.people[number], starts_on=starts, created_at=clock.now(), **values
                )
                self.result._count("delegations", key, True, True)
            else:
                changed = _set(delegation, values)
                if changed:
                    delegation.save()
                self.result._count("delegations", key, False, changed)


def import_org(
    actor: Any, files: Sequence[tuple[str, bytes]], *, dry_run: bool = False
) -> ImportResult:
    """Import ``files`` (name, content) all or nothing; raise InvalidInput listing every problem."""
    if actor is not None:
        require(actor, Action.CHANGE, Department)
        require(actor, Action.CHANGE, Person)
    tables, problems = read_files(files)
    if problems:
        raise InvalidInput(_("The files cannot be read; nothing was imported."), problems)
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        state = State.load()
        plan, problems = Checker(tables, state).run()
        if problems:
            raise InvalidInput(
                _("The import was refused; nothing was changed (%(count)d problem(s)).")
                % {"count": len(problems)},
                problems,
            )
        _Writer(plan, state, result).run()
        if result.changed:
            audit.record(
                actor,
                "org.import",
                None,
                object_type="org.import",
                object_repr=", ".join(name for name, _content in files)[:200],
                changes={
                    "counts": result.counts(),
                    "created": result.created,
                    "updated": result.updated,
                },
            )
        if dry_run:
            transaction.set_rollback(True)
    return result


def export_rows(actor: Any) -> dict[str, list[list[Value]]]:
    """The organization as sheet rows (what the actor may see; everything for the system)."""
    from flowbridge.core.permissions import visible

    def scoped(queryset: Any) -> Any:
        return queryset if actor is None else visible(actor, queryset)

    departments = scoped(Department.objects.select_related("parent", "head")).order_by(
        "sort_order", "code"
    )
    people = scoped(Person.objects.select_related("department", "user")).order_by("employee_no")
    roles: dict[int, list[str]] = {}
    for person_id, role in PersonRole.objects.order_by("role").values_list("person_id", "role"):
        roles.setdefault(person_id, []).append(role)
    liaisons = scoped(Liaison.objects.select_related("department", "person")).order_by(
        "department__code", "position"
    )
    delegations = scoped(Delegation.objects.select_related("person", "deputy")).order_by(
        "person__employee_no", "starts_on"
    )
    return {
        DEPARTMENTS.name: [
            [
                d.code,
                d.name,
                d.name_en,
                d.kind,
                d.parent.code if d.parent else "",
                d.head.employee_no if d.head else "",
                d.sort_order,
            ]
            for d in departments
        ],
        PEOPLE.name: [
            [
                p.employee_no,
                p.name,
                p.name_en,
                p.department.code,
                p.title,
                p.email,
                p.phone,
                ",".join(roles.get(p.pk, [])),
                p.user.get_username() if p.user else "",
            ]
            for p in people
        ],
        LIAISONS.name: [
            [lia.department.code, lia.person.employee_no, lia.position] for lia in liaisons
        ],
        DELEGATIONS.name: [
            [d.person.employee_no, d.deputy.employee_no, d.starts_on, d.ends_on, d.reason]
            for d in delegations
        ],
    }


def export_xlsx(actor: Any) -> bytes:
    return write_xlsx(export_rows(actor))


def export_csv_zip(actor: Any) -> bytes:
    return write_csv_zip(export_rows(actor))


def export_csv_dir(actor: Any, folder: Path) -> list[Path]:
    return write_csv_dir(export_rows(actor), folder)
