"""Every change to process definitions goes through here: deploy a BPMN file as a version.

Reads (``get_definition``, ``get_version``, ``export_bpmn``) are here too so
pages, API and CLI share one vocabulary and one set of errors.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from flowbridge.core import audit, clock
from flowbridge.core.errors import Conflict, InvalidInput, NotFound, Problem
from flowbridge.core.permissions import Action, require, visible
from flowbridge.org.models import Department
from flowbridge.processes.bpmn import Judgement, judge
from flowbridge.processes.models import ProcessDefinition, ProcessVersion


def refusal(judgement: Judgement, filename: str) -> InvalidInput:
    """The error a refused file raises: the reason first, then every problem found."""
    message = _("%(file)s was refused: %(reason)s") % {"file": filename, "reason": judgement.reason}
    problems = [
        Problem(p.message, where=f'{p.element_type or ""} "{p.element_id}"' if p.element_id else "")
        for p in judgement.problems
    ]
    return InvalidInput(message, problems=problems)


def default_key(process_id: str) -> str:
    """A definition key from a BPMN process id: ``Purchase_Approval`` → ``purchase-approval``."""
    key = slugify(process_id.replace("_", "-")).strip("-")[:64]
    return key or "process"


_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _declared_encoding(head: bytes) -> str:
    match = _DECLARED.match(head)
    return match.group(1).decode("ascii").lower() if match else "utf-8"


def _decode(data: bytes) -> str:
    """The file as text, read in the encoding its XML declaration names (lxml accepted it)."""
    encoding = _declared_encoding(data[:200])
    if encoding.startswith("utf-16") or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except (UnicodeDecodeError, LookupError):
        return data.decode("utf-8", errors="replace")


def deploy(
    actor: Any,
    data: bytes,
    filename: str,
    *,
    key: str | None = None,
    name: str | None = None,
    name_en: str | None = None,
    note: str = "",
    owner: Department | None = None,
) -> ProcessVersion:
    """Judge ``data`` and store it as the next version of its definition.

    A refused file raises :class:`InvalidInput` with the reason and element id
    and stores nothing. The same content as the current version returns that
    version unchanged. ``key`` defaults to the slug of the executable process id.
    """
    version, _created = deploy_file(
        actor, data, filename, key=key, name=name, name_en=name_en, note=note, owner=owner
    )
    return version


def deploy_file(
    actor: Any,
    data: bytes,
    filename: str,
    *,
    key: str | None = None,
    name: str | None = None,
    name_en: str | None = None,
    note: str = "",
    owner: Department | None = None,
) -> tuple[ProcessVersion, bool]:
    """:func:`deploy`, also saying whether a new version was stored."""
    if actor is not None:
        require(actor, Action.CHANGE, ProcessDefinition)
    judgement = judge(data, filename)
    if not judgement.ok:
        raise refusal(judgement, filename)
    process_id = judgement.main_process_id or ""
    key = (key or "").strip() or default_key(process_id)
    if slugify(key) != key:
        message = _('"%(key)s" is not a valid key (letters, digits, - and _ only)') % {"key": key}
        raise InvalidInput(message, problems=[Problem(message, where="key")])
    text = _decode(data)
    digest = hashlib.sha256(data).hexdigest()
    bpmn_name = judgement.process_names.get(process_id, "")
    try:
        with transaction.atomic():
            definition, created = ProcessDefinition.objects.select_for_update().get_or_create(
                key=key,
                defaults={
                    "name": name or bpmn_name or key,
                    "name_en": name_en or "",
                    "owner": owner,
                    "created_at": clock.now(),
                },
            )
            current = definition.versions.order_by("-number").first()
            if current is not None and current.sha256 == digest:
                return current, False
            version = ProcessVersion.objects.create(
                definition=definition,
                number=(current.number + 1) if current else 1,
                bpmn_xml=text,
                sha256=digest,
                bpmn_process_id=process_id,
                filename=filename[:255],
                deployed_by=actor,
                deployed_at=clock.now(),
                note=note[:300],
            )
            if created:
                audit.record(
                    actor,
                    "processes.definition.create",
                    definition,
                    changes={"key": [None, key], "name": [None, definition.name]},
                )
            audit.record(
                actor,
                "processes.version.deploy",
                version,
                changes={
                    "number": [current.number if current else None, version.number],
                    "sha256": [current.sha256 if current else None, digest],
                    "bpmn_process_id": process_id,
                    "filename": filename,
                    "note": note,
                },
            )
            return version, True
    except IntegrityError as error:
        raise Conflict(
            _("Someone deployed %(key)s at the same moment; try again.") % {"key": key}
        ) from error


def definitions_with_current(actor: Any) -> list[tuple[ProcessDefinition, int | None]]:
    """The definitions ``actor`` may see, each with its current version number."""
    rows = visible(actor, ProcessDefinition.objects.select_related("owner")).annotate(
        current=Max("versions__number")
    )
    return [(d, d.current) for d in rows.order_by("key")]


def get_definition(key: str) -> ProcessDefinition:
    definition = ProcessDefinition.objects.filter(key=key).first()
    if definition is None:
        raise NotFound(_('No process "%(key)s".') % {"key": key})
    return definition


def get_version(definition: ProcessDefinition, number: int | None = None) -> ProcessVersion:
    """Version ``number`` of ``definition``, or its current (newest) one."""
    versions = definition.versions.order_by("-number")
    version = versions.first() if number is None else versions.filter(number=number).first()
    if version is None:
        raise NotFound(
            _("%(key)s has no version %(number)s.")
            % {"key": definition.key, "number": number if number is not None else ""}
        )
    return version


def export_bpmn(version: ProcessVersion) -> bytes:
    """The BPMN exactly as deployed, diagram included, so modelers open it again.

    The text is encoded back in the encoding its XML declaration names, so an
    uploaded file comes back byte for byte (a UTF-8 byte-order mark is not kept).
    """
    encoding = _declared_encoding(version.bpmn_xml[:200].encode("utf-8", errors="replace"))
    try:
        return version.bpmn_xml.encode("utf-8" if encoding == "utf-8" else encoding)
    except (UnicodeEncodeError, LookupError):
        return version.bpmn_xml.encode("utf-8")
