from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

import flowbridge.responsibility
from flowbridge.core.errors import InvalidInput
from flowbridge.responsibility import services
from flowbridge.responsibility.models import Part, ResponsibilityVersion
from tests.responsibility.conftest import Company

CATALOGUE = Path(flowbridge.responsibility.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def test_catalogue_is_complete_and_without_duplicates() -> None:
    po = polib.pofile(str(CATALOGUE))
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert not po.untranslated_entries() and not po.fuzzy_entries()
    keys = [(e.msgctxt, e.msgid) for e in po]
    assert len(keys) == len(set(keys))


@pytest.fixture
def compiled() -> None:
    call_command("compile_translations", verbosity=0)
    translation.trans_real._translations = {}  # reload the freshly compiled catalogues
    translation.trans_real._default = None


def test_service_messages_in_chinese(
    compiled: None, company: Company, complaint: ResponsibilityVersion
) -> None:
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as caught:
        services.set_cell(
            company.pmo,
            complaint.process,
            step_code="analysis",
            department=company.rd,
            part=None,
            base_version=1,
        )
    assert caught.value.problems[0].message == "没有责任主体"
    with translation.override("zh-hans"):
        assert str(Part.RESPONSIBLE.label) == "责任主体"


def test_matrix_page_in_chinese(
    compiled: None, client: Client, company: Company, complaint: ResponsibilityVersion
) -> None:
    client.force_login(company.employee)
    html = client.get("/responsibility/complaint/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "协同角色" in html and "知会" in html and "客户投诉处理" in html
