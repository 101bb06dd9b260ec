"""The library's messages in the user's language, through the standard library's gettext.

Domain ``mining``, catalogues beside this module (``locale/zh/LC_MESSAGES``);
the language follows the environment (``LANGUAGE``, ``LANG``) as for any
command-line tool. Not Django's translation: the library runs without it.
"""

from __future__ import annotations

import gettext
from pathlib import Path

_ = gettext.translation(
    "mining", localedir=Path(__file__).with_name("locale"), fallback=True
).gettext
