"""Findings as an XLSX workbook and as Markdown, with headers in the user's language."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from flowbridge.mining.findings import Finding


def headers() -> list[str]:
    return [
        _("Rank"),
        _("Kind"),
        _("Where"),
        _("Finding"),
        _("Cases"),
        _("Time lost (hours)"),
        _("Priority"),
        _("Advice"),
        _("Evidence"),
    ]


def kind_label(kind: str) -> str:
    labels = {
        "redundant_approval": _("Redundant approval"),
        "handoff": _("Hand-off"),
        "rework": _("Rework"),
        "bottleneck": _("Bottleneck"),
        "conformance": _("Deviation from the design"),
    }
    return labels.get(kind, kind)


def _row(rank: int, finding: Finding) -> list[object]:
    return [
        rank,
        kind_label(finding.kind),
        finding.subject,
        finding.title,
        finding.cases,
        round(finding.time_lost_seconds / 3600, 2),
        round(finding.priority, 3),
        finding.advice,
        json.dumps(finding.evidence, ensure_ascii=False, default=str),
    ]


def findings_xlsx(findings: Sequence[Finding], *, title: str) -> bytes:
    """One sheet: a title line, the headers, one row per finding in priority order."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = _("Findings")[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(headers())
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for rank, finding in enumerate(findings, 1):
        sheet.append(_row(rank, finding))
    for column, width in zip("ABCDEFGHI", (6, 14, 28, 50, 8, 14, 9, 50, 40), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def findings_markdown(findings: Sequence[Finding], *, title: str) -> str:
    """A heading, then one numbered section per finding with its figures, evidence and advice."""
    lines = [f"# {title}", ""]
    if not findings:
        lines.append(_("No findings."))
    for rank, finding in enumerate(findings, 1):
        lines += [
            f"## {rank}. {finding.title}",
            "",
            f"- {_('Kind')}: {kind_label(finding.kind)}",
            f"- {_('Where')}: {finding.subject}",
            f"- {_('Cases')}: {finding.cases}",
            f"- {_('Time lost (hours)')}: {finding.time_lost_seconds / 3600:.2f}",
            f"- {_('Priority')}: {finding.priority:.3f}",
        ]
        if finding.evidence:
            lines.append(f"- {_('Evidence')}:")
            lines += [f"  - {key}: {value}" for key, value in finding.evidence.items()]
        if finding.advice:
            lines += ["", f"**{_('Advice')}:** {finding.advice}"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
