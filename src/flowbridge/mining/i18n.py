"""The library's messages in the user's language, through the standard library's gettext.

Domain ``mining``, catalogues beside this module (``locale/zh/LC_MESSAGES``).
A command-line tool follows the environment (``LANGUAGE``, ``LANG``); a
server that answers people in different languages sets the language per
request with :func:`language` — a context variable, so concurrent requests
in threads don't see each other's choice. Not Django's translation: the
library runs without it. Messages are translated when they are produced,
never at import, so the choice applies to every one.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

_LOCALES = Path(__file__).with_name("locale")
_chosen: ContextVar[str | None] = ContextVar("mining_language", default=None)


@cache
def _catalogue(code: str | None) -> gettext.NullTranslations:
    languages = None if code is None else [code]
    return gettext.translation("mining", localedir=_LOCALES, languages=languages, fallback=True)


def _(message: str) -> str:
    return _catalogue(_chosen.get()).gettext(message)


def catalogue_code(language_code: str) -> str:
    """Our catalogue's name for a language code: ``zh-hans``, ``zh_CN``, ``zh`` → ``zh``."""
    base = language_code.replace("_", "-").split("-")[0].lower()
    return base or "en"


@contextmanager
def language(language_code: str) -> Iterator[None]:
    """Produce the library's messages in ``language_code`` (e.g. ``zh-hans``, ``en``) inside."""
    token = _chosen.set(catalogue_code(language_code))
    try:
        yield
    finally:
        _chosen.reset(token)
