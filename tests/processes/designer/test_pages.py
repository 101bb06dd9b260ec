"""Designer pages: new and edit, read-only for non-process-office, links from the process pages."""

from __future__ import annotations

import json

from django.test import Client

from flowbridge.core.clock import ManualClock
from flowbridge.processes import services
from flowbridge.processes.designer.chain import parse_chain
from flowbridge.processes.designer.services import design_deploy
from tests.processes import files
from tests.processes.conftest import People
from tests.processes.designer import chains
from tests.support import TEST_PASSWORD


def _signed_in(client: Client, username: str) -> Client:
    assert client.login(username=username, password=TEST_PASSWORD)
    return client


def _initial(html: str) -> dict[str, object]:
    start = html.index('id="dz-initial"')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    loaded: dict[str, object] = json.loads(body)
    return loaded


def test_new_page_for_the_process_office_and_read_only_for_others(
    client: Client, people: People
) -> None:
    page = _signed_in(client, "pmo").get("/processes/design/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="dz-deploy"' in html and 'id="dz-readonly"' not in html
    assert _initial(html)["key"] == ""
    assert "processes/designer.js" in html

    other = _signed_in(Client(), "emp").get("/processes/design/")
    assert other.status_code == 200
    assert 'id="dz-readonly"' in other.content.decode()
    assert 'id="dz-deploy"' not in other.content.decode()


def test_edit_page_loads_the_current_chain(
    client: Client, people: People, clock: ManualClock
) -> None:
    design_deploy(people.pmo, parse_chain(chains.small()))
    page = _signed_in(client, "pmo").get("/processes/leave/design/")
    assert page.status_code == 200
    assert parse_chain(_initial(page.content.decode())) == parse_chain(chains.small())
    assert client.get("/processes/nope/design/").status_code == 404


def test_links_from_the_process_pages(client: Client, people: People, clock: ManualClock) -> None:
    design_deploy(people.pmo, parse_chain(chains.small()))
    services.deploy(people.pmo, files.approval(), "purchase.bpmn", key="drawn")
    _signed_in(client, "emp")
    assert 'href="/processes/design/"' in client.get("/processes/").content.decode()
    designed = client.get("/processes/leave/").content.decode()
    assert 'id="edit-in-designer"' in designed and 'href="/processes/leave/design/"' in designed
    drawn = client.get("/processes/drawn/").content.decode()
    assert 'id="edit-in-designer"' not in drawn
    assert client.get("/processes/drawn/design/").status_code == 404


def test_pages_need_sign_in(client: Client, people: People) -> None:
    r = client.get("/processes/design/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
