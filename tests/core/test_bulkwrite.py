"""Bulk inserts and updates: every value written is read back exactly as ``save()`` stores it.

Runs on SQLite (``VALUES`` lists, chunked by parameter count) and on
PostgreSQL (``unnest`` arrays, JSON sent as one document); each round trip
re-reads every row by its key and compares every concrete field.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import DataError, IntegrityError, connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy

from flowbridge.cases import services
from flowbridge.cases.models import (
    ApprovalMode,
    Case,
    CaseEvent,
    CaseStatus,
    Step,
    StepKind,
    StepStatus,
)
from flowbridge.core import bulkwrite
from flowbridge.core.bulkwrite import insert_rows, update_rows
from flowbridge.core.models import AuditEntry, CalendarOverride, CalendarSettings
from flowbridge.core.permissions import Role
from flowbridge.notify.models import Notification
from flowbridge.org.models import Department, DepartmentKind, Person
from flowbridge.processes.services import deploy
from tests.cases import bpmn
from tests.org.factories import make_department, make_user_person

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")

# Values that break naive quoting: array literals, JSON escapes, SQL NULL spelled as text.
TRICKY_TEXTS = [
    "中文审批「报销」",
    'it\'s "quoted"',
    "back\\slash \\\\ and \\n literal",
    "line\nbreak\r\ttab",
    "",
    "NULL",
    "null",
    "{a,b}",
    "(x, y)",
    "%s %(name)s 100%",
    "emoji 🎉",
]

TRICKY_JSON: list[Any] = [
    {"nested": {"list": [1, 2.5, {"deep": ["中文", None, True]}], "empty": {}}},
    {"quote": 'say "hi"', "slash": "a\\b", "newline": "a\nb", "unicode": "报销单 €"},
    {},
    [],
    {"null_inside": None, "list_of_nulls": [None, None]},
    ["top", "level", "list", {"k": "v"}],
    {"text_null": "null", "braces": "{1,2}", "zero": 0, "false": False},
    {"big": 12345678901234, "negative": -1.25e-7},
    "a plain JSON string",
    42,
]


@dataclass
class World:
    department: Department
    person: Person
    other: Person
    case: Case


@pytest.fixture
def world(db: None) -> World:
    company = make_department("acme", "启明", kind=DepartmentKind.COMPANY)
    department = make_department("sales", "销售部", parent=company)
    person = make_user_person("writer", department, employee_no="E100", name="张三")
    other = make_user_person("other", department, employee_no="E101", name="李四")
    pmo = make_user_person("pmo", company, employee_no="E102", roles=[Role.PROCESS_OFFICE])
    xml = bpmn.chain(bpmn.approval("check", "审核", "person:E101"))
    definition = deploy(pmo.user, xml.encode(), "chain.bpmn", key="chain").definition
    case = services.start_case(person.user, definition, {})
    return World(department, person, other, case)


def stored(row: models.Model) -> dict[str, Any]:
    """Every concrete column's value as Python sees it."""
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


def assert_round_trip(rows: list[Any]) -> None:
    """Each row re-read by its key equals, field for field, what was in memory."""
    model = type(rows[0])
    assert all(row.pk is not None for row in rows)
    assert len({row.pk for row in rows}) == len(rows)
    found = model._default_manager.in_bulk([row.pk for row in rows])
    assert len(found) == len(rows)
    for row in rows:
        assert stored(found[row.pk]) == stored(row), f"row {row.pk} differs"


def event(world: World, n: int, **fields: Any) -> CaseEvent:
    values: dict[str, Any] = {
        "case": world.case,
        "activity": f"activity {n}",
        "activity_id": f"node_{n}",
        "lifecycle": "complete",
        "operation": "approve",
        "timestamp": datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI) + timedelta(seconds=n),
        "process_key": "chain",
        "version_number": 1,
        "attributes": {"n": n},
    }
    values.update(fields)
    return CaseEvent(**values)


# --- inserting ---------------------------------------------------------------------------------


def test_text_and_json_of_every_awkward_kind_round_trip(world: World) -> None:
    rows = [
        event(
            world,
            n,
            activity=TRICKY_TEXTS[n % len(TRICKY_TEXTS)],
            activity_id=TRICKY_TEXTS[(n + 3) % len(TRICKY_TEXTS)],
            attributes=TRICKY_JSON[n % len(TRICKY_JSON)],
        )
        for n in range(len(TRICKY_TEXTS) * len(TRICKY_JSON))
    ]
    insert_rows(CaseEvent, rows)
    assert_round_trip(rows)
    # The comparison above goes through Python; check the database holds JSON, not text of it.
    found = CaseEvent.objects.filter(pk=rows[0].pk, attributes__nested__list__1=2.5)
    assert found.exists()


