"""Load (and wipe) the demo company through the services, so the audit log records it all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from flowbridge.core import audit
from flowbridge.demo import history
from flowbridge.demo.company import (
    ACCOUNTS,
    AWAY,
    AWAY_DAYS,
    AWAY_REASON,
    COMPANY_CODE,
    DEMO_PASSWORD,
    DEPARTMENTS,
    DEPUTY,
    PersonSpec,
    liaison_slots,
    people,
)
from flowbridge.demo.processes import (
    INITIAL_NOTE,
    PROCESSES,
    REVISED_PROCESS,
    REVISED_STEPS,
    REVISION_NOTE,
    Step,
)
from flowbridge.org import services as org
from flowbridge.org.models import Delegation, Department, Liaison, Person, PersonRole
from flowbridge.responsibility import services as responsibility
from flowbridge.responsibility.models import CoreProcess, ResponsibilityVersion
from flowbridge.responsibility.specs import StepSpec


@dataclass(frozen=True)
class SignIn:
    username: str
    name: str
    description: str


@dataclass(frozen=True)
class Summary:
    departments: int
    people: int
    processes: int
    versions: int


def is_loaded() -> bool:
    return Department.objects.filter(code=COMPANY_CODE).exists()


def sign_ins() -> list[SignIn]:
    """The fixed demo sign-ins, in the order the command prints them."""
    planned = {p.username: p.name for p in people()}
    stored = dict(
        Person.objects.filter(user__username__in=planned).values_list("user__username", "name")
    )
    return [
        SignIn(a.username, stored.get(a.username, planned[a.username]), a.description)
        for a in ACCOUNTS
    ]


def foreign_data() -> list[str]:
    """What in the database is not demo data (reset refuses to wipe it without --force)."""
    demo_people = {p.employee_no for p in people()}
    found = []
    departments = Department.objects.exclude(code__in=[d.code for d in DEPARTMENTS])
    if departments.exists():
        found.append(f"{departments.count()} department(s) not from the demo")
    others = Person.objects.exclude(employee_no__in=demo_people)
    if others.exists():
        found.append(f"{others.count()} person(s) not from the demo")
    processes = CoreProcess.objects.exclude(code__in=[p.code for p in PROCESSES])
    if processes.exists():
        found.append(f"{processes.count()} responsibility list(s) not from the demo")
    found.extend(history.foreign_data())
    return found


def _steps(steps: tuple[Step, ...], departments: dict[str, Department]) -> list[StepSpec]:
    return [
        StepSpec(
            code=code,
            name=name,
            name_en=name_en,
            responsible=departments[responsible],
            collaborators=tuple(departments[c] for c in collaborators),
            consulted=tuple(departments[c] for c in consulted),
            informed=tuple(departments[c] for c in informed),
        )
        for code, name, name_en, responsible, collaborators, consulted, informed in steps
    ]


def _create_departments() -> dict[str, Department]:
    created: dict[str, Department] = {}
    for order, spec in enumerate(DEPARTMENTS, start=1):
        created[spec.code] = org.create_department(
            None,
            code=spec.code,
            name=spec.name,
            name_en=spec.name_en,
            kind=spec.kind,
            parent=created[spec.parent] if spec.parent else None,
            sort_order=order * 10,
        )
    return created


def _create_people(
    specs: list[PersonSpec], departments: dict[str, Department]
) -> dict[tuple[str, int], Person]:
    # Demo only: hashing is deliberately slow, so hash the shared password once for all accounts.
    password_hash = make_password(DEMO_PASSWORD)
    user_model = get_user_model()
    admins = {a.username for a in ACCOUNTS if "system_admin" in a.roles}
    # Accounts survive a reset (the audit log refers to them), so reuse them by name.
    existing = {
        u.username: u for u in user_model.objects.filter(username__in=[s.username for s in specs])
    }
    for user in existing.values():
        user.password, user.is_active = password_hash, True
        user.is_staff = user.is_superuser = user.username in admins
    user_model.objects.bulk_update(
        existing.values(), ["password", "is_active", "is_staff", "is_superuser"]
    )
    user_model.objects.bulk_create(
        user_model(
            username=spec.username,
            email=spec.email,
            password=password_hash,
            is_staff=spec.username in admins,
            is_superuser=spec.username in admins,
        )
        for spec in specs
        if spec.username not in existing
    )
    by_username = {
        u.username: u for u in user_model.objects.filter(username__in=[s.username for s in specs])
    }
    created: dict[tuple[str, int], Person] = {}
    for spec in specs:
        created[(spec.department, spec.slot)] = org.create_person(
            None,
            employee_no=spec.employee_no,
            name=spec.name,
            name_en=spec.name_en,
            department=departments[spec.department],
            email=spec.email,
            phone=spec.phone,
            title=spec.title,
            roles=spec.roles,
            user=by_username[spec.username],
        )
    return created


def _staff_departments(
    departments: dict[str, Department], staff: dict[tuple[str, int], Person]
) -> None:
    for spec in DEPARTMENTS:
        if spec.size == 0:
            continue
        org.set_head(None, departments[spec.code], staff[(spec.code, 0)])
        liaisons = [staff[(spec.code, slot)] for slot in liaison_slots(spec)]
        if liaisons:
            org.set_liaisons(None, departments[spec.code], liaisons)
    # The general manager heads the company as a whole.
    org.set_head(None, departments[COMPANY_CODE], staff[("gmo", 0)])


def _create_processes(departments: dict[str, Department], pmo: Person) -> int:
    versions = 0
    for spec in PROCESSES:
        responsibility.create_process(
            None,
            code=spec.code,
            name=spec.name,
            name_en=spec.name_en,
            description=spec.description,
            steps=_steps(spec.steps, departments),
            note=INITIAL_NOTE,
        )
        versions += 1
    process = CoreProcess.objects.get(code=REVISED_PROCESS)
    responsibility.save_version(
        pmo.user,
        process,
        _steps(REVISED_STEPS, departments),
        base_version=responsibility.current_version(process).number,
        note=REVISION_NOTE,
    )
    return versions + 1


def load() -> Summary:
    """Create the demo company in one transaction; the caller checks :func:`is_loaded` first."""
    specs = people()
    with transaction.atomic():
        departments = _create_departments()
        staff = _create_people(specs, departments)
        _staff_departments(departments, staff)
        today = org.company_today()
        org.add_delegation(
            None,
            staff[AWAY],
            staff[DEPUTY],
            today,
            today + timedelta(days=AWAY_DAYS),
            reason=AWAY_REASON,
        )
        pmo = next(staff[(a.department, a.slot)] for a in ACCOUNTS if a.username == "pmo")
        versions = _create_processes(departments, pmo)
        audit.record(None, "demo.load", changes={"people": len(specs)}, object_type="demo")
    return Summary(len(departments), len(specs), len(PROCESSES), versions)


def reset() -> None:
    """Delete every department, person, delegation and responsibility list.

    Sign-in accounts stay: audit entries point at them, and deleting a user
    would rewrite those entries and break the hash chain. :func:`load` reuses
    them. The audit log keeps the history; a ``demo.reset`` entry marks the wipe.
    """
    with transaction.atomic():
        # Requests protect people and process versions, so the demo history goes first.
        history.wipe()
        # Assignments protect departments, so processes (cascading to versions) go first.
        ResponsibilityVersion.objects.all().delete()
        CoreProcess.objects.all().delete()
        Delegation.objects.all().delete()
        Liaison.objects.all().delete()
        PersonRole.objects.all().delete()
        Department.objects.update(head=None)
        Person.objects.all().delete()
        while Department.objects.exists():
            # Parents are protected: delete the leaves first, level by level.
            Department.objects.filter(children__isnull=True).delete()
        audit.record(None, "demo.reset", object_type="demo")
