"""The event log as files for process mining: XES (IEEE 1849-2016) and CSV (M11).

Both writers stream: rows come from the database in chunks
(``.iterator(chunk_size=...)``) and leave as lines or byte blocks, so a log
of any size never sits in memory. Rows are ordered by case, then time, then
id, so each case's events are contiguous (one XES trace per case) and in the
order they happened.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from flowbridge.cases.eventlog import LIFECYCLES
from flowbridge.cases.models import CaseEvent
from flowbridge.core.errors import InvalidInput, NotAllowed, Problem
from flowbridge.core.permissions import Role, principal_for
from flowbridge.processes.services import get_definition

CHUNK = 2000
CSV_COLUMNS = (
    "case_id",
    "activity",
    "activity_id",
    "lifecycle",
    "timestamp",
    "resource",
    "resource_name",
    "department",
    "process",
    "version",
    "operation",
    "attributes",
)
EXPORTERS = (Role.PROCESS_OFFICE, Role.MANAGEMENT, Role.AUDITOR)


@dataclass(frozen=True)
class Selection:
    """Which events to export; empty fields select everything."""

    process: str = ""
    version: int | None = None
    since: date | None = None
    until: date | None = None
    lifecycles: tuple[str, ...] = ()


def require_exporter(actor: Any) -> None:
    """Only the process office, management and auditors export the whole log."""
    if not principal_for(actor).has(*EXPORTERS):
        raise NotAllowed(
            _("Only the process office, management and auditors may export the event log.")
        )


def lifecycles_from(text: str) -> tuple[str, ...]:
    """``"assign,complete"`` → a checked tuple; unknown names are refused."""
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [name for name in names if name not in LIFECYCLES]
    if unknown:
        message = _("Unknown lifecycle %(names)s; known: %(known)s.") % {
            "names": ", ".join(unknown)[:100],
            "known": ", ".join(LIFECYCLES),
        }
        raise InvalidInput(message, problems=[Problem(message, where="lifecycle")])
    return names


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def events(selection: Selection) -> QuerySet[CaseEvent]:
    """The selected events, case by case, each case in time order."""
    if selection.since and selection.until and selection.since > selection.until:
        message = _("The start date is after the end date.")
        raise InvalidInput(message, problems=[Problem(message, where="from")])
    rows = CaseEvent.objects.select_related(
        "person",
        "department",
        "case__definition",
        "case__version",
        "case__requester_department",
    )
    if selection.process:
        rows = rows.filter(case__definition=get_definition(selection.process))
    if selection.version is not None:
        rows = rows.filter(case__version__number=selection.version)
    if selection.since is not None:
        rows = rows.filter(timestamp__gte=_day_start(selection.since))
    if selection.until is not None:
        rows = rows.filter(timestamp__lt=_day_start(selection.until + timedelta(days=1)))
    if selection.lifecycles:
        rows = rows.filter(lifecycle__in=selection.lifecycles)
    return rows.order_by("case_id", "timestamp", "id")


def _stream(rows: Iterable[CaseEvent]) -> Iterator[CaseEvent]:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK)
    return iter(rows)


def _moment(value: datetime) -> str:
    """ISO 8601 with the offset of the site's time zone, to the millisecond."""
    return timezone.localtime(value).isoformat(timespec="milliseconds")


def _attributes(event: CaseEvent) -> str:
    return json.dumps(event.attributes or {}, ensure_ascii=False, sort_keys=True)


# CSV --------------------------------------------------------------------------


def csv_row(event: CaseEvent) -> list[str]:
    case = event.case
    return [
        case.reference,
        event.activity,
        event.activity_id,
        event.lifecycle,
        _moment(event.timestamp),
        event.person.employee_no if event.person else "",
        event.person.display_name if event.person else "",
        event.department.code if event.department else "",
        event.process_key,
        str(event.version_number),
        event.operation,
        _attributes(event),
    ]


def events_csv(rows: Iterable[CaseEvent]) -> Iterator[str]:
    """The header, then one CSV line (with its line end) per event."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: Sequence[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(CSV_COLUMNS)
    for event in _stream(rows):
        yield line(csv_row(event))


# XES --------------------------------------------------------------------------

XES_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
<global scope="trace">
<string key="concept:name" value="UNKNOWN"/>
</global>
<global scope="event">
<string key="concept:name" value="UNKNOWN"/>
<date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
<string key="lifecycle:transition" value="complete"/>
</global>
<classifier name="Activity" keys="concept:name"/>
<classifier name="Activity and lifecycle" keys="concept:name lifecycle:transition"/>
<string key="concept:name" value="Flowbridge event log"/>
<string key="lifecycle:model" value="standard"/>
"""


def _string(key: str, value: str) -> str:
    return f"<string key={quoteattr(key)} value={quoteattr(value)}/>"


def _trace_head(event: CaseEvent) -> str:
    case = event.case
    department = case.requester_department
    parts = [
        _string("concept:name", case.reference),
        _string("process", case.definition.key),
        f'<int key="version" value="{case.version.number}"/>',
        _string("requester_department", department.code if department else ""),
        _string("status", case.status),
        _string("title", case.title),
    ]
    return "<trace>\n" + "\n".join(parts) + "\n"


def _event(event: CaseEvent) -> str:
    parts = [
        _string("concept:name", event.activity),
        _string("lifecycle:transition", event.lifecycle),
        f'<date key="time:timestamp" value="{escape(_moment(event.timestamp))}"/>',
        _string("activity_id", event.activity_id),
        _string("operation", event.operation),
    ]
    if event.person is not None:
        parts.append(_string("org:resource", event.person.employee_no))
        parts.append(_string("resource_name", event.person.display_name))
    if event.department is not None:
        parts.append(_string("org:group", event.department.code))
    if event.attributes:
        parts.append(_string("attributes", _attributes(event)))
    return "<event>\n" + "\n".join(parts) + "\n</event>\n"


def events_xes(rows: Iterable[CaseEvent]) -> Iterator[bytes]:
    """The log as XES, one trace per case, in blocks of UTF-8 bytes.

    ``rows`` must come grouped by case (as :func:`events` orders them).
    """
    yield XES_HEAD.encode()
    current: int | None = None
    block: list[str] = []
    for event in _stream(rows):
        if event.case_id != current:
            if current is not None:
                block.append("</trace>\n")
            block.append(_trace_head(event))
            current = event.case_id
        block.append(_event(event))
        if len(block) >= 200:
            yield "".join(block).encode()
            block = []
    if current is not None:
        block.append("</trace>\n")
    block.append("</log>\n")
    yield "".join(block).encode()
