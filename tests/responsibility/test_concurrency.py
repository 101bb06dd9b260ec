from __future__ import annotations

import threading

import pytest
from django.db import connection

from flowbridge.core.errors import Conflict
from flowbridge.responsibility import services
from flowbridge.responsibility.models import Part, ResponsibilityVersion
from tests.responsibility.conftest import Company


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_editors_on_one_base_version(
    company: Company, complaint: ResponsibilityVersion
) -> None:
    """Both start from version 1 at once: one writes version 2, the other gets Conflict."""
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(department_code: str) -> None:
        department = {"mkt": company.mkt, "rd": company.rd}[department_code]
        start.wait()
        try:
            services.set_cell(
                company.pmo,
                complaint.process,
                step_code="reply",
                department=department,
                part=Part.INFORMED,
                base_version=1,
            )
            outcomes.append("saved")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(code,)) for code in ("mkt", "rd")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert list(
        ResponsibilityVersion.objects.values_list("number", flat=True).order_by("number")
    ) == [1, 2]
