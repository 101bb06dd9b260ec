"""Process pages: the list with the upload form, refusals shown, the detail with its diagram."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from flowbridge.core.clock import ManualClock
from flowbridge.processes import services
from flowbridge.processes.models import ProcessVersion
from tests.processes import files
from tests.processes.conftest import People


def _upload(data: bytes, name: str = "purchase.bpmn") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/xml")


def test_pages_need_sign_in(client: Client, people: People) -> None:
    assert client.get("/processes/").status_code == 302


def test_employee_sees_list_without_upload_form(
    client: Client, people: People, clock: ManualClock
) -> None:
    services.deploy(people.pmo, files.approval(), "p.bpmn")
    client.force_login(people.employee)
    page = client.get("/processes/").content.decode()
    assert 'data-key="purchase-approval"' in page and "采购审批" in page
    assert 'id="deploy-form"' not in page
    r = client.post("/processes/deploy/", {"file": _upload(files.approval(review_name="x"))})
    assert r.status_code == 403
    assert ProcessVersion.objects.count() == 1


def test_process_office_uploads_and_sees_the_new_version(
    client: Client, people: People, clock: ManualClock
) -> None:
    client.force_login(people.pmo)
    page = client.get("/processes/").content.decode()
    assert 'id="deploy-form"' in page
    assert 'href="/processes/"' in page  # the navigation link of the process office
    r = client.post("/processes/deploy/", {"file": _upload(files.approval()), "note": "首版"})
    assert r.status_code == 302 and r["Location"] == "/processes/purchase-approval/"
    detail = client.get(r["Location"]).content.decode()
    assert "Deployed purchase-approval version 1." in detail
    assert 'data-version="1"' in detail and "首版" in detail
    assert "<svg" in detail
    assert "/processes/purchase-approval/versions/1/bpmn/" in detail
    same = client.post("/processes/deploy/", {"file": _upload(files.approval())}, follow=True)
    assert "already has this content" in same.content.decode()


def test_refused_upload_shows_reason_and_element_id(
    client: Client, people: People, clock: ManualClock
) -> None:
    client.force_login(people.pmo)
    r = client.post("/processes/deploy/", {"file": _upload(files.SCRIPT_TASK, "A.4.0.bpmn")})
    assert r.status_code == 422
    page = r.content.decode()
    assert 'id="refusal"' in page
    assert "A.4.0.bpmn was refused" in page and "ScriptTask_1" in page
    assert ProcessVersion.objects.count() == 0
    empty = client.post("/processes/deploy/", {})
    assert empty.status_code == 422 and "Choose a BPMN file" in empty.content.decode()


def test_detail_chooses_a_version_and_downloads(
    client: Client, people: People, clock: ManualClock
) -> None:
    data = files.approval()
    services.deploy(people.pmo, data, "p.bpmn")
    services.deploy(people.pmo, files.approval(review_name="经理审批"), "p.bpmn")
    client.force_login(people.employee)
    page = client.get("/processes/purchase-approval/?version=1").content.decode()
    assert 'class="chosen"' in page and "v1" in page
    assert client.get("/processes/purchase-approval/?version=9").status_code == 404
    assert client.get("/processes/nope/").status_code == 404
    download = client.get("/processes/purchase-approval/versions/1/bpmn/")
    assert download.status_code == 200 and download.content == data


def test_pages_in_chinese(client: Client, people: People, clock: ManualClock) -> None:
    services.deploy(people.pmo, files.approval(), "p.bpmn")
    client.force_login(people.pmo)
    with translation.override("zh-hans"):
        client.cookies["django_language"] = "zh-hans"
        page = client.get("/processes/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "流程定义" in page and "部署" in page


def test_admin_lists_versions_read_only(
    client: Client, people: People, clock: ManualClock, django_user_model: type
) -> None:
    services.deploy(people.pmo, files.approval(), "p.bpmn")
    admin = django_user_model.objects.create_superuser("root", password="pw-for-tests-123")
    client.force_login(admin)
    page = client.get("/admin/processes/processversion/")
    assert page.status_code == 200 and "Purchase_Approval" in page.content.decode()
    assert client.get("/admin/processes/processversion/add/").status_code == 403