def test_aware_datetimes_keep_their_instant_and_microseconds(world: World) -> None:
    instants = [
        datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=SHANGHAI),
        datetime(2026, 3, 2, 9, 0, 0, 999999, tzinfo=NEW_YORK),
        datetime(2026, 7, 1, 23, 59, 59, 1, tzinfo=UTC),
        datetime(2026, 11, 1, 3, 30, tzinfo=NEW_YORK),  # just after daylight saving ends
        datetime(2026, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
    ]
    rows = [event(world, n, timestamp=at) for n, at in enumerate(instants)]
    insert_rows(CaseEvent, rows)
    assert_round_trip(rows)
    for row in rows:
        back = CaseEvent.objects.get(pk=row.pk).timestamp
        assert back == row.timestamp and back.microsecond == row.timestamp.microsecond


def test_nullable_keys_and_datetimes_hold_none_even_when_every_row_has_none(world: World) -> None:
    everyone_none = [event(world, n, person=None, step=None, work_item=None) for n in range(3)]
    insert_rows(CaseEvent, everyone_none)
    assert_round_trip(everyone_none)
    assert CaseEvent.objects.filter(pk__in=[r.pk for r in everyone_none], person=None).count() == 3

    mixed = [
        Notification(recipient=world.person, kind="k", created_at=world.case.started_at),
        Notification(
            recipient=world.other,
            kind="k",
            created_at=world.case.started_at,
            read_at=datetime(2026, 3, 3, 8, 1, 2, 345678, tzinfo=SHANGHAI),
        ),
    ]
    insert_rows(Notification, mixed)
    assert_round_trip(mixed)
    assert Notification.objects.get(pk=mixed[0].pk).read_at is None


def test_foreign_keys_from_objects_and_from_ids(world: World) -> None:
    step = Step.objects.filter(case=world.case).get()
    rows = [
        event(world, 0, person=world.person, step=step),
        event(world, 1, person_id=world.other.pk, department_id=world.department.pk),
        event(world, 2, person=None),
    ]
    insert_rows(CaseEvent, rows)
    assert_round_trip(rows)
    back = CaseEvent.objects.get(pk=rows[0].pk)
    assert (back.person_id, back.step_id, back.case_id) == (world.person.pk, step.pk, world.case.pk)
    assert CaseEvent.objects.get(pk=rows[1].pk).person_id == world.other.pk


def test_a_related_object_saved_after_assignment_gives_its_key(world: World) -> None:
    step = Step(
        case=world.case,
        spiff_task_id=uuid.uuid4(),
        node_id="later",
        name="稍后保存",
        kind=StepKind.APPROVAL,
        mode=ApprovalMode.OR_SIGN,
        opened_at=world.case.started_at,
    )
    row = event(world, 0, step=step)
    assert row.step_id is None  # Django keeps no key for an unsaved object
    insert_rows(Step, [step])
    insert_rows(CaseEvent, [row])
    assert row.step_id == step.pk
    assert CaseEvent.objects.get(pk=row.pk).step_id == step.pk


def test_an_unsaved_related_object_is_refused_and_nothing_is_written(world: World) -> None:
    unsaved = Step(case=world.case, spiff_task_id=uuid.uuid4(), opened_at=world.case.started_at)
    before = CaseEvent.objects.count()
    rows = [event(world, 0), event(world, 1, step=unsaved)]
    with pytest.raises(ValueError, match=r"cases\.CaseEvent\.step refers to an unsaved object"):
        insert_rows(CaseEvent, rows)
    assert CaseEvent.objects.count() == before
    assert rows[0].pk is None


def test_uuids_choices_and_nullable_datetimes_of_steps(world: World) -> None:
    ids = [uuid.uuid4() for _ in range(4)]
    rows = [
        Step(
            case=world.case,
            spiff_task_id=ids[n],
            node_id=f"n{n}",
            name=TRICKY_TEXTS[n],
            kind=[StepKind.APPROVAL, StepKind.TASK, StepKind.CC, StepKind.AUTO][n],
            mode=ApprovalMode.COUNTERSIGN,
            status=StepStatus.DONE if n % 2 else StepStatus.OPEN,
            department=world.department if n % 2 else None,
            opened_at=datetime(2026, 3, 2, 9, n, 0, 500000 + n, tzinfo=SHANGHAI),
            closed_at=datetime(2026, 3, 2, 10, n, tzinfo=UTC) if n % 2 else None,
            due_at=None,
        )
        for n in range(4)
    ]
    insert_rows(Step, rows)
    assert_round_trip(rows)
    back = Step.objects.in_bulk([r.pk for r in rows])
    assert [back[r.pk].spiff_task_id for r in rows] == ids
    assert all(isinstance(back[r.pk].spiff_task_id, uuid.UUID) for r in rows)
    assert [back[r.pk].kind for r in rows] == ["approval", "task", "cc", "auto"]
    # A string UUID is accepted as save() accepts it.
    text_id = uuid.uuid4()
    more = Step(case=world.case, spiff_task_id=str(text_id), opened_at=world.case.started_at)
    insert_rows(Step, [more])
    assert Step.objects.get(pk=more.pk).spiff_task_id == text_id


