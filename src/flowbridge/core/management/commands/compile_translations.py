"""Compile the translation catalogues under the package to ``django.mo``.

An app may split its catalogue into several ``.po`` files in one
``LC_MESSAGES`` folder (``django.po``, ``services.po``, …) so that areas of
an app keep their own file; they are merged into the one ``django.mo`` that
Django reads. Pure Python (polib): set-up needs no GNU gettext.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.core.management.base import BaseCommand

import flowbridge

PACKAGE_DIR = Path(flowbridge.__file__).resolve().parent


def _merged(sources: list[Path]) -> polib.POFile:
    merged = polib.pofile(str(sources[0]))
    seen = {(e.msgctxt, e.msgid) for e in merged}
    for extra in sources[1:]:
        for entry in polib.pofile(str(extra)):
            if (entry.msgctxt, entry.msgid) not in seen:
                merged.append(entry)
                seen.add((entry.msgctxt, entry.msgid))
    return merged


def compile_folder(folder: Path) -> Path:
    """Merge every ``*.po`` in ``folder`` into ``folder/django.mo``; the first msgid wins."""
    sources = sorted(folder.glob("*.po"), key=lambda p: (p.name != "django.po", p.name))
    target = folder / "django.mo"
    _merged(sources).save_as_mofile(str(target))
    return target


def compile_library_folder(folder: Path) -> list[Path]:
    """A library's catalogues (standard gettext, not Django) into ``<domain>.mo``.

    The domain is the package's name; ``<domain>.po`` and any
    ``<domain>_<area>.po`` beside it are merged, as for an app.
    """
    domain = folder.parents[2].name
    sources = sorted(folder.glob(f"{domain}*.po"), key=lambda p: (p.stem != domain, p.name))
    if not sources:
        return []
    target = folder / f"{domain}.mo"
    _merged(sources).save_as_mofile(str(target))
    return [target]


def is_library(folder: Path) -> bool:
    """Whether ``folder`` (``<package>/locale/<lang>/LC_MESSAGES``) belongs to a non-Django package.

    The mining library translates through the standard library's gettext
    under its own domain, so that ``flowbridge mine`` runs without Django.
    """
    package = folder.parents[2]
    return not (package / "apps.py").exists() and package != PACKAGE_DIR


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po → django.mo)."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        folders = sorted({p.parent for p in PACKAGE_DIR.glob("**/locale/*/LC_MESSAGES/*.po")})
        for folder in folders:
            if is_library(folder):
                compile_library_folder(folder)
            else:
                compile_folder(folder)
        self.stdout.write(f"compiled {len(folders)} catalogue(s)")
