from __future__ import annotations

from datetime import timedelta

import pytest

from flowbridge.core.clock import ManualClock
from flowbridge.core.errors import Conflict, InvalidInput, NotAllowed
from flowbridge.core.models import AuditEntry
from flowbridge.org.models import Department
from flowbridge.responsibility import services
from flowbridge.responsibility.models import CoreProcess, Part, ResponsibilityVersion
from flowbridge.responsibility.specs import StepSpec, steps_of
from tests.responsibility.conftest import Company


def test_create_process_writes_version_one_with_author_and_time(
    complaint: ResponsibilityVersion, company: Company, clock: ManualClock
) -> None:
    assert complaint.number == 1
    assert complaint.author == company.pmo
    assert complaint.author_name == "pmo"
    assert complaint.created_at == clock.now()
    assert complaint.note == "first"
    steps = steps_of(complaint)
    assert [s.code for s in steps] == ["intake", "analysis", "reply"]
    assert steps[0].responsible == company.cs
    assert steps[0].collaborators == (company.sales,)
    assert steps[0].informed == (company.gm,)
    entry = AuditEntry.objects.get(action="responsibility.version.create")
    assert entry.changes["steps_added"] == ["intake", "analysis", "reply"]


def test_save_version_increments_and_records_author_time(
    complaint: ResponsibilityVersion, company: Company, clock: ManualClock
) -> None:
    clock.advance(timedelta(hours=2))
    steps = steps_of(complaint)
    steps.append(StepSpec("close", "结案", "Close", company.cs))
    v2 = services.save_version(
        company.pmo, complaint.process, steps, base_version=1, note="add close"
    )
    assert v2.number == 2
    assert v2.created_at == clock.now()
    assert v2.note == "add close"
    assert services.current_version(complaint.process) == v2
    # the old version is untouched
    assert [s.code for s in steps_of(complaint)] == ["intake", "analysis", "reply"]
    entry = AuditEntry.objects.filter(action="responsibility.version.create").last()
    assert entry is not None and entry.changes["version"] == [1, 2]
    assert entry.changes["steps_added"] == ["close"]


def test_unchanged_steps_write_no_version(
    complaint: ResponsibilityVersion, company: Company
) -> None:
    same = services.save_version(
        company.pmo, complaint.process, steps_of(complaint), base_version=1
    )
    assert same.number == 1
    assert ResponsibilityVersion.objects.count() == 1


def test_stale_base_version_is_a_conflict(
    complaint: ResponsibilityVersion, company: Company
) -> None:
    process = complaint.process
    services.set_cell(
        company.pmo,
        process,
        step_code="reply",
        department=company.mkt,
        part=Part.INFORMED,
        base_version=1,
    )
    with pytest.raises(Conflict) as caught:
        services.set_cell(
            company.pmo,
            process,
            step_code="reply",
            department=company.rd,
            part=Part.INFORMED,
            base_version=1,
        )
    assert "version 2" in caught.value.message
    assert ResponsibilityVersion.objects.filter(process=process).count() == 2


def test_employee_may_not_change(complaint: ResponsibilityVersion, company: Company) -> None:
    with pytest.raises(NotAllowed):
        services.save_version(company.employee, complaint.process, [], base_version=1)
    with pytest.raises(NotAllowed):
        services.create_process(company.employee, code="x", name="x", steps=[])
    assert CoreProcess.objects.count() == 1


def test_set_cell_refuses_second_responsible(
    complaint: ResponsibilityVersion, company: Company
) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.set_cell(
            company.pmo,
            complaint.process,
            step_code="analysis",
            department=company.mkt,
            part=Part.RESPONSIBLE,
            base_version=1,
        )
    assert "研发部" in caught.value.message and "make responsible" in caught.value.message
    assert ResponsibilityVersion.objects.count() == 1


def test_set_cell_changes_one_cell(complaint: ResponsibilityVersion, company: Company) -> None:
    v2 = services.set_cell(
        company.pmo,
        complaint.process,
        step_code="analysis",
        department=company.mkt,
        part=Part.COLLABORATOR,
        base_version=1,
    )
    m = services.matrix(v2)
    assert m.part("analysis", "mkt") == Part.COLLABORATOR
    assert m.part("analysis", "rd") == Part.RESPONSIBLE
    v3 = services.set_cell(
        company.pmo,
        complaint.process,
        step_code="analysis",
        department=company.mkt,
        part=None,
        base_version=2,
    )
    assert services.matrix(v3).part("analysis", "mkt") is None


