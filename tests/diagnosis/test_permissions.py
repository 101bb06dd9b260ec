"""The dataset rules registered in flowbridge.core.permissions, role by role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flowbridge.core import clock
from flowbridge.core.errors import InvalidInput
from flowbridge.core.permissions import Action, may, visible
from flowbridge.diagnosis import services
from flowbridge.diagnosis.models import Dataset, InterviewNote
from tests.cases.conftest import Org
from tests.diagnosis.conftest import RECEIPT_CSV, Upload

pytestmark = pytest.mark.django_db


def test_rules_per_role(org: Org, upload: Upload) -> None:
    dataset = upload("s.csv", RECEIPT_CSV, as_=org.sales_head)
    expected = {
        # name: (may create, may view, may change)
        "pmo": (True, True, True),
        "gm": (True, True, False),
        "sales_head": (True, True, True),  # uploader and head of its department
        "finance_head": (True, False, False),
        "liaison1": (False, False, False),
        "requester": (False, False, False),
        "outsider": (False, False, False),
    }
    for name, (create, view, change) in expected.items():
        user = getattr(org, name).user
        got = (
            may(user, Action.CHANGE, Dataset),
            may(user, Action.VIEW, dataset),
            may(user, Action.CHANGE, dataset),
        )
        assert got == (create, view, change), name
        assert visible(user, Dataset.objects.all()).exists() == view, name


def test_notes_are_added_by_those_who_see_and_changed_by_their_author(
    org: Org, upload: Upload
) -> None:
    dataset = upload("s.csv", RECEIPT_CSV, as_=org.sales_head)
    new = InterviewNote(dataset=dataset, activity="Approve", author=None, created_at=clock.now())
    assert may(org.gm.user, Action.CHANGE, new)
    assert not may(org.outsider.user, Action.CHANGE, new)
    note = InterviewNote.objects.create(
        dataset=dataset, activity="Approve", author=org.gm.user, created_at=clock.now()
    )
    assert may(org.gm.user, Action.CHANGE, note)
    assert not may(org.sales_head.user, Action.CHANGE, note)
    assert may(org.sales_head.user, Action.VIEW, note)
    assert not may(org.finance_head.user, Action.VIEW, note)


def test_an_upload_is_cut_off_at_the_limit_while_streaming(
    org: Org, settings: object, diagnosis_root: object
) -> None:
    settings.DIAGNOSIS_MAX_UPLOAD_BYTES = 3 * 1024 * 1024  # type: ignore[attr-defined]
    read = 0

    def endless() -> Iterator[bytes]:
        nonlocal read
        while True:
            read += 1
            yield b"x" * (1024 * 1024)

    with pytest.raises(InvalidInput) as raised:
        # The size the client declared is small; the stream itself is checked as it comes.
        services.create_upload(org.pmo.user, filename="big.csv", chunks=endless(), size=10)
    assert "big.csv" in raised.value.message and "3 MB" in raised.value.message
    assert read == 4  # stopped at the first chunk past the limit, never all of it
    assert not Dataset.objects.exists()
    assert list(diagnosis_root.rglob("*.*")) == []  # type: ignore[attr-defined]
