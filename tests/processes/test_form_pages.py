"""Process forms on pages: form_for a deployed version, django_form, display values, templates."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from flowbridge.core.errors import NotFound
from flowbridge.org.models import Department
from flowbridge.processes import services
from flowbridge.processes.forms import (
    FormSpec,
    display_value,
    django_form,
    engine_values,
    form_for,
    value_rows,
)
from tests.org.factories import make_department, make_person
from tests.processes.conftest import People
from tests.processes.formfiles import constraints, field, form_data, with_forms

EVERY_TYPE = form_data(
    field("title", "string", constraints(("required", None), ("maxlength", "50"))),
    field("details", "textarea"),
    field("count", "long", constraints(("min", "1"))),
    field("ratio", "number"),
    field("amount", "money", '<camunda:properties><camunda:property id="help"'
          ' value="含税 | Tax included"/></camunda:properties>'),
    field("due", "date", constraints(("min", "2026-01-01"))),
    field("urgent", "boolean"),
    field("risk", "enum", '<camunda:value id="low" name="低 | Low"/>'
          '<camunda:value id="high" name="高 | High"/>', 'defaultValue="low"'),
    field("tags", "multichoice", '<camunda:value id="a" name="甲 | A"/>'
          '<camunda:value id="b" name="乙 | B"/>'),
    field("buyer", "person"),
    field("dept", "department"),
    field("files", "attachment"),
)  # fmt: skip


@pytest.fixture
def sales(db: None) -> Department:
    sales = make_department("sales2", "销售二部", name_en="Sales 2")
    make_person("E0012", sales, "张三", name_en="Zhang San")
    return sales


@pytest.fixture
def every_type(people: People, sales: Department) -> FormSpec:
    version = services.deploy(people.pmo, with_forms(EVERY_TYPE), "every.bpmn")
    return form_for(version)


def test_form_for_reads_the_start_form_and_task_forms_of_a_version(people: People) -> None:
    version = services.deploy(people.pmo, with_forms(), "purchase.bpmn")
    start = form_for(version)
    assert [f.id for f in start.fields] == ["amount", "risk"]
    assert form_for(version) is start  # cached
    review = form_for(version, "Review")
    assert [f.id for f in review.fields] == ["amount", "comment"]
    assert review.field("amount").readonly  # type: ignore[union-attr]
    assert not form_for(version, "Plain")
    with pytest.raises(NotFound, match='no user task "Gateway"'):
        form_for(version, "Gateway")


def test_a_redeployed_version_gets_its_new_form(people: People) -> None:
    first = services.deploy(people.pmo, with_forms(), "p.bpmn")
    changed = with_forms(form_data(field("qty", "long")))
    second = services.deploy(people.pmo, changed, "p.bpmn")
    assert second.number == first.number + 1
    assert [f.id for f in form_for(first).fields] == ["amount", "risk"]
    assert [f.id for f in form_for(second).fields] == ["qty"]


def test_the_django_form_has_the_right_widgets(every_type: FormSpec) -> None:
    html = str(django_form(every_type))
    assert 'type="text" name="title"' in html and 'maxlength="50"' in html
    assert "<textarea" in html
    assert 'type="number" name="count"' in html and 'step="1"' in html and 'min="1"' in html
    assert 'name="amount" step="0.01" inputmode="decimal"' in html
    assert 'step="any"' in html
    assert 'type="date" name="due"' in html and 'min="2026-01-01"' in html
    assert 'type="checkbox" name="urgent"' in html
    assert '<select name="risk"' in html and '<option value="low" selected>Low</option>' in html
    assert 'type="checkbox" name="tags" value="a"' in html
    assert '<optgroup label="Sales 2">' in html and 'value="E0012"' in html
    assert '<option value="sales2">Sales 2 (sales2)</option>' in html
    assert 'type="file" name="files" multiple' in html
    assert "Tax included" in html


def test_a_posted_page_round_trips_to_the_stored_values(every_type: FormSpec) -> None:
    post = QueryDict(mutable=True)
    post.update({"title": "Laptops", "details": "two", "count": "2", "ratio": "0.5"})
    post.update({"amount": "12,345", "due": "2026-03-02", "urgent": "on", "risk": "high"})
    post.setlist("tags", ["a", "b"])
    post.update({"buyer": "E0012", "dept": "sales2"})
    pdf = SimpleUploadedFile("quote.pdf", b"%PDF-1.4")
    form = django_form(every_type, data=post, files=MultiValueDict({"files": [pdf]}))
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "title": "Laptops",
        "details": "two",
        "count": 2,
        "ratio": "0.5",
        "amount": "12345.00",
        "due": "2026-03-02",
        "urgent": True,
        "risk": "high",
        "tags": ["a", "b"],
        "buyer": "E0012",
        "dept": "sales2",
        "files": [pdf],
    }
    again = django_form(every_type, initial=form.cleaned_data)
    html = str(again)
    assert 'value="12345.00"' in html and 'value="2026-03-02"' in html
    assert '<option value="high" selected>' in html and 'value="a" id="id_tags_0" checked' in html


def test_an_unchecked_box_is_no_and_errors_stand_next_to_their_fields(
    every_type: FormSpec,
) -> None:
    post = QueryDict("title=&count=0&due=2025-12-31&risk=medium&buyer=E404")
    form = django_form(every_type, data=post)
    assert not form.is_valid()
    assert set(form.errors) == {"title", "count", "due", "risk", "buyer"}
    assert form.errors["title"] == ["title: this field is required"]
    html = render_to_string("processes/form_fields.html", {"form": form})
    assert html.count('class="pf-errors"') == 5
    assert '<span class="pf-required" title="required">*</span>' in html
    ok = django_form(every_type, data=QueryDict("title=x"))
    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data["urgent"] is False and ok.cleaned_data["tags"] == []


def test_readonly_fields_are_shown_disabled_and_never_taken_from_the_post(
    people: People,
) -> None:
    version = services.deploy(people.pmo, with_forms(), "purchase.bpmn")
    review = form_for(version, "Review")
    form = django_form(
        review, data=QueryDict("amount=1&comment=fine"), initial={"amount": "60000.00"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"comment": "fine"}
    assert "disabled" in str(form["amount"]) and 'value="60000.00"' in str(form["amount"])


def test_display_values_in_both_languages(every_type: FormSpec) -> None:
    spec = every_type
    stored: dict[str, Any] = {
        "amount": "12345.00",
        "ratio": "1234.5",
        "urgent": True,
        "risk": "high",
        "tags": ["a", "b"],
        "buyer": "E0012",
        "dept": "sales2",
        "files": [{"name": "quote.pdf"}, {"name": "b.png"}],
    }

    def shown() -> dict[str, str]:
        return {f.id: display_value(f, stored.get(f.id)) for f in spec.fields}

    with translation.override("zh-hans"):
        zh = shown()
    with translation.override("en"):
        en = shown()
    assert zh["amount"] == en["amount"] == "¥12,345.00"
    assert en["ratio"] == "1,234.5"
    assert (zh["urgent"], en["urgent"]) == ("是", "Yes")
    assert (zh["risk"], en["risk"]) == ("高", "High")
    assert (zh["tags"], en["tags"]) == ("甲、乙", "A, B")
    assert (zh["buyer"], en["buyer"]) == ("张三", "Zhang San")
    assert (zh["dept"], en["dept"]) == ("销售二部", "Sales 2")
    assert en["files"] == "quote.pdf, b.png"
    assert en["title"] == "" and display_value(spec.fields[6], False) == "No"
    money = spec.field("amount")
    assert money is not None and display_value(money, "-5") == "-¥5.00"


def test_form_values_template_is_a_definition_list(every_type: FormSpec) -> None:
    rows = value_rows(every_type, {"title": "Laptops", "amount": "99.50"})
    html = render_to_string("processes/form_values.html", {"rows": rows})
    assert "<dt>title</dt><dd>Laptops</dd>" in html
    assert "<dt>amount</dt><dd>¥99.50</dd>" in html
    assert '<span class="muted">—</span>' in html


def test_values_stored_from_a_page_drive_conditions(every_type: FormSpec) -> None:
    form = django_form(every_type, data=QueryDict("title=x&amount=60,000&count=3"))
    assert form.is_valid(), form.errors
    values = engine_values(every_type, form.cleaned_data)
    assert values["amount"] == 60000.0 and values["count"] == 3 and values["files"] == 0
    assert values["risk"] is None  # a page posts every field: no select value is no choice
