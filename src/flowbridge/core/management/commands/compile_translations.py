"""Compile every ``locale/*/LC_MESSAGES/*.po`` under the package to ``.mo``.

Pure Python (polib), so set-up needs no GNU gettext on the machine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.core.management.base import BaseCommand

import flowbridge

# Registered via AppConfig for all apps; this command has no database needs.
PACKAGE_DIR = Path(flowbridge.__file__).resolve().parent


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po → .mo)."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for po_path in sorted(PACKAGE_DIR.glob("**/locale/*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            catalogue = polib.pofile(str(po_path))
            catalogue.save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
