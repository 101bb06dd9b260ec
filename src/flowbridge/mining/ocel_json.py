"""OCEL JSON (2.0, and 1.0's ``ocel:events`` form), decoded one event or object at a time.

The standard library's decoder reads one value at a time from a sliding
window of the file (:class:`JsonStream`), so a large log never sits in
memory as a Python document: only the columns of what is kept do. The
one limit is the size of a single value (an event, an object, a list of
types), :data:`MAX_VALUE` characters.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from flowbridge.mining.errors import LogError
from flowbridge.mining.i18n import _
from flowbridge.mining.ocel import BROKEN_GZIP, Progress, RawOcel, compressed_error, opened
from flowbridge.mining.ocel_columns import Collector

CHUNK = 1 << 20
MAX_VALUE = 64 << 20
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class JsonStream:
    """JSON text read value by value through a window that slides over the file."""

    def __init__(self, handle: TextIO, where: str) -> None:
        self.handle = handle
        self.where = where
        self.buffer = ""
        self.pos = 0
        self.eof = False
        # The line at buffer[mark], moved forward as reading goes (counting from the start of
        # the window each time would make reading quadratic).
        self.mark = 0
        self.mark_line = 1

    def line(self, pos: int | None = None) -> int:
        pos = self.pos if pos is None else pos
        if pos >= self.mark:
            self.mark_line += self.buffer.count("\n", self.mark, pos)
            self.mark = pos
            return self.mark_line
        return self.mark_line - self.buffer.count("\n", pos, self.mark)

    def at(self, pos: int | None = None) -> str:
        return f"{self.where}, line {self.line(pos)}"

    def _more(self, at_least: int = 0) -> bool:
        if self.eof:
            return False
        try:
            chunk = self.handle.read(max(CHUNK, at_least))
        except UnicodeDecodeError:
            # JSON is UTF-8 (RFC 8259); say so near where the text stopped being it.
            raise LogError(
                _("not UTF-8 text: JSON files must be UTF-8"), where=self.at(len(self.buffer))
            ) from None
        except BROKEN_GZIP as error:
            raise compressed_error(error, self.at(len(self.buffer))) from None
        if not chunk:
            self.eof = True
            return False
        if self.pos:
            self.line(self.pos)  # the mark moves to pos, the new start of the window
            self.buffer = self.buffer[self.pos :]
            self.mark -= self.pos
            self.pos = 0
        self.buffer += chunk
        return True

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            match = _WHITESPACE.match(self.buffer, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._more():
                return ""

    def expect(self, chars: str) -> str:
        found = self.peek()
        if not found or found not in chars:
            raise LogError(
                _("not well-formed JSON: expected %(expected)s, found %(found)s")
                % {
                    "expected": " or ".join(repr(c) for c in chars),
                    "found": repr(found) if found else _("the end of the file"),
                },
                where=self.at(),
            )
        self.pos += 1
        return found

    def value(self) -> Any:
        """The next whole value; the window grows until it holds it."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.pos < MAX_VALUE and self._more(len(self.buffer)):
                    continue
                raise LogError(
                    _("not well-formed JSON: %(error)s") % {"error": error.msg},
                    where=self.at(error.pos),
                ) from None
            # A number that ends with the window may go on in the next chunk.
            if end == len(self.buffer) and self._more(len(self.buffer)):
                continue
            self.pos = end
            return value

    def members(self) -> Iterator[str]:
        """Keys of the object that starts here; the caller reads each value."""
        self.expect("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            if self.peek() != '"':
                self.expect('"')
            key = self.value()
            self.expect(":")
            yield key
            if self.expect(",}") == "}":
                return

    def elements(self) -> Iterator[tuple[int, Any]]:
        """(line, value) of each element of the array that starts here."""
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            self.peek()
            line = self.line()
            yield line, self.value()
            if self.expect(",]") == "]":
                return

    def pairs(self) -> Iterator[tuple[int, str, Any]]:
        """(line, key, value) of each member of the object that starts here."""
        for key in self.members():
            self.peek()
            line = self.line()
            yield line, key, self.value()


def read_json(path: Path, *, events: bool = True, progress: Progress | None = None) -> RawOcel:
    """The tables of an OCEL 2.0 or 1.0 JSON file."""
    where = str(path)
    collector = Collector(where, events=events)
    reader = _Reader(collector)
    with opened(path, progress) as binary, io.TextIOWrapper(binary, encoding="utf-8-sig") as handle:
        stream = JsonStream(handle, where)
        if stream.peek() != "{":
            raise LogError(_("not an OCEL file: the JSON is not an object"), where=stream.at())
        for key in stream.members():
            reader.member(stream, key)
        if stream.peek():
            raise LogError(_("not well-formed JSON: text after the end"), where=stream.at())
    if not reader.seen & {"events", "ocel:events"}:
        found = ", ".join(sorted(reader.seen)) or _("none")
        raise LogError(
            _('not an OCEL file: no "events" (OCEL 2.0) or "ocel:events" (1.0); keys: %(keys)s')
            % {"keys": found},
            where=where,
        )
    return collector.result()


class _Reader:
    """Feeds the collector from the top-level members, in whatever order they come."""

    def __init__(self, collector: Collector) -> None:
        self.c = collector
        self.seen: set[str] = set()
        self.where = collector.where

    def member(self, stream: JsonStream, key: str) -> None:
        self.seen.add(key)
        if key == "events":
            for line, item in stream.elements():
                self._event(item, f"{self.where}, line {line}")
        elif key == "objects":
            for line, item in stream.elements():
                self._object(item, f"{self.where}, line {line}")
        elif key == "ocel:events":
            for line, eid, item in stream.pairs():
                self._legacy_event(eid, item, f"{self.where}, line {line}")
        elif key == "ocel:objects":
            for line, oid, item in stream.pairs():
                self._legacy_object(oid, item, f"{self.where}, line {line}")
        elif key in ("eventTypes", "objectTypes"):
            self._types(key, stream.value(), stream.at())
        elif key == "ocel:global-log":
            declared = _dict(stream.value(), key, stream.at()).get("ocel:object-types") or []
            self.c.declared.extend(str(name) for name in declared)
        else:
            stream.value()

    def _types(self, key: str, value: Any, where: str) -> None:
        kinds = self.c.event_kinds if key == "eventTypes" else self.c.object_kinds
        for entry in _list(value, key, where):
            entry = _dict(entry, key, where)
            if key == "objectTypes" and "name" in entry:
                self.c.declared.append(str(entry["name"]))
            for attribute in entry.get("attributes") or []:
                attribute = _dict(attribute, key, where)
                if "name" in attribute:
                    self.c.declare(kinds, str(attribute["name"]), str(attribute.get("type", "")))

    def _event(self, item: Any, where: str) -> None:
        item = _dict(item, "events", where)
        eid, activity, time = _required(item, ("id", "type", "time"), _("event"), where)
        attributes = [
            (str(a["name"]), a.get("value"))
            for a in (_dict(a, "attributes", where) for a in item.get("attributes") or [])
            if "name" in a
        ]
        objects = [
            str(r["objectId"])
            for r in (_dict(r, "relationships", where) for r in item.get("relationships") or [])
            if "objectId" in r
        ]
        self.c.event(eid, activity, time, attributes, objects)

    def _object(self, item: Any, where: str) -> None:
        item = _dict(item, "objects", where)
        oid, otype = _required(item, ("id", "type"), _("object"), where)
        attributes = [
            (str(a["name"]), a.get("value"))
            for a in (_dict(a, "attributes", where) for a in item.get("attributes") or [])
            if "name" in a
        ]
        self.c.object(oid, otype, attributes)

    def _legacy_event(self, eid: str, item: Any, where: str) -> None:
        item = _dict(item, "ocel:events", where)
        activity, time = _required(item, ("ocel:activity", "ocel:timestamp"), _("event"), where)
        values = _dict(item.get("ocel:vmap") or {}, "ocel:vmap", where)
        objects = [str(o) for o in _list(item.get("ocel:omap") or [], "ocel:omap", where)]
        self.c.event(eid, activity, time, [(str(k), v) for k, v in values.items()], objects)

    def _legacy_object(self, oid: str, item: Any, where: str) -> None:
        item = _dict(item, "ocel:objects", where)
        (otype,) = _required(item, ("ocel:type",), _("object"), where)
        values = _dict(item.get("ocel:ovmap") or {}, "ocel:ovmap", where)
        self.c.object(oid, otype, [(str(k), v) for k, v in values.items()])


def _required(item: dict[str, Any], keys: tuple[str, ...], what: str, where: str) -> list[str]:
    missing = [k for k in keys if item.get(k) is None]
    if missing:
        raise LogError(
            _("%(what)s without %(keys)s") % {"what": what, "keys": ", ".join(missing)},
            where=where,
        )
    return [str(item[k]) for k in keys]


def _dict(value: Any, key: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise LogError(
            _("%(key)s: expected a JSON object, found %(found)s")
            % {"key": key, "found": type(value).__name__},
            where=where,
        )
    return value


def _list(value: Any, key: str, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise LogError(
            _("%(key)s: expected a JSON array, found %(found)s")
            % {"key": key, "found": type(value).__name__},
            where=where,
        )
    return value
