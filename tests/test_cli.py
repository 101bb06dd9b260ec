"""Smoke test of the installed ``flowbridge`` executable, run as a real process.

Each run gets its own SQLite file and data directory, so nothing here touches
the developer's ``var/`` or the test database.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flowbridge.cli import COMMANDS

FLOWBRIDGE = Path(sys.executable).parent / "flowbridge"
DEMO_USERS = ["admin", "pmo", "gm", "rd_head", "cs_liaison", "employee", "auditor"]


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(FLOWBRIDGE), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"flowbridge {' '.join(args)} failed:\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment of a fresh installation: migrated, demo company loaded."""
    data = tmp_path_factory.mktemp("flowbridge-cli")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG"}
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}",
        "FLOWBRIDGE_DATA_DIR": str(data),
    }
    run(env, "migrate", "--no-input")
    return env


def test_executable_is_installed() -> None:
    assert FLOWBRIDGE.is_file() and os.access(FLOWBRIDGE, os.X_OK)


def test_help_lists_every_command() -> None:
    result = run(dict(os.environ), "--help")
    assert result.stdout.startswith("usage: flowbridge <command>")
    for name in COMMANDS:
        assert f"  {name} " in result.stdout, name
    for name in ["demo", "serve", "migrate", "calendar", "audit", "compilemessages"]:
        assert name in COMMANDS


def test_demo_prints_the_sign_ins(site: dict[str, str]) -> None:
    first = run(site, "demo").stdout
    for username in DEMO_USERS:
        assert username in first, f"{username} missing from:\n{first}"
    assert "flowbridge-demo" in first
    # Loading twice is harmless: the demo is idempotent.
    again = run(site, "demo").stdout
    assert "pmo" in again


def test_calendar_add_skips_the_national_day_holiday(site: dict[str, str]) -> None:
    # 10-01…10-07 are the National Day holidays; the three working days after the eve are
    # 10-08, 10-09 and Saturday 10-10, an adjusted working day (调休上班日).
    result = run(site, "calendar", "add", "2026-09-30T17:00", "3d")
    assert result.stdout.strip().splitlines()[-1] == "2026-10-10T17:00:00+08:00"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(site: dict[str, str]) -> Iterator[int]:
    """``flowbridge serve`` on a free port, stopped after the test."""
    port = free_port()
    process = subprocess.Popen(
        [str(FLOWBRIDGE), "serve", "--port", str(port)],
        env=site,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_port(process, port)
        yield port
    finally:
        process.terminate()
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def wait_for_port(process: subprocess.Popen[str], port: int) -> None:
    """Wait for the server process to listen: bounded short connects, no sleeping."""
    for _attempt in range(600):
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"flowbridge serve exited with {process.returncode}:\n{output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return
        except OSError:
            # Waiting for a process to start listening, not timing a test.
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.1)
    pytest.fail(f"flowbridge serve did not listen on port {port}")


def get(port: int, path: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def test_serve_answers_pages_static_files_and_api_docs(server: int) -> None:
    status, _, _ = get(server, "/")
    assert status in {200, 302}
    status, content_type, body = get(server, "/static/flowbridge/app.css")
    assert status == 200 and content_type.startswith("text/css") and len(body) > 100
    status, content_type, body = get(server, "/api/docs")
    assert status == 200 and content_type.startswith("text/html")
    assert b"Flowbridge API" in body or b"openapi" in body.lower()
