from __future__ import annotations

import io
from typing import Any

from django.test import Client

from flowbridge.accounts.tokens import issue_token
from flowbridge.responsibility import exporter, services
from flowbridge.responsibility.models import CoreProcess, Part, ResponsibilityVersion
from tests.responsibility.conftest import Company

API = "/api/responsibility"


def _bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user, 'test')}"}


def test_reads_need_sign_in(client: Client, complaint: ResponsibilityVersion) -> None:
    assert client.get(f"{API}/processes").status_code == 401


def test_list_and_matrix_with_token(
    client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    auth = _bearer(company.employee)
    listing = client.get(f"{API}/processes", **auth).json()
    assert listing[0]["code"] == "complaint"
    assert listing[0]["version"] == 1 and listing[0]["step_count"] == 3
    assert listing[0]["author"] == "pmo"
    m = client.get(f"{API}/processes/complaint", **auth).json()
    assert m["version"]["number"] == 1
    assert [s["code"] for s in m["steps"]] == ["intake", "analysis", "reply"]
    assert m["steps"][1]["parts"] == {"rd": "responsible", "cs": "collaborator", "mkt": "consulted"}
    assert "gm" in [d["code"] for d in m["departments"]]
    assert client.get(f"{API}/processes/nope", **auth).status_code == 404


def test_cell_change_conflict_and_diff(
    client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    auth = _bearer(company.pmo)
    body = {"step_code": "reply", "department": "mkt", "part": "informed", "base_version": 1}
    response = client.post(
        f"{API}/processes/complaint/cells", body, content_type="application/json", **auth
    )
    assert response.status_code == 200, response.content
    saved = response.json()
    assert saved["version"] == 2 and saved["created"]
    assert saved["diff_url"] == "/responsibility/complaint/diff/?from=1&to=2"
    stale = client.post(
        f"{API}/processes/complaint/cells", body, content_type="application/json", **auth
    )
    assert stale.status_code == 409
    assert "version 2" in stale.json()["detail"]
    d = client.get(f"{API}/processes/complaint/diff?from=1&to=2", **auth).json()
    assert d["cells"] == [
        {"step_code": "reply", "department": "mkt", "old": None, "new": "informed", "kind": "added"}
    ]
    assert d["author"] == "pmo" and d["summary"] == "+1 \u22120 ~0"
    versions = client.get(f"{API}/processes/complaint/versions", **auth).json()
    assert [v["number"] for v in versions] == [2, 1]
    v1 = client.get(f"{API}/processes/complaint/versions/1", **auth).json()
    assert "mkt" not in v1["steps"][2]["parts"]


def test_second_responsible_is_422_and_swap_works(
    client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    auth = _bearer(company.pmo)
    body: dict[str, Any] = {
        "step_code": "analysis",
        "department": "mkt",
        "part": "responsible",
        "base_version": 1,
    }
    refused = client.post(
        f"{API}/processes/complaint/cells", body, content_type="application/json", **auth
    )
    assert refused.status_code == 422
    assert "研发部" in refused.json()["detail"]
    body["swap"] = True
    swapped = client.post(
        f"{API}/processes/complaint/cells", body, content_type="application/json", **auth
    )
    assert swapped.status_code == 200
    m = services.matrix(services.current_version(complaint.process))
    assert (
        m.part("analysis", "mkt") == Part.RESPONSIBLE
        and m.part("analysis", "rd") == Part.COLLABORATOR
    )


def test_employee_gets_403(
    client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    auth = _bearer(company.employee)
    body = {"step_code": "reply", "department": "mkt", "part": "informed", "base_version": 1}
    response = client.post(
        f"{API}/processes/complaint/cells", body, content_type="application/json", **auth
    )
    assert response.status_code == 403
    assert ResponsibilityVersion.objects.count() == 1


def test_put_steps_and_create_with_problems(
    client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    auth = _bearer(company.pmo)
    steps = [
        {"code": "intake", "name": "受理", "responsible": "cs"},
        {"code": "intake", "name": "", "responsible": "nobody", "collaborators": ["cs"]},
    ]
    bad = client.put(
        f"{API}/processes/complaint/steps",
        {"steps": steps, "base_version": 1},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422
    messages = [p["message"] for p in bad.json()["problems"]]
    assert 'unknown department "nobody"' in messages
    assert "step name is empty" in messages
    assert any("duplicate step code" in m for m in messages)
    good = client.put(
        f"{API}/processes/complaint/steps",
        {"steps": steps[:1], "base_version": 1, "note": "short"},
        content_type="application/json",
        **auth,
    )
    assert good.status_code == 200 and good.json()["version"] == 2
    created = client.post(
        f"{API}/processes",
        {
            "code": "devel",
            "name": "产品开发",
            "steps": [{"code": "build", "name": "实现", "responsible": "rd"}],
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201 and created.json()["version"]["number"] == 1
    assert CoreProcess.objects.filter(code="devel").exists()


def test_import_and_export_endpoints(
    client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    auth = _bearer(company.pmo)
    exported = client.get(f"{API}/export?format=csv", **auth)
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")
    assert exported.content.startswith(b"\xef\xbb\xbf")
    xlsx = client.get(f"{API}/export?format=xlsx&process=complaint", **auth)
    assert xlsx.content[:2] == b"PK"
    upload = io.BytesIO(exported.content)
    upload.name = "list.csv"
    result = client.post(f"{API}/import", {"file": upload, "dry_run": "true"}, **auth).json()
    assert result == {
        "dry_run": True,
        "processes": [
            {
                "code": "complaint",
                "status": "unchanged",
                "renamed": False,
                "summary": "+0 \u22120 ~0",
                "version": None,
            }
        ],
    }
    bad = io.BytesIO(
        "process_code,step_code,step_name,responsible\ncomplaint,a,A,法务部\n".encode()
    )
    bad.name = "bad.csv"
    refused = client.post(f"{API}/import", {"file": bad}, **auth)
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["row"] == 2
    assert refused.json()["problems"][0]["column"] == "D"
    assert ResponsibilityVersion.objects.count() == 1


def test_employee_may_not_import(
    client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    data = io.BytesIO(exporter.export("csv", exporter.current_versions()))
    data.name = "x.csv"
    assert (
        client.post(f"{API}/import", {"file": data}, **_bearer(company.employee)).status_code == 403
    )