def test_removing_the_responsible_is_refused(
    complaint: ResponsibilityVersion, company: Company
) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.set_cell(
            company.pmo,
            complaint.process,
            step_code="analysis",
            department=company.rd,
            part=None,
            base_version=1,
        )
    assert [p.message for p in caught.value.problems] == ["no responsible department"]


def test_set_responsible_swaps(complaint: ResponsibilityVersion, company: Company) -> None:
    v2 = services.set_responsible(
        company.pmo, complaint.process, step_code="analysis", department=company.mkt, base_version=1
    )
    step = steps_of(v2)[1]
    assert step.responsible == company.mkt
    assert company.rd in step.collaborators
    assert company.mkt not in step.consulted


def _problems(steps: list[StepSpec], code: str = "p") -> list[str]:
    return [p.message for p in services.validate(code, steps)]


def test_validation_rules(company: Company) -> None:
    ghost = Department(code="ghost", name="法务部")
    assert _problems([StepSpec("a", "A", responsible=ghost)]) == ['unknown department "法务部"']
    assert _problems([StepSpec("a", "A")]) == ["no responsible department"]
    assert _problems([StepSpec("a", "", responsible=company.rd)]) == ["step name is empty"]
    assert _problems(
        [StepSpec("a", "A", responsible=company.rd), StepSpec("a", "B", responsible=company.rd)]
    ) == ['duplicate step code "a" (also step 1)']
    twice = _problems([StepSpec("a", "A", responsible=company.rd, collaborators=[company.rd])])
    assert len(twice) == 1 and "研发部" in twice[0] and "twice" in twice[0]
    assert _problems([StepSpec("a b", "A", responsible=company.rd)]) == [
        'code "a b" may only contain letters, digits, "-" and "_"'
    ]
    assert _problems([], code="") == ["process code is empty", "the process has no steps"]


def test_validation_lists_every_problem(company: Company) -> None:
    problems = services.validate(
        "p",
        [
            StepSpec("a", "", responsible=None),
            StepSpec("a", "B", responsible=company.rd, informed=[company.rd]),
        ],
    )
    assert len(problems) == 4
    assert problems[0].where == "p, step 1 (a)"


def test_two_responsible_is_reported_for_drafts(company: Company) -> None:
    from flowbridge.responsibility.specs import StepDraft

    draft = StepDraft(
        "a", "A", parts=[(company.rd, Part.RESPONSIBLE), (company.mkt, Part.RESPONSIBLE)]
    )
    assert _problems([draft]) == [
        'two responsible departments "研发部; 市场部"; a step has exactly one'
    ]  # type: ignore[list-item]


def test_diff_content(
    complaint: ResponsibilityVersion, company: Company, clock: ManualClock
) -> None:
    steps = steps_of(complaint)
    intake = steps[0]
    steps = [
        StepSpec("analysis", "原因分析", "Analysis", company.rd, [company.cs, company.mkt]),
        intake,
        StepSpec("close", "结案", "", company.cs),
    ]
    clock.advance(timedelta(days=1))
    v2 = services.save_version(company.pmo, complaint.process, steps, base_version=1, note="rework")
    d = services.diff(complaint, v2)
    assert [s.code for s in d.steps_added] == ["close"]
    assert [s.code for s in d.steps_removed] == ["reply"]
    assert [(r.old_name, r.new_name) for r in d.steps_renamed] == [("分析", "原因分析")]
    assert len(d.steps_moved) == 1
    kinds = {(c.step_code, c.department.code): (c.old, c.new) for c in d.cells}
    assert kinds[("analysis", "mkt")] == (Part.CONSULTED, Part.COLLABORATOR)
    assert kinds[("close", "cs")] == (None, Part.RESPONSIBLE)
    assert kinds[("reply", "sales")] == (Part.COLLABORATOR, None)
    assert (d.author_name, d.created_at, d.note) == ("pmo", clock.now(), "rework")
    assert d.summary.startswith("+")


def test_matrix_columns_and_query_count(
    complaint: ResponsibilityVersion, company: Company, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        m = services.matrix(complaint)
    codes = [d.code for d in m.departments]
    assert codes == ["gm", "rd", "mkt", "sales", "cs"]  # by sort order, company root left out
    assert [r.step.code for r in m.rows] == ["intake", "analysis", "reply"]
    assert m.rows[1].responsible == company.rd
