"""Shared fixtures.

Environment rules: tests that need PostgreSQL, the system Chromium or
``../shared/data`` skip on a laptop without them, but fail in CI (``CI=true``)
where they are required.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from flowbridge.core import clock as clock_module
from flowbridge.core.clock import ManualClock

# Shared fixtures (browser harness, language) serve every test folder.
pytest_plugins = ["tests.browser.harness", "tests.support"]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def skip_or_fail(reason: str) -> None:
    """Skip locally; in CI a missing requirement is a failure, not a skip."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def database_vendor() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"


@pytest.fixture
def shared_data() -> Path:
    """The folder of real BPMN files and event logs beside the project."""
    if not SHARED_DATA.is_dir():
        skip_or_fail(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    """A manual clock installed for the test: move it with ``clock.advance(...)``."""
    manual = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
    with clock_module.using(manual):
        yield manual


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "postgres" in item.keywords and database_vendor() != "postgresql":
            item.add_marker(pytest.mark.skip(reason="runs when DATABASE_URL points at PostgreSQL"))


def pytest_report_header(config: pytest.Config) -> str:
    return f"flowbridge: database={database_vendor()} ci={IN_CI} shared_data={SHARED_DATA.is_dir()}"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Tests create many accounts; a slow key-derivation hash only costs time here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
