"""Judging an uploaded BPMN file: may it be deployed, and if not, why not.

:func:`judge` never raises. It reads the bytes with a locked-down lxml parser
(no DTD, no entities, no network), looks at every element of the executable
processes against what Flowbridge runs today (see :mod:`.bpmn_rules`), checks
every condition with :mod:`flowbridge.core.expressions`, and finally lets
SpiffWorkflow's Camunda parser build the specs. Any refusal names the element
id and what is wrong or unsupported.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from lxml import etree  # type: ignore[import-untyped]
from SpiffWorkflow.bpmn.parser.ValidationException import (  # type: ignore[import-untyped]
    ValidationException,
)
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser  # type: ignore[import-untyped]

from flowbridge.processes.bpmn_rules import (
    BPMN_NS,
    DOCUMENTATION_ONLY,
    Finding,
    check_process,
    find_scripts,
    local,
)
from flowbridge.processes.formfields import form_problems
from flowbridge.processes.implicit import make_splits_explicit
from flowbridge.processes.reserved_ids import rename_reserved

MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Judgement:
    """The verdict on one file: ``ok``, or the first ``reason`` and every problem found."""

    ok: bool
    reason: str = ""
    element_id: str | None = None
    element_type: str | None = None
    process_ids: list[str] = field(default_factory=list)
    process_names: dict[str, str] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)

    @property
    def main_process_id(self) -> str | None:
        """The process a deployment runs: the first executable one not called by another."""
        return self.process_ids[0] if self.process_ids else None

    def line(self, filename: str) -> str:
        """The CLI's one line: ``OK <file>`` or ``REFUSED <file>: <reason>``."""
        return f"OK {filename}" if self.ok else f"REFUSED {filename}: {self.reason}"


def _refused(problems: list[Finding], process_ids: list[str] | None = None) -> Judgement:
    first = problems[0]
    reason = str(first)
    more = len(problems) - 1
    if more:
        reason += " " + ngettext(
            "(and %(count)d more problem)", "(and %(count)d more problems)", more
        ) % {"count": more}
    return Judgement(
        ok=False,
        reason=reason,
        element_id=first.element_id,
        element_type=first.element_type,
        process_ids=process_ids or [],
        problems=problems,
    )


def _doctype_refused() -> str:
    return _("a DOCTYPE is not allowed in a BPMN file (entities could expand or reach files)")


def _parse(data: bytes) -> tuple[etree._Element | None, Finding | None]:
    if b"<!DOCTYPE" in data or b"<!doctype" in data:
        return None, Finding(_doctype_refused())
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        where = f"line {error.lineno}: " if error.lineno else ""
        message = _("not well-formed XML: %(detail)s") % {"detail": where + str(error.msg)}
        return None, Finding(message)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        return None, Finding(_doctype_refused())
    if root.tag != f"{{{BPMN_NS}}}definitions":
        return None, Finding(
            _("not a BPMN 2.0 file: the root element is %(tag)s, not bpmn:definitions")
            % {"tag": local(root.tag) if isinstance(root.tag, str) else "?"}
        )
    return root, None


def _executable(root: etree._Element) -> list[etree._Element]:
    """Processes to run: those not marked non-executable; if all are, every drawn one.

    Some modelers mark every process ``isExecutable="false"`` by default, so a
    file with no executable process is judged as if its drawn processes were.
    """
    processes = root.findall(f"{{{BPMN_NS}}}process")
    marked = [p for p in processes if p.get("isExecutable", "true") != "false"]
    chosen = marked or [p for p in processes if p.find(f"{{{BPMN_NS}}}startEvent") is not None]
    called = {c.get("calledElement") for p in chosen for c in p.iter(f"{{{BPMN_NS}}}callActivity")}
    # Called processes go last so the first id is the one a case starts.
    return sorted(chosen, key=lambda p: p.get("id") in called)