def test_a_lazy_translation_is_stored_as_its_text(world: World) -> None:
    row = event(world, 0, activity=gettext_lazy("Approved"), operation=gettext_lazy("Rejected"))
    insert_rows(CaseEvent, [row])
    back = CaseEvent.objects.get(pk=row.pk)
    assert (back.activity, back.operation) == (str(row.activity), str(row.operation))


def test_audit_entries_with_big_sequence_numbers(world: World) -> None:
    at = datetime(2026, 3, 2, 9, 0, 0, 1, tzinfo=SHANGHAI)
    assert world.person.user is not None
    user_id = world.person.user.pk
    rows = [
        AuditEntry(
            seq=2**40 + n,
            at=at,
            actor_id=user_id if n % 2 else None,
            actor_name="张三" if n % 2 else "system",
            action="test.bulk.write",
            object_type="cases.case",
            object_id=str(n),
            object_repr=TRICKY_TEXTS[n],
            changes=TRICKY_JSON[n],
            prev_hash="0" * 64,
            entry_hash=f"{n:064x}",
        )
        for n in range(6)
    ]
    insert_rows(AuditEntry, rows)
    assert_round_trip(rows)


def test_dates_and_booleans_round_trip(world: World) -> None:
    rows = [
        CalendarOverride(
            date=date(2026, 10, 1) + timedelta(days=n),
            is_working_day=n % 2 == 0,
            reason=TRICKY_TEXTS[n],
        )
        for n in range(5)
    ]
    insert_rows(CalendarOverride, rows)
    assert_round_trip(rows)
    assert CalendarOverride.objects.get(pk=rows[4].pk).date == date(2026, 10, 5)
    rows[0].date, rows[0].is_working_day = date(2027, 2, 28), False
    update_rows(CalendarOverride, rows[:1], ["date", "is_working_day"])
    assert_round_trip(rows)


def test_a_primary_key_the_database_does_not_generate_is_written_as_given(world: World) -> None:
    CalendarSettings.objects.all().delete()
    row = CalendarSettings(
        id=1,
        timezone="Europe/Paris",
        working_periods=[["08:30", "12:00"], ["14:00", "17:30"]],
        updated_at=datetime(2026, 3, 2, 9, 0, 0, 42, tzinfo=SHANGHAI),
    )
    insert_rows(CalendarSettings, [row])
    assert row.pk == 1 and not row._state.adding
    assert_round_trip([row])


