"""Organization pages on the demo company: chart, department, directory, person card, home panel."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from flowbridge.core.clock import ManualClock
from flowbridge.demo import loader
from flowbridge.demo.company import DEMO_PASSWORD
from flowbridge.org import services
from flowbridge.org.models import Delegation, Department, DepartmentKind, Liaison, Person

pytestmark = pytest.mark.django_db

SignIn = Callable[[str], Client]


@pytest.fixture
def demo(clock: ManualClock) -> None:
    loader.load()


@pytest.fixture
def sign_in(demo: None) -> SignIn:
    def make(username: str) -> Client:
        # Pages default to Chinese; these tests read the English msgids.
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        assert client.login(username=username, password=DEMO_PASSWORD)
        return client

    return make


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def away() -> Delegation:
    return Delegation.objects.select_related("person", "deputy").get()


# --- chart --------------------------------------------------------------------------------


def test_pages_need_a_sign_in(demo: None) -> None:
    for name, args in [("org:chart", []), ("org:people", []), ("org:department", ["rd"])]:
        response = Client().get(reverse(name, args=args))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_chart_shows_the_tree_heads_liaisons_and_deputies(sign_in: SignIn) -> None:
    html = page(sign_in("employee"), reverse("org:chart"))
    for department in Department.objects.all():
        assert reverse("org:department", args=[department.code]) in html
    rd = Department.objects.select_related("head").get(code="rd")
    assert rd.head is not None and rd.head.name_en in html
    delegation = away()
    assert f'away → <a href="{reverse("org:person", args=[delegation.deputy.employee_no])}"' in (
        html
    )
    assert "20 members" in html
    assert "122 people in total" in html


def test_chart_warns_about_the_department_without_liaison(sign_in: SignIn) -> None:
    html = page(sign_in("employee"), reverse("org:chart"))
    assert "1 department has no liaison" in html
    assert "has no liaison: requests to it go to its head" in html
    assert 'href="/org/departments/hr/">Human Resources</a> has no liaison' in html
    hr_person = Person.objects.filter(department__code="hr").first()
    assert hr_person is not None
    services.set_liaisons(None, Department.objects.get(code="hr"), [hr_person])
    html = page(sign_in("employee"), reverse("org:chart"))
    assert "has no liaison" not in html


def test_chart_query_count_does_not_grow_with_the_company(
    sign_in: SignIn, django_assert_max_num_queries: Callable[..., object]
) -> None:
    client = sign_in("employee")
    with django_assert_max_num_queries(20) as before:  # type: ignore[attr-defined]
        page(client, reverse("org:chart"))
    ops = Department.objects.get(code="ops")
    for i in range(5):
        extra = services.create_department(
            None, code=f"line{i}", name=f"产线{i}", kind=DepartmentKind.DEPARTMENT, parent=ops
        )
        staff = [
            services.create_person(
                None, employee_no=f"X{i}{j}", name=f"员工{i}{j}", department=extra
            )
            for j in range(3)
        ]
        services.set_head(None, extra, staff[0])
        services.set_liaisons(None, extra, staff[1:])
    with django_assert_max_num_queries(20) as after:  # type: ignore[attr-defined]
        page(client, reverse("org:chart"))
    assert len(after.captured_queries) == len(before.captured_queries)


def test_chart_in_chinese_and_english(sign_in: SignIn) -> None:
    client = sign_in("employee")
    zh = client.get(reverse("org:chart"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "组织架构" in zh and "研发部" in zh and "没有协作接口人" in zh
    en = client.get(reverse("org:chart"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Organization" in en and "Human Resources" in en


# --- department ---------------------------------------------------------------------------


def test_department_page_shows_who_receives_requests_today(sign_in: SignIn) -> None:
    delegation = away()
    html = page(sign_in("employee"), reverse("org:department", args=["sales"]))
    assert "Who receives a request today" in html
    assert f"on behalf of {delegation.person.name_en}" in html
    assert delegation.deputy.name_en in html
    assert "16 members" in html
    assert reverse("org:department", args=["commercial"]) in html  # breadcrumb
    html = page(sign_in("employee"), reverse("org:department", args=["hr"]))
    hr = Department.objects.select_related("head").get(code="hr")
    assert hr.head is not None and hr.head.name_en in html
    assert "department head, as there is no liaison" in html
    assert "This department has no liaison" in html
    html = page(sign_in("employee"), reverse("org:department", args=["ops"]))
    assert "Sub-departments" in html and reverse("org:department", args=["quality"]) in html


def test_unknown_department_and_person_are_404(sign_in: SignIn) -> None:
    client = sign_in("employee")
    page(client, reverse("org:department", args=["nope"]), status=404)
    page(client, reverse("org:person", args=["NOPE"]), status=404)


def test_employee_sees_no_liaison_form_and_cannot_post_one(sign_in: SignIn) -> None:
    client = sign_in("employee")
    url = reverse("org:department", args=["sales"])
    html = page(client, url)
    assert "Set the liaisons" not in html and "Edit the department" not in html
    somebody = Person.objects.filter(department__code="sales").last()
    assert somebody is not None
    before = list(Liaison.objects.filter(department__code="sales").values_list("person_id"))
    response = client.post(url, {"form": "liaisons", "liaisons": [somebody.pk]})
    assert response.status_code == 403
    after = list(Liaison.objects.filter(department__code="sales").values_list("person_id"))
    assert after == before


def test_head_sets_liaisons_of_own_department_only(sign_in: SignIn) -> None:
    client = sign_in("rd_head")
    rd_url = reverse("org:department", args=["rd"])
    html = page(client, rd_url)
    assert "Set the liaisons" in html
    assert "Edit the department" not in html  # only the process office edits departments
    assert "Set the liaisons" not in page(client, reverse("org:department", args=["sales"]))
    engineers = list(Person.objects.filter(department__code="rd").order_by("employee_no")[3:6])
    response = client.post(rd_url, {"form": "liaisons", "liaisons": [engineers[0].pk]})
    assert response.status_code == 302
    assert [li.person for li in Liaison.objects.filter(department__code="rd")] == [engineers[0]]
    # A third liaison is refused with the service's message; nothing changes.
    response = client.post(rd_url, {"form": "liaisons", "liaisons": [p.pk for p in engineers]})
    assert response.status_code == 422
    html = response.content.decode()
    assert "already has 2 liaisons" in html
    assert 'class="problems"' in html
    assert [li.person for li in Liaison.objects.filter(department__code="rd")] == [engineers[0]]


def test_process_office_edits_a_department_and_stale_edits_conflict(sign_in: SignIn) -> None:
    client = sign_in("pmo")
    url = reverse("org:department", args=["quality"])
    html = page(client, url)
    assert "Edit the department" in html and "Set the liaisons" in html
    quality = Department.objects.get(code="quality")
    form = {
        "form": "department",
        "name": "质量管理部",
        "name_en": "Quality Management",
        "head": quality.head_id,
        "sort_order": quality.sort_order,
        "version": quality.version,
    }
    assert client.post(url, form).status_code == 302
    quality.refresh_from_db()
    assert (quality.name, quality.name_en) == ("质量管理部", "Quality Management")
    response = client.post(url, {**form, "name": "质量部"})  # still the old version number
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    quality.refresh_from_db()
    assert quality.name == "质量管理部"


# --- people directory ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expect"),
    [
        ("employee_no", lambda p: p.employee_no),
        ("name", lambda p: p.name),
        ("english", lambda p: p.name_en.split()[1]),
        ("title", lambda p: p.title),
    ],
)
def test_directory_search_finds_by_each_field(
    sign_in: SignIn, query: str, expect: Callable[[Person], str]
) -> None:
    target = Person.objects.get(user__username="cs_liaison")
    html = page(sign_in("employee"), reverse("org:people") + "?q=" + expect(target))
    assert reverse("org:person", args=[target.employee_no]) in html


def test_directory_search_by_department_name_and_filters(sign_in: SignIn) -> None:
    client = sign_in("employee")
    html = page(client, reverse("org:people") + "?q=仓储物流部")
    assert "8 people found" in html
    html = page(client, reverse("org:people") + "?department=ops")
    # The division itself and its four departments.
    expected = Person.objects.filter(
        department__code__in=["ops", "production", "procurement", "warehouse", "quality"]
    ).count()
    assert f"{expected} people found" in html
    html = page(client, reverse("org:people") + "?role=department_head")
    heads = Department.objects.exclude(head=None).values("head").distinct().count()
    assert f"{heads} people found" in html
    html = page(client, reverse("org:people") + "?role=auditor")
    assert "1 person found" in html
    html = page(client, reverse("org:people") + "?role=liaison&department=sales")
    assert "2 people found" in html
    assert "Nobody matches." in page(client, reverse("org:people") + "?q=zzzz")
    # An unknown department is ignored; the search still applies.
    html = page(client, reverse("org:people") + "?q=仓储物流部&department=nope")
    assert "8 people found" in html


def test_directory_paginates_with_a_constant_query_count(
    sign_in: SignIn, django_assert_max_num_queries: Callable[..., object]
) -> None:
    client = sign_in("employee")
    counts = []
    for query in ["", "?page=2", "?page=5", "?role=liaison", "?q=工程师&page=2"]:
        with django_assert_max_num_queries(16) as captured:  # type: ignore[attr-defined]
            html = page(client, reverse("org:people") + query)
        counts.append(len(captured.captured_queries))
    assert len(set(counts[:3])) == 1, counts
    html = page(client, reverse("org:people") + "?page=2")
    assert "Page 2 of 5" in html
    assert html.count('href="/people/QM') == 25


# --- person card --------------------------------------------------------------------------


def test_person_card_shows_roles_and_the_current_delegation(sign_in: SignIn) -> None:
    delegation = away()
    client = sign_in("employee")
    html = page(client, reverse("org:person", args=[delegation.person.employee_no]))
    assert "Liaison" in html and "Liaison of" in html
    assert delegation.deputy.name_en in html
    assert "Away from" in html
    assert delegation.reason not in html  # the reason is for those who manage the absence
    html = page(sign_in("pmo"), reverse("org:person", args=[delegation.person.employee_no]))
    assert delegation.reason in html
    html = page(client, reverse("org:person", args=[delegation.deputy.employee_no]))
    assert f"Acts for {delegation.person.name_en}" in html
    head = Person.objects.get(user__username="rd_head")
    html = page(client, reverse("org:person", args=[head.employee_no]))
    assert "Department head" in html and "Head of" in html
    assert head.email in html and head.phone in html
    auditor = Person.objects.get(user__username="auditor")
    assert "Auditor" in page(client, reverse("org:person", args=[auditor.employee_no]))


# --- home panel ---------------------------------------------------------------------------


def test_home_panel_shows_my_department(sign_in: SignIn) -> None:
    away_liaison = away().person.name_en
    html = page(sign_in("employee"), reverse("core:home"))
    assert "My department" in html
    assert reverse("org:department", args=["sales"]) in html
    assert f'{away_liaison}</a> <span class="badge warn"' in html
    assert "Departments without a liaison" not in html


def test_home_panel_warns_the_process_office(sign_in: SignIn) -> None:
    html = page(sign_in("pmo"), reverse("core:home"))
    assert "Departments without a liaison" in html
    assert reverse("org:department", args=["hr"]) in html
    deputy = away().deputy
    deputy_client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert deputy.user is not None
    assert deputy_client.login(username=deputy.user.get_username(), password=DEMO_PASSWORD)
    html = page(deputy_client, reverse("core:home"))
    assert f"You act for {away().person.name_en}" in html


def test_home_panel_is_absent_for_an_account_outside_the_organization(demo: None) -> None:
    get_user_model().objects.create_user("visitor", password=DEMO_PASSWORD)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username="visitor", password=DEMO_PASSWORD)
    html = page(client, reverse("core:home"))
    assert "My department" not in html
