"""The kernel every case operation runs in: lock the case, move the engine, save it all at once.

An operation opens a :class:`Session` with :func:`acting_on`: the case row
is locked (``SELECT ... FOR UPDATE``) so two people acting on the same case
are serialized; whoever comes second re-reads the state and gets a clear
:class:`Conflict` if their task is gone. Events and notifications are
collected and written with the case in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from flowbridge.cases import engine, eventlog
from flowbridge.cases.ledger import Ledger, flush
from flowbridge.cases.models import Case, CaseEvent, CaseStatus
from flowbridge.core import audit, clock
from flowbridge.core.bulkwrite import update_rows
from flowbridge.core.errors import Conflict, NotFound
from flowbridge.core.workcalendar import WorkingCalendar
from flowbridge.notify import services as notify
from flowbridge.org.models import Department, Person
from flowbridge.processes.models import ProcessVersion

workflows = engine.WorkflowCache()


class ProcessCannotContinue(Conflict):
    """The process leads nowhere from here: a condition failed, or no flow matched."""

    @classmethod
    def because(cls, error: engine.EngineError) -> ProcessCannotContinue:
        return cls(
            _(
                "The process cannot go on from here, so nothing was changed; "
                "tell the process office: %(reason)s"
            )
            % {"reason": str(error)[:300]}
        )


@dataclass
class Notice:
    people: list[Person]
    kind: str
    params: dict[str, Any]
    url: str


@dataclass
class Session:
    """One operation on one locked case: its workflow, and what to write when it ends."""

    case: Case
    workflow: Any
    compiled: engine.CompiledProcess
    now: datetime
    events: list[CaseEvent] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    calendar: WorkingCalendar | None = None
    audits: list[tuple[Any, str, Any, dict[str, Any]]] = field(default_factory=list)
    ledger: Ledger = field(init=False)
    memo: dict[Any, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ledger = Ledger(self.case)

    def audit(self, actor: Any, action: str, obj: Any, **changes: Any) -> None:
        """Record in the audit log when the session is saved.

        The audit chain has one head row every writer locks; writing last keeps
        that lock for the shortest time, so busy cases do not queue behind it.
        """
        self.audits.append((actor, action, obj, changes))

    def log(
        self,
        activity: str,
        activity_id: str,
        lifecycle: str,
        operation: str,
        **kwargs: Any,
    ) -> None:
        self.events.append(
            eventlog.event(
                self.case, activity, activity_id, lifecycle, operation, at=self.now, **kwargs
            )
        )

    def notify(self, people: list[Person], kind: str, **params: Any) -> None:
        params.setdefault("case", self.case.reference)
        params.setdefault("title", self.case.title)
        self.notices.append(Notice(people, kind, params, case_url(self.case)))

    def today(self) -> date:
        """The company's date now (its time zone), for delegation and assignment."""
        if self.calendar is not None:
            return self.calendar.localize(self.now).date()
        if "today" not in self.memo:
            from flowbridge.org.routing import company_today

            self.memo["today"] = company_today()
        day: date = self.memo["today"]
        return day

    def company_calendar(self) -> WorkingCalendar:
        if self.calendar is None:
            from flowbridge.core.calendar_services import company_calendar

            self.calendar = company_calendar()
        return self.calendar


def case_url(case: Case) -> str:
    return f"/requests/{case.pk}/"


def compiled_for_version(version: ProcessVersion) -> engine.CompiledProcess:
    """The engine's specs and node configuration of a deployed version (cached by the engine)."""
    return engine.compile_process(version.bpmn_xml, version.bpmn_process_id)


def compiled_for(case: Case) -> engine.CompiledProcess:
    return compiled_for_version(case.version)


def load_workflow(case: Case, compiled: engine.CompiledProcess) -> Any:
    """The case's workflow: from the cache when it holds this revision, else from the state."""
    cached = workflows.take(case.pk, case.revision, compiled.digest)
    return cached if cached is not None else engine.restore(compiled, case.engine_state)


def lock_case(case_id: int) -> Case:
    """The case, locked until the transaction ends; raises NotFound."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("definition", "version", "requester", "requester_department")
        .defer("engine_state")  # read only when the workflow is not in memory (load_workflow)
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(_("No request %(id)s.") % {"id": case_id})
    return case


@contextmanager
def acting_on(case_id: int, *, expected_revision: int | None = None) -> Iterator[Session]:
    """Lock the case, hand out its session, and save everything if the block succeeds."""
    with transaction.atomic():
        case = lock_case(case_id)
        if expected_revision is not None and expected_revision != case.revision:
            raise Conflict(
                _(
                    "%(case)s changed since you opened it (someone else acted on it). "
                    "Reload to see its current state."
                )
                % {"case": case.reference}
            )
        compiled = compiled_for(case)
        workflow = load_workflow(case, compiled) if case.is_running else None
        session = Session(case, workflow, compiled, clock.now())
        try:
            yield session
        except engine.EngineError as error:
            raise ProcessCannotContinue.because(error) from error
        save(session)


CASE_FIELDS = ["revision", "status", "ended_at", "title", "form_data", "version"]


def save(session: Session) -> None:
    """Write the case, its steps and items, events, notifications and audit; cache on commit."""
    save_all([session])


def save_all(sessions: list[Session]) -> None:
    """Write what ``sessions`` did, all cases together: a few statements however many there are.

    Order matters: rows refer to the case, events to steps and items, and the
    audit chain is appended last because its head row is every writer's lock.
    """
    for session in sessions:
        case = session.case
        case.revision += 1
        if session.workflow is not None:
            case.engine_state = engine.dump(session.workflow)
        if case.pk is None:
            case.save()
    flush([s.ledger for s in sessions])
    moved = [s.case for s in sessions if s.workflow is not None]
    update_rows(Case, moved, [*CASE_FIELDS, "engine_state"])
    update_rows(Case, [s.case for s in sessions if s.workflow is None], CASE_FIELDS)
    eventlog.save([event for s in sessions for event in s.events])
    notify.send_many(
        (notice.people, notice.kind, notice.params, notice.url)
        for s in sessions
        for notice in s.notices
    )
    audit.record_many(
        [
            audit.Entry(actor, action, obj, changes)
            for s in sessions
            for actor, action, obj, changes in s.audits
        ]
    )
    for session in sessions:
        _cache_on_commit(session)
        session.events, session.notices, session.audits = [], [], []


def _cache_on_commit(session: Session) -> None:
    case = session.case
    if session.workflow is not None and case.is_running:
        workflow, revision, digest = session.workflow, case.revision, session.compiled.digest
        transaction.on_commit(lambda: workflows.put(case.pk, revision, digest, workflow))


def end_case(
    session: Session,
    status: CaseStatus,
    *,
    person: Person | None,
    operation: str,
    lifecycle: str = "complete",
    activity: str = "",
    activity_id: str = "",
    department: Department | None = None,
    department_id: int | None = None,
) -> None:
    """Close the case with ``status``: cancel what is open, log it, tell the requester."""
    from flowbridge.cases.steps import cancel_open_steps

    case = session.case
    cancel_open_steps(session)
    if session.workflow is not None and not engine.is_completed(session.workflow):
        engine.cancel(session.workflow)
    case.status = status
    case.ended_at = session.now
    session.log(
        activity or str(CaseStatus(status).label),
        activity_id or f"case:{status}",
        lifecycle,
        operation,
        person=person,
        department=department,
        department_id=department_id,
        attributes={"status": str(status)},
    )
    if person is None or person.pk != case.requester_id:
        session.notify([case.requester], f"case_{status}")