def test_keys_go_to_the_right_rows_across_statements(world: World) -> None:
    width = len([f for f in CaseEvent._meta.concrete_fields if not f.primary_key])
    per_statement = bulkwrite.MAX_PARAMS // width
    count = 2 * per_statement + 7  # three SQLite statements; one on PostgreSQL
    rows = [event(world, n, activity=f"row {n}", attributes={"n": n}) for n in range(count)]
    with CaptureQueriesContext(connection) as queries:
        insert_rows(CaseEvent, rows)
    inserts = [q for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == (1 if connection.vendor == "postgresql" else 3)
    stored_rows = dict(
        CaseEvent.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", "activity")
    )
    assert stored_rows == {row.pk: f"row {n}" for n, row in enumerate(rows)}
    assert all(row._state.adding is False for row in rows)
    # Updating as many rows goes through as many statements, each key to its own values.
    for n, row in enumerate(rows):
        row.attributes = {"n": n, "updated": True}
    update_rows(CaseEvent, rows, ["attributes"])
    back = dict(
        CaseEvent.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", "attributes")
    )
    assert back == {row.pk: {"n": n, "updated": True} for n, row in enumerate(rows)}


def test_nothing_to_write_sends_no_query(world: World) -> None:
    with CaptureQueriesContext(connection) as queries:
        insert_rows(CaseEvent, [])
        update_rows(CaseEvent, [], ["activity"])
        update_rows(CaseEvent, [], ["no_such_field"])
    assert len(queries) == 0


def test_none_in_a_json_column_means_sql_null_as_in_save(world: World) -> None:
    """``save()`` stores None as SQL NULL, refused by a NOT NULL column on every database."""
    with pytest.raises(IntegrityError), transaction.atomic():
        event(world, 0, attributes=None).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(CaseEvent, [event(world, 1), event(world, 2, attributes=None)])
    row = event(world, 3)
    insert_rows(CaseEvent, [row])
    row.attributes = None
    with pytest.raises(IntegrityError), transaction.atomic():
        update_rows(CaseEvent, [row], ["attributes"])
    assert CaseEvent.objects.get(pk=row.pk).attributes == {"n": 3}


@pytest.mark.postgres
def test_a_value_too_long_for_its_column_is_refused_not_cut(world: World) -> None:
    """PostgreSQL refuses an over-long value on save(); a bulk write must not truncate it."""
    too_long = "长" * 301  # activity is varchar(300)
    with pytest.raises(DataError), transaction.atomic():
        insert_rows(CaseEvent, [event(world, 0, activity=too_long)])
    row = event(world, 1)
    insert_rows(CaseEvent, [row])
    row.activity = too_long
    with pytest.raises(DataError), transaction.atomic():
        update_rows(CaseEvent, [row], ["activity"])
    assert CaseEvent.objects.get(pk=row.pk).activity == "activity 1"


# --- updating ----------------------------------------------------------------------------------


def test_updating_some_fields_leaves_the_others_untouched(world: World) -> None:
    rows = [event(world, n, person=world.person) for n in range(5)]
    insert_rows(CaseEvent, rows)
    before = {row.pk: stored(row) for row in rows}
    for n, row in enumerate(rows):
        row.activity = TRICKY_TEXTS[n]
        row.attributes = TRICKY_JSON[n]
        row.timestamp = datetime(2027, 1, 1, tzinfo=NEW_YORK) + timedelta(microseconds=n)
        row.person = None
        row.operation = "changed in memory only"
    update_rows(CaseEvent, rows, ["activity", "attributes", "timestamp", "person"])
    found = CaseEvent.objects.in_bulk([row.pk for row in rows])
    for n, row in enumerate(rows):
        back = stored(found[row.pk])
        expected = {
            **before[row.pk],
            "activity": TRICKY_TEXTS[n],
            "attributes": TRICKY_JSON[n],
            "timestamp": row.timestamp,
            "person_id": None,
        }
        assert back == expected


def test_updating_cases_json_state_status_and_end(world: World) -> None:
    case = world.case
    other = services.start_case(world.person.user, case.definition, {})
    ended = datetime(2026, 3, 5, 18, 30, 15, 250000, tzinfo=NEW_YORK)
    case.form_data = {"amount": "80000.00", "备注": 'line\nbreak "q" \\', "tags": []}
    case.engine_state = {"tasks": {"x": {"data": {"n": None}}}, "serializer_version": "1.4"}
    case.status, case.ended_at, case.revision = CaseStatus.COMPLETED, ended, 7
    other.title = "其他 ' title"
    update_rows(Case, [case, other], ["form_data", "engine_state", "status", "ended_at", "title"])
    back = Case.objects.in_bulk([case.pk, other.pk])
    assert stored(back[case.pk]) == {**stored(case), "revision": 2}  # revision was not written
    assert back[case.pk].status == "completed" and back[case.pk].ended_at == ended
    assert back[other.pk].title == "其他 ' title" and back[other.pk].ended_at is None


def test_updating_a_key_to_an_object_saved_after_assignment(world: World) -> None:
    row = event(world, 0)
    insert_rows(CaseEvent, [row])
    step = Step(case=world.case, spiff_task_id=uuid.uuid4(), opened_at=world.case.started_at)
    row.step = step
    insert_rows(Step, [step])
    update_rows(CaseEvent, [row], ["step"])
    assert CaseEvent.objects.get(pk=row.pk).step_id == step.pk


def test_updating_a_key_to_an_unsaved_object_is_refused(world: World) -> None:
    row = event(world, 0, person=world.person)
    insert_rows(CaseEvent, [row])
    row.step = Step(case=world.case, spiff_task_id=uuid.uuid4(), opened_at=world.case.started_at)
    with pytest.raises(ValueError, match=r"cases\.CaseEvent\.step refers to an unsaved object"):
        update_rows(CaseEvent, [row], ["step"])
    assert CaseEvent.objects.get(pk=row.pk).step_id is None


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (CaseEvent, "no_such_field"),
        (Case, "steps"),  # a reverse relation: no column of its own
        (Case, "work_items"),
        (Person, "role_grants"),
    ],
)
def test_a_field_that_is_not_a_column_is_refused_by_name(
    world: World, model: type[models.Model], name: str
) -> None:
    row = model._default_manager.first()
    assert row is not None
    with pytest.raises(ValueError, match=rf"{name} is not a column of {model._meta.label}"):
        update_rows(model, [row], [name])
