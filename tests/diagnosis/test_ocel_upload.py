"""OCEL 2.0 uploads (JSON, XML, SQLite): the user picks the object type, the job flattens it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from flowbridge.diagnosis import services
from flowbridge.diagnosis.models import Dataset, Source, Status
from flowbridge.mining.ocel import read_ocel
from tests.cases.conftest import Org
from tests.diagnosis.conftest import Upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


@pytest.mark.parametrize(
    "name", ["ocel20_example.jsonocel", "ocel20_example.xmlocel", "ocel20_example.sqlite"]
)
def test_ocel_upload_asks_for_the_object_type_then_imports(
    org: Org, worker: Callable[[], None], shared_data: Path, name: str
) -> None:
    path = shared_data / "logs" / "ocel" / name
    client = Client()
    client.force_login(org.pmo.user)
    response = client.post(
        reverse("diagnosis:upload"), {"file": SimpleUploadedFile(name, path.read_bytes())}
    )
    dataset = Dataset.objects.get()
    assert dataset.source == Source.OCEL
    assert response["Location"] == reverse("diagnosis:mapping", args=[dataset.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Invoice (3)" in page and "Purchase Order (2)" in page
    response = client.post(
        response["Location"], {"object_type": "Purchase Order", "timezone": "UTC"}
    )
    assert response["Location"] == reverse("diagnosis:job", args=[dataset.pk])
    worker()
    dataset.refresh_from_db()
    expected = read_ocel(path, object_type="Purchase Order")
    assert (dataset.status, dataset.events, dataset.cases) == (
        Status.READY,
        expected.event_count,
        expected.case_count,
    )
    assert services.load_log(dataset).events.equals(expected.events)


def test_an_unknown_object_type_is_refused(org: Org, upload: Upload, shared_data: Path) -> None:
    content = (shared_data / "logs" / "ocel" / "ocel20_example.jsonocel").read_bytes()
    dataset = upload("o.jsonocel", content)
    with pytest.raises(services.InvalidInput) as raised:
        services.confirm_mapping(org.pmo.user, dataset, {"object_type": "Truck"})
    assert raised.value.problems[0].where == "object_type"
    assert "Invoice" in raised.value.message


def test_an_xes_file_named_xml_is_read_as_xes(upload: Upload, shared_data: Path) -> None:
    content = (shared_data / "logs" / "running-example.xes").read_bytes()
    dataset = upload("export.xml", content)
    assert (dataset.source, dataset.mapping["format"]) == (Source.UPLOAD, "xes")
    assert dataset.job_id
