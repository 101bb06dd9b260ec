"""What went wrong reading a log, and what was left out: said plainly, never a stack trace."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_EXAMPLES = 5


class LogError(Exception):
    """The log cannot be read: what is wrong and where (a column, a line, an element)."""

    def __init__(self, message: str, *, where: str = "", examples: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.examples = list(examples or [])[:MAX_EXAMPLES]

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.examples:
            text += "\n" + "\n".join(f"  e.g. {e}" for e in self.examples)
        return text


@dataclass
class Skipped:
    """Rows left out for one reason, with the first few as examples."""

    reason: str
    count: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """How a read went: rows read, rows kept, and rows skipped by reason."""

    rows_read: int = 0
    rows_kept: int = 0
    skipped: dict[str, Skipped] = field(default_factory=dict)
    # Corrections that dropped nothing (a trace without a name given a generated id).
    notes: dict[str, Skipped] = field(default_factory=dict)

    def skip(self, reason: str, example: str = "", count: int = 1) -> None:
        entry = self.skipped.setdefault(reason, Skipped(reason))
        entry.count += count
        if example and len(entry.examples) < MAX_EXAMPLES:
            entry.examples.append(example)

    def note(self, reason: str, example: str = "") -> None:
        """Something corrected while reading, with nothing left out."""
        entry = self.notes.setdefault(reason, Skipped(reason))
        entry.count += 1
        if example and len(entry.examples) < MAX_EXAMPLES:
            entry.examples.append(example)

    @property
    def skipped_count(self) -> int:
        return sum(s.count for s in self.skipped.values())

    def lines(self) -> list[str]:
        """One line per reason: ``12 rows skipped: timestamp not understood (e.g. ...)``."""
        out = []
        for entry in self.skipped.values():
            line = f"{entry.count} rows skipped: {entry.reason}"
            if entry.examples:
                line += " (e.g. " + "; ".join(entry.examples) + ")"
            out.append(line)
        for entry in self.notes.values():
            line = f"{entry.count} time(s): {entry.reason}"
            if entry.examples:
                line += " (e.g. " + "; ".join(entry.examples) + ")"
            out.append(line)
        return out
