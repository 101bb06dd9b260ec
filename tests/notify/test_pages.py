"""The notifications page: own notifications only, unread filter, mark all read."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from flowbridge.core.clock import ManualClock
from flowbridge.notify import services
from flowbridge.notify.models import Notification
from flowbridge.org.models import Person
from tests.org.factories import make_department, make_user_person


@pytest.fixture
def people(db: None) -> tuple[Person, Person]:
    sales = make_department("sales", "销售部")
    return make_user_person("ann", sales, name="安"), make_user_person("bob", sales, name="博")


def test_list_unread_filter_and_mark_all_read(
    client: Client, people: tuple[Person, Person], clock: ManualClock
) -> None:
    ann, bob = people
    services.send([ann], "case_completed", {"case": "FB-000001", "title": "出差"}, url="/x/")
    services.send([ann], "case_completed", {"case": "FB-000002", "title": "采购"})
    services.send([bob], "case_completed", {"case": "FB-000003", "title": "报销"})
    client.force_login(ann.user)  # type: ignore[arg-type]
    with translation.override("en"):
        page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "FB-000001" in page and "FB-000002" in page and "FB-000003" not in page
    assert '<span class="nav-count">2</span>' in page  # the bell
    first = Notification.objects.get(params__case="FB-000001")
    client.post(f"/notifications/{first.pk}/")
    unread = client.get("/notifications/?unread=1").content.decode()
    assert "FB-000001" not in unread and "FB-000002" in unread
    response = client.post("/notifications/read/")
    assert response.status_code == 302
    assert services.unread_count(ann) == 0 and services.unread_count(bob) == 1
    assert 'class="nav-count"' not in client.get("/notifications/").content.decode()


def test_an_outside_link_is_never_followed(
    client: Client, people: tuple[Person, Person], clock: ManualClock
) -> None:
    ann, _bob = people
    (row,) = services.send([ann], "case_completed", {}, url="https://evil.example/")
    client.force_login(ann.user)  # type: ignore[arg-type]
    response = client.post(f"/notifications/{row.pk}/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