def _engine_message(message: str) -> str:
    """SpiffWorkflow's wording, made clearer (and translatable) where we know it."""
    if message.startswith("Multiple outgoing flows are not supported"):
        return _("a task with several outgoing flows: split with a parallel gateway instead")
    if message.startswith("Non-default exclusive outgoing sequence flow without condition"):
        return _("this flow leaves an exclusive gateway with no condition and is not the default")
    if message.startswith("Exactly one start event is required"):
        return _("a sub-process needs exactly one start event")
    return message


def engine_document(root: etree._Element, chosen: list[etree._Element]) -> etree._Element:
    """The file as the engine reads it: chosen processes run, drawings out, splits explicit."""
    doc = copy.deepcopy(root)
    chosen_ids = {p.get("id") for p in chosen}
    for process in doc.findall(f"{{{BPMN_NS}}}process"):
        process.set("isExecutable", "true" if process.get("id") in chosen_ids else "false")
    # Data objects, stores and associations are documentation for us, not engine state.
    for element in list(doc.iter()):
        if isinstance(element.tag, str) and local(element.tag) in DOCUMENTATION_ONLY:
            parent = element.getparent()
            if parent is not None and element.tag.startswith(f"{{{BPMN_NS}}}"):
                parent.remove(element)
    for process in doc.findall(f"{{{BPMN_NS}}}process"):
        if process.get("id") in chosen_ids:
            rename_reserved(process)
            make_splits_explicit(process)
    return doc


def read_deployed(data: bytes) -> tuple[etree._Element, list[etree._Element]]:
    """The root and executable processes of a file the judge accepted (safe parser, no DTD)."""
    root, problem = _parse(data)
    if root is None:
        raise ValueError(str(problem))
    return root, _executable(root)


def _spiff_check(
    root: etree._Element, chosen: list[etree._Element], filename: str
) -> list[Finding]:
    """Let SpiffWorkflow build every chosen process; its complaints become findings."""
    try:
        parser = CamundaParser()
        parser.add_bpmn_xml(etree.ElementTree(engine_document(root, chosen)), filename)
        for process_id in [p.get("id") for p in chosen]:
            parser.get_spec(process_id)
            parser.get_subprocess_specs(process_id)
    except ValidationException as error:
        tag = str(getattr(error, "tag", "") or "").removeprefix("bpmn:") or None
        message = str(error.args[0] if error.args else error).strip().rstrip(".")
        return [Finding(_engine_message(message), getattr(error, "id", None) or None, tag)]
    except Exception as error:  # any engine failure is a refusal, never a crash
        detail = f"{type(error).__name__}: {str(error)[:200]}"
        return [
            Finding(_("the BPMN engine cannot read this file (%(detail)s)") % {"detail": detail})
        ]
    return []


def judge(data: bytes, filename: str) -> Judgement:
    """Judge one file; never raises, whatever the bytes are."""
    try:
        return _judge(data, filename)
    except Exception as error:  # the importer must never crash
        return _refused(
            [Finding(_("cannot be judged (%(error)s)") % {"error": type(error).__name__})]
        )


def _judge(data: bytes, filename: str) -> Judgement:
    if len(data) > MAX_BYTES:
        return _refused([Finding(_("the file is larger than 5 MB"))])
    if not data.strip():
        return _refused([Finding(_("the file is empty"))])
    root, problem = _parse(data)
    if root is None:
        return _refused([problem or Finding(_("cannot be read"))])
    problems = find_scripts(root)
    chosen = _executable(root)
    if not chosen:
        problems.append(Finding(_("no executable process (no process with a start event)")))
        return _refused(problems)
    ids = [p.get("id") or "" for p in root.findall(f"{{{BPMN_NS}}}process")]
    for process in chosen:
        problems += check_process(process, set(ids))
        problems += form_problems(process)  # camunda:formData (processes/formfields.py)
    process_ids = [p.get("id") or "" for p in chosen]
    if problems:
        return _refused(problems, process_ids)
    problems = _spiff_check(root, chosen, filename)
    if problems:
        return _refused(problems, process_ids)
    names = {p.get("id") or "": p.get("name") or "" for p in chosen}
    return Judgement(ok=True, process_ids=process_ids, process_names=names)
