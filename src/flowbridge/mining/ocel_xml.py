"""OCEL 2.0 XML, parsed element by element (lxml's iterparse), each element cleared once read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from flowbridge.mining.errors import LogError
from flowbridge.mining.i18n import _
from flowbridge.mining.ocel import BROKEN_GZIP, Progress, RawOcel, compressed_error, opened
from flowbridge.mining.ocel_columns import Collector

TAGS = ("{*}object-type", "{*}event-type", "{*}object", "{*}event", "{*}events")


def read_xml(path: Path, *, events: bool = True, progress: Progress | None = None) -> RawOcel:
    """The tables of an OCEL 2.0 XML file."""
    where = str(path)
    collector = Collector(where, events=events)
    with opened(path, progress) as binary:
        context = etree.iterparse(
            binary,
            events=("end",),
            tag=TAGS,
            resolve_entities=False,
            no_network=True,
            huge_tree=True,
            remove_comments=True,
        )
        try:
            seen_events = _parse(collector, context)
        except etree.XMLSyntaxError as error:
            raise LogError(
                _("not well-formed XML: %(error)s") % {"error": error.msg},
                where=f"{where}, line {error.lineno}",
            ) from None
        except BROKEN_GZIP as error:
            raise compressed_error(error, where) from None
    root = _local(context.root.tag) if context.root is not None else ""
    if root != "log" or not seen_events:
        raise LogError(
            _("not an OCEL file: XML without <log> and <events> (the root is <%(tag)s>)")
            % {"tag": root},
            where=where,
        )
    return collector.result()


def _parse(collector: Collector, context: Any) -> bool:
    """Feed the collector; whether the log had events."""
    seen_events = False
    for _action, elem in context:
        kind = _local(elem.tag)
        at = f"{collector.where}, line {elem.sourceline}"
        parent = _local(elem.getparent().tag) if elem.getparent() is not None else ""
        if kind == "events" and parent == "log":
            seen_events = True
            continue
        if kind == "event" and parent == "events":
            _event(collector, elem, at)
        elif kind == "object" and parent == "objects":
            _object(collector, elem, at)
        elif kind in ("object-type", "event-type"):
            _declaration(collector, elem, kind)
        else:
            continue
        # Done with it: free the element and the siblings before it.
        elem.clear()
        while elem.getprevious() is not None:
            del elem.getparent()[0]
    return seen_events


def _event(collector: Collector, elem: Any, where: str) -> None:
    if elem.get("id") is None and any(child.get("key") is not None for child in elem):
        # OCEL 1.0 XML keeps everything in <string key=...> children.
        raise LogError(
            _("OCEL 1.0 XML is not read; export the log as OCEL 2.0 (XML, JSON or SQLite)"),
            where=where,
        )
    eid, activity, time = _required(elem, ("id", "type", "time"), _("event"), where)
    attributes: list[tuple[str, Any]] = []
    objects: list[str] = []
    for child in elem:
        kind = _local(child.tag)
        if kind == "attributes":
            attributes += [(a.get("name"), a.text) for a in child if a.get("name") is not None]
        elif kind == "objects":
            objects += [r.get("object-id") for r in child if r.get("object-id") is not None]
    collector.event(eid, activity, time, attributes, objects)


def _object(collector: Collector, elem: Any, where: str) -> None:
    oid, otype = _required(elem, ("id", "type"), _("object"), where)
    attributes: list[tuple[str, Any]] = []
    for child in elem:
        if _local(child.tag) == "attributes":
            attributes += [(a.get("name"), a.text) for a in child if a.get("name") is not None]
    collector.object(oid, otype, attributes)


def _declaration(collector: Collector, elem: Any, kind: str) -> None:
    name = elem.get("name")
    if kind == "object-type" and name is not None:
        collector.declared.append(name)
    kinds = collector.object_kinds if kind == "object-type" else collector.event_kinds
    for child in elem:
        if _local(child.tag) == "attributes":
            for attribute in child:
                if attribute.get("name") is not None:
                    collector.declare(kinds, attribute.get("name"), attribute.get("type") or "")


def _required(elem: Any, keys: tuple[str, ...], what: str, where: str) -> list[str]:
    missing = [k for k in keys if elem.get(k) is None]
    if missing:
        raise LogError(
            _("%(what)s without %(keys)s") % {"what": what, "keys": ", ".join(missing)},
            where=where,
        )
    return [str(elem.get(k)) for k in keys]


def _local(tag: Any) -> str:
    text = str(tag)
    return text.rpartition("}")[2] if text[:1] == "{" else text
