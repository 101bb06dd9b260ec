"""Running `flowbridge mine` in a child process, as a user does, for the CLI tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FLOWBRIDGE = Path(sys.executable).parent / "flowbridge"


def environment(language: str | None = None) -> dict[str, str]:
    """This environment without Django's settings (the command must not need them)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "LANGUAGE")}
    if language:
        env["LANG"] = language
    return env


def mine(*args: str, language: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(FLOWBRIDGE), "mine", *args],
        env=environment(language),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def modules_of_django_after(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `mine args` in a fresh interpreter; it prints 'no django' when none was imported."""
    code = (
        "import sys\n"
        "from flowbridge.cli import main\n"
        "try:\n"
        f"    main(['mine', *{args!r}])\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not loaded, loaded\n"
        "print('no django')\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
