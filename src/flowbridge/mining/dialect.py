"""How a table file is written: its encoding, separator and which column plays which role.

Encodings: UTF-8 (with or without byte-order mark) and GB18030 (which
includes GBK and GB2312), told apart from the first bytes. Separators: comma,
semicolon, tab or bar, the one that splits the first lines into the same
number of fields. Columns: XES names first (what PM4Py writes), then common
English and Chinese headers; names the caller gives win.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from flowbridge.mining.errors import LogError
from flowbridge.mining.i18n import _
from flowbridge.mining.log import ACTIVITY, CASE, DEPARTMENT, LIFECYCLE, RESOURCE, START, TIMESTAMP

SAMPLE_BYTES = 64 * 1024
SEPARATORS = (",", ";", "\t", "|")
UTF8, UTF8_BOM, GB18030 = "utf-8", "utf-8-sig", "gb18030"
_ENCODING_NAMES = {
    "utf8": UTF8,
    "utf-8": UTF8,
    "utf-8-sig": UTF8_BOM,
    "utf8-sig": UTF8_BOM,
    "gb18030": GB18030,
    "gbk": GB18030,
    "gb2312": GB18030,
}

# Role → canonical column and the source names tried in order. The first
# name of each is the XES key PM4Py uses; the rest are compared ignoring case.
ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "case": (
        CASE,
        (
            "case:concept:name",
            "case",
            "case id",
            "case_id",
            "caseid",
            "案例",
            "案例号",
            "工单号",
            "工单",
            "单号",
        ),
    ),
    "activity": (
        ACTIVITY,
        ("concept:name", "activity", "activity name", "活动", "环节", "活动名称", "步骤"),
    ),
    "timestamp": (
        TIMESTAMP,
        (
            "time:timestamp",
            "timestamp",
            "complete timestamp",
            "end time",
            "time",
            "时间",
            "完成时间",
            "结束时间",
        ),
    ),
    "start_timestamp": (START, ("start_timestamp", "start timestamp", "start time", "开始时间")),
    "resource": (RESOURCE, ("org:resource", "resource", "user", "处理人", "执行人")),
    "department": (DEPARTMENT, ("org:group", "department", "group", "部门")),
    "lifecycle": (LIFECYCLE, ("lifecycle:transition", "lifecycle", "生命周期")),
}
REQUIRED_ROLES = ("case", "activity", "timestamp")


@dataclass(frozen=True)
class Dialect:
    """A text table's encoding, separator and header."""

    encoding: str
    separator: str
    header: list[str]


def normalize_encoding(encoding: str) -> str:
    name = _ENCODING_NAMES.get(encoding.strip().lower().replace("_", "-"))
    if name is None:
        raise LogError(
            _("unsupported encoding %(encoding)s; use UTF-8 or GB18030") % {"encoding": encoding},
            where="encoding",
        )
    return name


def sniff(path: Path, *, separator: str | None = None, encoding: str | None = None) -> Dialect:
    """The dialect of the table at ``path``; :class:`LogError` if it is empty or unreadable."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES)
            truncated = bool(handle.read(1))
    except OSError as error:
        raise LogError(
            _("cannot open the file: %(error)s") % {"error": error.strerror}, where=str(path)
        ) from error
    if not head.strip():
        raise LogError(_("the file is empty"), where=str(path))
    chosen = normalize_encoding(encoding) if encoding else detect_encoding(head, where=str(path))
    text = codecs.getincrementaldecoder(chosen)(errors="replace").decode(head, final=not truncated)
    lines = text.splitlines()
    if truncated and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut in the middle
    sep = separator if separator else detect_separator(lines)
    if len(sep) != 1:
        raise LogError(
            _("the separator must be one character, not %(sep)r") % {"sep": sep}, where="separator"
        )
    rows = [row for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=sep) if row]
    if not rows:
        raise LogError(_("the file is empty"), where=str(path))
    return Dialect(chosen, sep, [name.strip() for name in rows[0]])


def detect_encoding(head: bytes, *, where: str = "") -> str:
    if head.startswith(codecs.BOM_UTF8):
        return UTF8_BOM
    for candidate in (UTF8, GB18030):
        try:
            codecs.getincrementaldecoder(candidate)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return candidate
    raise LogError(_("the file is neither UTF-8 nor GB18030 text"), where=where)


def detect_separator(lines: list[str]) -> str:
    """The separator giving every sampled line the header's number of fields (most fields wins)."""
    sample = "\n".join(lines[:50])
    best, best_fields = ",", 1
    for candidate in SEPARATORS:
        counts = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=candidate) if row]
        if counts and counts[0] > best_fields and all(count == counts[0] for count in counts):
            best, best_fields = candidate, counts[0]
    if best_fields > 1:
        return best
    # No separator is consistent (ragged rows): take the one the header uses most.
    header = lines[0] if lines else ""
    return max(SEPARATORS, key=header.count) if any(c in header for c in SEPARATORS) else ","


def resolve_columns(
    columns: list[str], explicit: dict[str, str | None], *, where: str = ""
) -> dict[str, str]:
    """Role → source column: the caller's names, else the first default that exists.

    A named column that does not exist is a :class:`LogError` listing the
    columns that do. Roles without a column are left out; the caller checks
    the required ones with :func:`require_roles`.
    """
    existing = set(columns)
    folded: dict[str, str] = {}
    for name in columns:
        folded.setdefault(name.strip().casefold(), name)
    mapping: dict[str, str] = {}
    for role in ROLES:
        named = explicit.get(role)
        if named:
            if named not in existing:
                raise LogError(
                    _("no column %(column)s (given for %(role)s); the file has: %(columns)s")
                    % {"column": named, "role": role, "columns": ", ".join(columns)},
                    where=where or "columns",
                )
            mapping[role] = named
    # A column the caller gave one role is not taken by default for another.
    for role, (_canonical, defaults) in ROLES.items():
        if role in mapping:
            continue
        for default in defaults:
            found = default if default in existing else folded.get(default.casefold())
            if found is not None and found not in mapping.values():
                mapping[role] = found
                break
    return mapping


def require_roles(mapping: dict[str, str], columns: list[str], *, where: str = "") -> None:
    missing = [role for role in REQUIRED_ROLES if role not in mapping]
    if missing:
        raise LogError(
            _("no column for %(roles)s; name it (e.g. %(example)s=...); the file has: %(columns)s")
            % {"roles": ", ".join(missing), "example": missing[0], "columns": ", ".join(columns)},
            where=where or "columns",
        )
