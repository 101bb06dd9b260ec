"""Logging filter that keeps secrets out of logs."""

from __future__ import annotations

import logging
import re

_SECRET = re.compile(
    r"(?i)(password|passwd|secret|token|api[_-]?key|authorization|cookie|sessionid)"
    r"(['\"]?\s*[:=]\s*['\"]?|\s+)(Bearer\s+)?([^\s'\",;&]+)"
)


def redact(text: str) -> str:
    """Replace the value that follows a secret-looking key with ``***``."""
    return _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3) or ''}***", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
