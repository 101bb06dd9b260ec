"""Process forms: reading camunda:formData, judging it, and validating input with clean()."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from flowbridge.core.errors import InvalidInput
from flowbridge.org.models import Department
from flowbridge.processes.bpmn import judge
from flowbridge.processes.forms import FormSpec, clean, engine_values, parse_form
from tests.org.factories import make_department, make_person
from tests.processes import formfiles
from tests.processes.formfiles import constraints, field, form_data

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def spec_of(*fields: str) -> FormSpec:
    root = etree.fromstring(formfiles.with_forms(form_data(*fields)))
    return parse_form(root.find(f".//{BPMN}startEvent"))


def contract_spec() -> FormSpec:
    root = etree.fromstring(formfiles.with_forms())
    return parse_form(root.find(f".//{BPMN}startEvent"))


def problems_of(spec: FormSpec, data: dict[str, Any], **kwargs: Any) -> dict[str, str]:
    with pytest.raises(InvalidInput) as raised:
        clean(spec, data, **kwargs)
    return {p.where: p.message for p in raised.value.problems}


# --- reading ---------------------------------------------------------------------------------


def test_the_contract_form_is_read_completely() -> None:
    spec = contract_spec()
    assert spec and [f.id for f in spec.fields] == ["amount", "risk"]
    amount, risk = spec.fields
    assert (amount.type, amount.required, amount.currency) == ("money", True, "CNY")
    assert (amount.minimum, amount.maximum) == (Decimal(0), Decimal(10000000))
    assert risk.type == "enum" and risk.default == "low" and not risk.required
    assert risk.options == [("low", "低", "Low"), ("high", "高", "High")]
    assert spec.field("risk") is risk and spec.field("nothing") is None
    assert not FormSpec([])


def test_labels_help_and_choices_follow_the_active_language() -> None:
    amount, risk = contract_spec().fields
    with translation.override("zh-hans"):
        assert (amount.label, amount.help_text, risk.option_label("high")) == ("金额", "含税", "高")
    with translation.override("en"):
        assert (amount.label, amount.help_text, risk.option_label("high")) == (
            "Amount",
            "Tax included",
            "High",
        )
    plain = spec_of('<camunda:formField id="x" label="只有中文" type="string"/>').fields[0]
    with translation.override("en"):
        assert plain.label == "只有中文"


def test_spellings_are_canonical() -> None:
    spec = spec_of(
        field("a", "text"),
        field("b", "choice", '<camunda:value id="x" name="X"/>'),
        '<camunda:formField id="c" label="C"/>',
    )
    assert [f.type for f in spec.fields] == ["string", "enum", "string"]


# --- judging ---------------------------------------------------------------------------------


def test_a_file_with_the_contract_forms_is_deployable() -> None:
    judgement = judge(formfiles.with_forms(), "forms.bpmn")
    assert judgement.ok, judgement.reason


BAD_FORMS = [
    (field("amount", "currency"), 'unknown type "currency"'),
    (field("1st", "string"), 'field id "1st" must be an identifier'),
    (field("class", "string"), 'field id "class" must be an identifier'),
    (field("_secret", "string"), 'field id "_secret" must be an identifier'),
    (field("a-b", "string"), 'field id "a-b" must be an identifier'),
    (field("x", "string") + field("x", "long"), 'field id "x" is used twice'),
    (field("risk", "enum"), "needs at least one camunda:value"),
    (field("n", "long", constraints(("min", "10"), ("max", "1"))), "min is greater than max"),
    (field("n", "number", constraints(("min", "abc"))), 'needs a number, not "abc"'),
    (field("d", "date", constraints(("max", "2026/01/01"))), "needs a date YYYY-MM-DD"),
    (field("s", "string", constraints(("maxlength", "ten"))), "needs a whole number"),
    (field("s", "string", constraints(("minlength", "5"), ("maxlength", "2"))), "minlength"),
    (field("s", "string", constraints(("min", "1"))), 'constraint "min" does not apply'),
    (field("s", "string", constraints(("pattern", "x"))), 'unknown constraint "pattern"'),
    (field("n", "long", attrs='defaultValue="many"'), 'default value "many"'),
    (field("f", "attachment", constraints(("maxfiles", "0"))), "maxfiles must be at least 1"),
    (field("s", "string", '<camunda:value id="a"/>'), "only choice fields"),
]


@pytest.mark.parametrize(("xml", "expected"), BAD_FORMS)
def test_a_bad_request_form_is_refused_naming_the_start_event(xml: str, expected: str) -> None:
    judgement = judge(formfiles.with_forms(form_data(xml)), "bad.bpmn")
    assert not judgement.ok
    assert judgement.element_id == "Start" and judgement.element_type == "startEvent"
    assert expected in judgement.reason, judgement.reason


@pytest.mark.parametrize("reserved", ["decision", "decisions", "requester", "case"])
def test_reserved_ids_are_refused_on_task_forms_too(reserved: str) -> None:
    judgement = judge(formfiles.with_forms(task_form=form_data(field(reserved, "string"))), "r")
    assert not judgement.ok and judgement.element_id == "Review"
    assert f'field id "{reserved}" is reserved' in judgement.reason


def test_every_form_problem_is_listed() -> None:
    bad = form_data(field("case", "string"), field("n", "mystery"), field("e", "enum"))
    judgement = judge(formfiles.with_forms(bad), "bad.bpmn")
    assert len(judgement.problems) == 3
    assert "(and 2 more problems)" in judgement.reason


# --- clean: every type -----------------------------------------------------------------------

VALID = [
    ("string", "", "  hello ", "hello"),
    ("string", "", 50000, "50000"),
    ("textarea", "", "line 1\nline 2", "line 1\nline 2"),
    ("long", "", "50000", 50000),
    ("long", "", 50000, 50000),
    ("long", "", "1,234", 1234),
    ("long", "", 7.0, 7),
    ("number", "", "3.50", "3.5"),
    ("number", "", 2.25, "2.25"),
    ("number", "", "-1,000.125", "-1000.125"),
    ("money", "", "12,345", "12345.00"),
    ("money", "", 12.5, "12.50"),
    ("money", "", "¥99.9", "99.90"),
    ("date", "", "2026-03-02", "2026-03-02"),
    ("boolean", "", "on", True),
    ("boolean", "", "false", False),
    ("boolean", "", 1, True),
    ("boolean", "", "0", False),
    ("enum", '<camunda:value id="low"/><camunda:value id="high"/>', "high", "high"),
    ("multichoice", '<camunda:value id="a"/><camunda:value id="b"/>', ["b", "a", "b"], ["b", "a"]),
    ("multichoice", '<camunda:value id="a"/><camunda:value id="b"/>', "a", ["a"]),
]


@pytest.mark.parametrize(("kind", "inner", "raw", "stored"), VALID)
def test_valid_values_are_stored_json_ready(kind: str, inner: str, raw: Any, stored: Any) -> None:
    spec = spec_of(field("v", kind, inner))
    assert clean(spec, {"v": raw}) == {"v": stored}


INVALID = [
    ("string", "", "two\nlines", "one line"),
    ("string", constraints(("maxlength", "3")), "four", "at most 3 characters"),
    ("string", constraints(("minlength", "3")), "ab", "at least 3 characters"),
    ("string", "", {"a": 1}, "enter text"),
    ("textarea", "", "nul\x00", "control characters"),
    ("long", "", "12.5", "whole number"),
    ("long", "", "abc", "enter a number"),
    ("long", "", True, "enter a number"),
    ("long", constraints(("max", "10")), "11", "at most 10"),
    ("number", "", "1e5", "no exponent"),
    ("number", "", float("nan"), "no exponent"),
    ("number", constraints(("min", "0")), "-1", "at least 0"),
    ("money", "", "12.345", "at most 2 decimal places"),
    ("money", "", [1], "enter a number"),
    ("date", "", "2026-02-30", "YYYY-MM-DD"),
    ("date", "", "02/03/2026", "YYYY-MM-DD"),
    ("date", constraints(("min", "2026-01-01")), "2025-12-31", "2026-01-01 or later"),
    ("date", constraints(("max", "2026-01-01")), "2026-01-02", "2026-01-01 or earlier"),
    ("boolean", "", "maybe", "yes or no"),
    ("boolean", constraints(("required", None)), False, "must be yes"),
    ("enum", '<camunda:value id="low"/>', "medium", '"medium" is not one of: low'),
    ("multichoice", '<camunda:value id="a"/>', ["a", "z"], '"z" is not one of: a'),
]


@pytest.mark.parametrize(("kind", "inner", "raw", "expected"), INVALID)
def test_invalid_values_are_refused_saying_what_and_where(
    kind: str, inner: str, raw: Any, expected: str
) -> None:
    spec = spec_of(field("v", kind, inner))
    problems = problems_of(spec, {"v": raw})
    assert list(problems) == ["v"]
    assert problems["v"].startswith("v: ") and expected in problems["v"], problems["v"]


def test_all_bad_fields_and_unknown_keys_are_listed_at_once() -> None:
    spec = spec_of(
        field("amount", "money", constraints(("required", None))),
        field("count", "long"),
        field("when", "date"),
        field("ok", "string"),
    )
    data = {"count": "x", "when": "tomorrow", "ok": "fine", "colour": "red", "rogue": 1}
    with pytest.raises(InvalidInput) as raised:
        clean(spec, data)
    error = raised.value
    assert {p.where for p in error.problems} == {"amount", "count", "when", "colour", "rogue"}
    assert error.message == "The form has 5 problems."
    messages = {p.where: p.message for p in error.problems}
    assert messages["amount"] == "amount: this field is required"
    assert messages["colour"] == '"colour" is not a field of this form'


def test_messages_use_the_label_of_the_active_language() -> None:
    spec = contract_spec()
    with translation.override("zh-hans"):
        message = problems_of(spec, {"amount": ""})["amount"]
    assert message == "金额\uff1a此项必填"  # a full-width colon


def test_absent_fields_take_their_default_and_empty_optional_fields_are_none() -> None:
    spec = contract_spec()
    assert clean(spec, {"amount": "100"}) == {"amount": "100.00", "risk": "low"}
    assert clean(spec, {"amount": "100", "risk": ""}) == {"amount": "100.00", "risk": None}


def test_readonly_fields_are_ignored_and_partial_checks_only_given_keys() -> None:
    root = etree.fromstring(formfiles.with_forms())
    task = parse_form(root.find(f".//{BPMN}userTask"))
    assert task.field("amount").readonly  # type: ignore[union-attr]
    assert clean(task, {"amount": "not even a number", "comment": "ok"}) == {"comment": "ok"}
    spec = contract_spec()
    assert clean(spec, {"risk": "high"}, partial=True) == {"risk": "high"}
    assert clean(spec, {}, partial=True) == {}
    assert set(problems_of(spec, {"amount": "-5"}, partial=True)) == {"amount"}


def test_data_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(InvalidInput, match="must be an object"):
        clean(contract_spec(), ["amount", 1])  # type: ignore[arg-type]


# --- people, departments, attachments --------------------------------------------------------


@pytest.fixture
def org(db: None) -> Department:
    sales = make_department("sales", "销售部", name_en="Sales")
    make_person("E0012", sales, "张三", name_en="Zhang San")
    make_person("E0099", sales, "李四", is_active=False)
    return sales


def test_person_must_exist_and_be_active(org: Department) -> None:
    spec = spec_of(field("buyer", "person"))
    assert clean(spec, {"buyer": " E0012 "}) == {"buyer": "E0012"}
    assert "E0099" in problems_of(spec, {"buyer": "E0099"})["buyer"]
    assert "no active person" in problems_of(spec, {"buyer": "E404"})["buyer"]


def test_department_must_exist(org: Department) -> None:
    spec = spec_of(field("dept", "department"))
    assert clean(spec, {"dept": "sales"}) == {"dept": "sales"}
    assert 'no department has the code "rd"' in problems_of(spec, {"dept": "rd"})["dept"]


def upload(name: str, size: int = 10) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"x" * size, content_type="application/octet-stream")


def test_attachments_come_back_as_the_uploaded_files() -> None:
    spec = spec_of(field("files", "attachment", constraints(("maxfiles", "2"))))
    files = [upload("quote.pdf"), upload("photo.JPG")]
    assert clean(spec, {}, {"files": files}) == {"files": files}
    assert clean(spec, {}) == {"files": []}
    too_many = problems_of(spec, {}, files={"files": [*files, upload("c.pdf")]})
    assert "at most 2 files" in too_many["files"]


@pytest.mark.parametrize(
    "name", ["setup.exe", "run.BAT", "a.cmd", "x.sh", "app.js", "i.msi", "p.ps1", "c.com",
             "s.scr", "j.jar", "tool.py", "index.php", "trick.pdf.exe", "dots.exe. ", r"C:\t\v.Exe"]
)  # fmt: skip
def test_programs_and_scripts_are_refused(name: str) -> None:
    spec = spec_of(field("files", "attachment"))
    message = problems_of(spec, {}, files={"files": [upload("fine.pdf"), upload(name)]})["files"]
    assert "is a program or script" in message


def test_uploads_larger_than_the_setting_are_refused(settings: Any) -> None:
    settings.FLOWBRIDGE_MAX_UPLOAD_BYTES = 1024 * 1024
    spec = spec_of(field("files", "attachment"))
    assert clean(spec, {}, {"files": [upload("ok.pdf", 1024 * 1024)]})["files"]
    message = problems_of(spec, {}, files={"files": [upload("big.pdf", 1024 * 1024 + 1)]})
    assert '"big.pdf" is larger than 1 MB' in message["files"]


def test_attachments_cannot_be_sent_as_text() -> None:
    spec = spec_of(field("files", "attachment"))
    assert "multipart" in problems_of(spec, {"files": "a.pdf"})["files"]


# --- engine values ---------------------------------------------------------------------------


def test_engine_values_are_the_primitives_conditions_see() -> None:
    spec = spec_of(
        field("amount", "money"),
        field("ratio", "number"),
        field("count", "long"),
        field("due", "date"),
        field("files", "attachment"),
        field("urgent", "boolean"),
        field("tags", "multichoice", '<camunda:value id="a"/>'),
        field("note", "string"),
    )
    stored = {"amount": "60000.00", "ratio": "0.5", "count": 3, "due": "2026-03-02"}
    stored |= {"files": [upload("a.pdf"), upload("b.pdf")], "urgent": True, "tags": ["a"]}
    assert engine_values(spec, stored) == {
        "amount": 60000.0,
        "ratio": 0.5,
        "count": 3,
        "due": "2026-03-02",
        "files": 2,
        "urgent": True,
        "tags": ["a"],
        "note": None,
    }


# --- robustness ------------------------------------------------------------------------------

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


@pytest.mark.django_db
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.dictionaries(
        st.sampled_from(
            ["s", "t", "l", "n", "m", "d", "b", "e", "mc", "p", "dep", "f", "x", "amount"]
        ),
        JSONISH,
    ),
    partial=st.booleans(),
)
def test_clean_only_ever_raises_invalid_input(data: dict[str, Any], partial: bool) -> None:
    spec = spec_of(
        field("s", "string"),
        field("t", "textarea"),
        field("l", "long", constraints(("min", "0"))),
        field("n", "number"),
        field("m", "money", constraints(("required", None))),
        field("d", "date", constraints(("max", "2030-01-01"))),
        field("b", "boolean"),
        field("e", "enum", '<camunda:value id="x"/>'),
        field("mc", "multichoice", '<camunda:value id="x"/><camunda:value id="y"/>'),
        field("p", "person"),
        field("dep", "department"),
        field("f", "attachment"),
    )
    try:
        stored = clean(spec, data, partial=partial)
    except InvalidInput as error:
        assert error.problems and all(p.where and p.message for p in error.problems)
    else:
        assert set(stored) <= {f.id for f in spec.fields}


def test_a_huge_amount_keeps_its_cents() -> None:
    # Found by hypothesis: cents on a 27-digit amount overflowed the default decimal context.
    from flowbridge.processes.formclean import clean as clean_values
    from flowbridge.processes.formfields import FormField, FormSpec

    spec = FormSpec([FormField(id="m", label_zh="金额", label_en="Amount", type="money")])
    assert clean_values(spec, {"m": 10**26}) == {"m": "100000000000000000000000000.00"}
