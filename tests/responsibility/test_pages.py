from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from flowbridge.responsibility import exporter, services, tables
from flowbridge.responsibility.models import Part, ResponsibilityVersion
from tests.responsibility.conftest import Company


def _signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_index_lists_processes(
    client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    page = _signed_in(client, company.employee).get("/responsibility/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-process="complaint"' in html and "Customer complaint handling" in html


def test_editor_sees_selects_employee_does_not(
    client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    html = _signed_in(client, company.pmo).get("/responsibility/complaint/").content.decode()
    assert 'id="current-version">1<' in html
    assert 'name="cell:analysis:mkt"' in html
    assert 'data-step="analysis" data-department="rd" data-part="responsible"' in html
    assert 'id="steps-editor"' in html
    client.logout()
    html = _signed_in(client, company.employee).get("/responsibility/complaint/").content.decode()
    assert '<select name="cell:' not in html
    assert 'data-step="analysis" data-department="rd" data-part="responsible"' in html
    assert 'class="badge part-responsible"' in html


def test_matrix_page_query_count_is_bounded(
    client: Client,
    company: Company,
    complaint: ResponsibilityVersion,
    django_assert_max_num_queries: Any,
) -> None:
    _signed_in(client, company.pmo)
    with django_assert_max_num_queries(20):
        assert client.get("/responsibility/complaint/").status_code == 200
    # many more steps do not mean more queries
    steps = exporter.rows_of([complaint])
    from flowbridge.responsibility.specs import StepSpec

    many = [
        StepSpec(f"s{i}", f"步骤{i}", responsible=company.rd, collaborators=[company.cs])
        for i in range(40)
    ]
    services.save_version(company.pmo, complaint.process, many, base_version=1)
    with django_assert_max_num_queries(20):
        assert client.get("/responsibility/complaint/").status_code == 200
    assert steps


def test_matrix_form_without_javascript(
    client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    _signed_in(client, company.pmo)
    response = client.post(
        "/responsibility/complaint/save/",
        {
            "base_version": "1",
            "cell:reply:mkt": "informed",
            "cell:analysis:mkt": "swap",
            "note": "form",
        },
    )
    assert response.status_code == 302
    version = services.current_version(complaint.process)
    assert version.number == 2 and version.note == "form"
    m = services.matrix(version)
    assert m.part("reply", "mkt") == Part.INFORMED
    assert m.part("analysis", "mkt") == Part.RESPONSIBLE
    assert m.part("analysis", "rd") == Part.COLLABORATOR
    # a stale form is refused with a message, nothing stored
    stale = client.post(
        "/responsibility/complaint/save/",
        {"base_version": "1", "cell:reply:rd": "informed"},
        follow=True,
    )
    assert "version 2" in stale.content.decode()
    assert ResponsibilityVersion.objects.count() == 2


def test_employee_post_is_forbidden(
    client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    _signed_in(client, company.employee)
    response = client.post(
        "/responsibility/complaint/save/", {"base_version": "1", "cell:reply:mkt": "informed"}
    )
    assert response.status_code == 403
    assert client.post("/responsibility/complaint/steps/", {"base_version": "1"}).status_code == 403
    upload = SimpleUploadedFile("x.csv", b"process_code\n")
    assert client.post("/responsibility/import/", {"file": upload}).status_code == 403
    assert ResponsibilityVersion.objects.count() == 1


def test_steps_form_renames_reorders_removes_and_adds(
    client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    _signed_in(client, company.pmo)
    client.post(
        "/responsibility/complaint/steps/",
        {
            "base_version": "1",
            "step-intake-position": "2",
            "step-intake-name": "登记受理",
            "step-intake-name_en": "Intake",
            "step-analysis-position": "1",
            "step-analysis-name": "分析",
            "step-analysis-name_en": "Analysis",
            "step-reply-position": "3",
            "step-reply-name": "答复",
            "step-reply-delete": "1",
            "new-code": "close",
            "new-name": "结案",
            "new-position": "9",
            "new-responsible": "cs",
        },
    )
    version = services.current_version(complaint.process)
    assert version.number == 2
    m = services.matrix(version)
    assert [(r.step.code, r.step.name) for r in m.rows] == [
        ("analysis", "分析"),
        ("intake", "登记受理"),
        ("close", "结案"),
    ]
    assert m.part("close", "cs") == Part.RESPONSIBLE


def test_versions_diff_and_old_version_pages(
    client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    services.set_cell(
        company.pmo,
        complaint.process,
        step_code="reply",
        department=company.mkt,
        part=Part.INFORMED,
        base_version=1,
    )
    _signed_in(client, company.employee)
    versions = client.get("/responsibility/complaint/versions/").content.decode()
    assert 'data-version="2"' in versions and "+1" in versions
    diff = client.get("/responsibility/complaint/diff/?from=1&to=2").content.decode()
    assert 'class="diff-added" data-step="reply" data-department="mkt"' in diff
    assert "pmo" in diff
    old = client.get("/responsibility/complaint/versions/1/").content.decode()
    assert 'id="current-version">1<' in old and '<select name="cell:' not in old
    assert client.get("/responsibility/complaint/diff/?from=1&to=9").status_code == 404


def test_import_page_preview_confirm_and_refusal(
    client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    _signed_in(client, company.pmo)
    rows = exporter.rows_of([complaint])
    rows[0][9] = "市场部"  # intake: marketing informed instead of gm
    text = ",".join(tables.FIELDS) + "\n"
    text += "\n".join(",".join(r) for r in rows)
    preview = client.post(
        "/responsibility/import/", {"file": SimpleUploadedFile("c.csv", text.encode("gb18030"))}
    )
    html = preview.content.decode()
    assert 'id="import-preview"' in html and 'id="confirm-import"' in html
    assert ResponsibilityVersion.objects.count() == 1
    client.post("/responsibility/import/", {"confirm": "1"})
    assert services.current_version(complaint.process).number == 2
    bad = text.replace("市场部", "法务部")
    refused = client.post(
        "/responsibility/import/", {"file": SimpleUploadedFile("c.csv", bad.encode())}
    )
    html = refused.content.decode()
    assert 'id="import-problems"' in html and "row 2, column J (informed)" in html
    assert ResponsibilityVersion.objects.count() == 2


def test_export_download(
    client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    _signed_in(client, company.employee)
    response = client.get("/responsibility/export/?format=xlsx&process=complaint&version=1")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert "responsibility-complaint-v1.xlsx" in response["Content-Disposition"]
