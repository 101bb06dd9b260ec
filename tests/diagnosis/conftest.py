"""Diagnosis fixtures: the runtime tests' small company, a storage folder per test, uploads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from flowbridge.core.jobs import run_pending
from flowbridge.diagnosis import services
from flowbridge.diagnosis.models import Dataset
from tests.cases.conftest import Org, deployed, org  # noqa: F401  (fixtures)

Upload = Callable[..., Dataset]

RECEIPT_CSV = (
    "case_id,activity,timestamp,resource,department\n"
    "c1,Submit,2024-03-05 09:00:00,Ann,Sales\n"
    "c1,Approve,2024-03-05 10:30:00,Bob,Finance\n"
    "c1,Pay,2024-03-06 14:00:00,Cid,Finance\n"
    "c2,Submit,2024-03-05 11:00:00,Ann,Sales\n"
    "c2,Approve,2024-03-07 09:00:00,Bob,Finance\n"
)


@pytest.fixture(autouse=True)
def diagnosis_root(settings: Any, tmp_path: Path) -> Path:
    """Imported logs go to this test's own folder."""
    root = tmp_path / "diagnosis"
    settings.DIAGNOSIS_ROOT = root
    return root


@pytest.fixture
def upload(org: Org) -> Upload:  # noqa: F811
    """``upload("log.csv", content, as_=person)``: a dataset through the real service."""

    def make(filename: str, content: bytes | str, *, as_: Any = None, **options: Any) -> Dataset:
        data = content.encode() if isinstance(content, str) else content
        actor = (as_ or org.pmo).user
        return services.create_upload(
            actor, filename=filename, chunks=iter([data]), size=len(data), **options
        )

    return make


@pytest.fixture
def worker(transactional_db: None) -> Iterator[Callable[[], None]]:
    """Run the queued jobs now with django-tasks-db's worker (batch mode), in this process.

    Tests using it run outside a test transaction, as the worker does in
    production: it claims jobs in its own transactions and closes
    connections that are not in autocommit (which would end a test's
    enclosing transaction on PostgreSQL).
    """
    yield run_pending


def uploaded_file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
