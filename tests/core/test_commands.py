"""``flowbridge calendar`` and ``flowbridge audit`` through call_command and a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from flowbridge.core import audit
from flowbridge.core.calendar_services import set_override
from flowbridge.core.models import AuditEntry

pytestmark = pytest.mark.django_db

FLOWBRIDGE = Path(sys.executable).parent / "flowbridge"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_calendar_add_prints_one_iso_line() -> None:
    assert run("calendar", "add", "2026-09-30T17:00", "3d") == "2026-10-10T17:00:00+08:00\n"


def test_calendar_between() -> None:
    assert run("calendar", "between", "2026-09-30T09:00", "2026-09-30T18:00") == "PT7H30M\n"
    assert run("calendar", "between", "2026-09-30T09:00", "2026-09-30T18:00", "--seconds") == (
        "27000\n"
    )
    assert run("calendar", "between", "2026-09-30T18:00", "2026-09-30T17:00") == "-PT1H\n"


def test_calendar_is_working_day_gives_the_reason() -> None:
    assert run("calendar", "is-working-day", "2026-10-10") == "yes: make-up working day (调休)\n"
    assert run("calendar", "is-working-day", "2026-10-01") == "no: National Day\n"
    assert run("calendar", "is-working-day", "2026-10-11") == "no: weekend\n"
    set_override(None, date(2026, 10, 12), False, "stocktaking")
    assert run("calendar", "is-working-day", "2026-10-12") == (
        "no: company override, company closure (stocktaking)\n"
    )


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("add", "2027-03-01T10:00", "1d"), "No official holiday arrangement for 2027"),
        (("add", "2026-03-02T10:00", "3 weeks"), "1d4h30m"),
        (("add", "yesterday", "3d"), "2026-09-30T17:00"),
        (("is-working-day", "2026-13-01"), "YYYY-MM-DD"),
    ],
)
def test_calendar_errors_exit_with_code_2(args: tuple[str, ...], fragment: str) -> None:
    with pytest.raises(CommandError) as info:
        call_command("calendar", *args)
    assert info.value.returncode == 2
    assert fragment in str(info.value)


def test_audit_verify_and_list(clock: Any) -> None:
    set_override(None, date(2026, 3, 2), False, "one")
    set_override(None, date(2026, 3, 3), False, "two")
    assert run("audit", "verify") == "OK: 2 entries, chain intact\n"
    listing = run("audit", "list", "--limit", "1")
    assert listing.startswith("#2\t") and listing.count("\n") == 1
    assert "core.calendaroverride" in run("audit", "list", "--object-type", "core.calendaroverride")
    assert run("audit", "list", "--object-type", "org.department") == ""


def test_audit_verify_reports_tampering_with_exit_1(clock: Any) -> None:
    set_override(None, date(2026, 3, 2), False, "one")
    set_override(None, date(2026, 3, 3), False, "two")
    AuditEntry.objects.filter(seq=1).update(object_repr="forged")
    out = StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("audit", "verify", stdout=out)
    assert info.value.code == 1
    assert out.getvalue() == "TAMPERED: entry #1: content does not match its hash\n"
    assert not audit.verify().ok


def test_real_process(tmp_path: Path) -> None:
    """The installed ``flowbridge`` script, against its own migrated SQLite database."""
    env = {**os.environ, "FLOWBRIDGE_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    migrate = subprocess.run(
        [str(FLOWBRIDGE), "migrate", "-v0"], env=env, capture_output=True, text=True, check=False
    )
    assert migrate.returncode == 0, migrate.stderr
    ok = subprocess.run(
        [str(FLOWBRIDGE), "calendar", "add", "2026-09-30T17:00", "3d"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (ok.returncode, ok.stdout) == (0, "2026-10-10T17:00:00+08:00\n")
    bad = subprocess.run(
        [str(FLOWBRIDGE), "calendar", "add", "2027-03-01T10:00", "1d"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and bad.stdout == ""
    assert "2027" in bad.stderr
    verified = subprocess.run(
        [str(FLOWBRIDGE), "audit", "verify"], env=env, capture_output=True, text=True, check=False
    )
    assert (verified.returncode, verified.stdout) == (0, "OK: 0 entries, chain intact\n")
