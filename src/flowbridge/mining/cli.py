"""``flowbridge mine LOG``: read an event log and summarize it, without Django.

The file type follows the extension (``.xes``, ``.xes.gz``, ``.csv``,
``.parquet``). Prints events, cases, variants, the busiest activities and
what the import left out; ``--json OUT`` writes the full summary as one JSON
object (``-`` for stdout). A log that cannot be read ends with exit status 2
and one line saying what and where, never a traceback.

Messages go through the standard library's gettext (domain ``mining``), not
Django's: this command must start without the web application.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import polars as pl

from flowbridge.mining.errors import ImportReport, LogError
from flowbridge.mining.i18n import _
from flowbridge.mining.log import (
    ACTIVITY,
    CASE,
    DEPARTMENT,
    LIFECYCLE,
    RESOURCE,
    START,
    TIMESTAMP,
    EventLog,
    from_frame,
)

EXTENSIONS = (".xes", ".xes.gz", ".csv", ".parquet", ".jsonocel", ".xmlocel", ".sqlite")
# Object-centric logs: flattened on the object type the user chooses.
OCEL_EXTENSIONS = (
    ".jsonocel",
    ".xmlocel",
    ".jsonocel.gz",
    ".xmlocel.gz",
    ".sqlite",
    ".sqlite3",
)
TOP_ACTIVITIES = 5
# Below this many seconds a read is quick enough that a bar would only flicker.
PROGRESS_DELAY = 1.0

# Option → canonical column of the event log.
COLUMN_OPTIONS = {
    "case": CASE,
    "activity": ACTIVITY,
    "timestamp": TIMESTAMP,
    "start_timestamp": START,
    "resource": RESOURCE,
    "department": DEPARTMENT,
}
# XES keys the readers already renamed: ``--activity org:resource`` means ``resource``.
XES_KEYS = {
    "case:concept:name": CASE,
    "concept:name": ACTIVITY,
    "time:timestamp": TIMESTAMP,
    "org:resource": RESOURCE,
    "org:group": DEPARTMENT,
    "lifecycle:transition": LIFECYCLE,
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="flowbridge mine",
        description=_("Read an event log (XES, XES.GZ, CSV, Parquet, OCEL 2.0) and summarize it."),
    )
    p.add_argument("log", metavar="LOG", help=_("the event log file"))
    for option in COLUMN_OPTIONS:
        p.add_argument(
            "--" + option.replace("_", "-"),
            dest=option,
            metavar="COL",
            help=_("column (attribute) holding the %(what)s") % {"what": option.replace("_", " ")},
        )
    p.add_argument(
        "--timezone",
        metavar="TZ",
        help=_("time zone of CSV times without an offset, e.g. Asia/Shanghai"),
    )
    p.add_argument(
        "--object-type",
        metavar="TYPE",
        help=_("object type whose objects become the cases of an object-centric (OCEL) log"),
    )
    p.add_argument("--json", metavar="OUT", help=_("write the summary as JSON ('-' = stdout)"))
    p.add_argument("--report", metavar="OUT.html", help=_("write an HTML report"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status (0 done, 2 the log cannot be read)."""
    args = parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.json and args.json != "-" and not Path(args.json).parent.is_dir():
        # Said before a read that may take minutes, not after it.
        return fail(_("--json %(out)s: no such folder") % {"out": args.json})
    if args.report and not Path(args.report).parent.is_dir():
        return fail(_("--report %(out)s: no such folder") % {"out": args.report})
    columns = {k: v for k, v in vars(args).items() if k in COLUMN_OPTIONS and v}
    path = Path(args.log)
    shown = ProgressBar(path.name, sys.stderr) if sys.stderr.isatty() else None
    try:
        log = read_log(path, columns, args.timezone, shown, object_type=args.object_type)
        from flowbridge.mining.discovery import summary

        figures = summary(log)
    except LogError as error:
        return fail(one_line(error))
    except (OSError, pl.exceptions.PolarsError) as error:
        return fail(f"{path}: {error}".splitlines()[0])
    finally:
        if shown:
            shown.close()
    to_stdout = args.json == "-"
    print_summary(path, figures, log.report, sys.stderr if to_stdout else sys.stdout)
    if args.json:
        document = json.dumps(
            {"source": str(path), **figures, "import": report_dict(log.report)},
            ensure_ascii=False,
            default=str,
        )
        if to_stdout:
            print(document, flush=True)
        else:
            try:
                Path(args.json).write_text(document + "\n", encoding="utf-8")
            except OSError as error:
                return fail(f"--json {args.json}: {error.strerror or error}")
    if args.report:
        return write_report(log, path, Path(args.report))
    return 0


def write_report(log: EventLog, path: Path, out: Path) -> int:
    """Write the HTML report of ``log`` (read from ``path``) to ``out``."""
    from flowbridge.mining.report import html_report

    try:
        document = html_report(log, title=path.name, generated_at=datetime.now(UTC))
    except LogError as error:
        return fail(one_line(error))
    try:
        out.write_text(document, encoding="utf-8")
    except OSError as error:
        return fail(f"--report {out}: {error.strerror or error}")
    print(_("report written to %(out)s") % {"out": out}, file=sys.stderr)
    return 0


def read_log(
    path: Path,
    columns: dict[str, str],
    timezone: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    object_type: str | None = None,
) -> EventLog:
    """The log at ``path``, read by its extension, with the columns the user named.

    CSV and Parquet map columns as they read; XES and OCEL arrive with
    canonical names, so a named attribute is moved into its role afterwards.
    An ``object_type`` reads any file as OCEL (its format is found from the
    content).
    """
    if not path.exists():
        raise LogError(_("no such file"), where=str(path))
    if path.is_dir():
        raise LogError(_("is a folder, not a log file"), where=str(path))
    name = path.name.lower()
    if object_type or name.endswith(OCEL_EXTENSIONS):
        from flowbridge.mining.ocel import ocel_object_types, read_ocel

        if not object_type:
            types = ", ".join(f"{t} ({n})" for t, n in ocel_object_types(path).items())
            raise LogError(
                _("an object-centric log: choose --object-type, one of %(types)s")
                % {"types": types},
                where=str(path),
            )
        return remap(read_ocel(path, object_type=object_type, progress=progress), columns)
    if name.endswith(".csv"):
        from flowbridge.mining.tables import read_csv

        return read_csv(path, timezone=timezone, progress=progress, **columns)
    if name.endswith((".xes", ".xes.gz")):
        from flowbridge.mining.xes import read_xes

        return remap(read_xes(path, progress=progress), columns)
    if name.endswith(".parquet"):
        from flowbridge.mining.tables import read_parquet

        return read_parquet(path, timezone=timezone, **columns)
    raise LogError(
        _("unknown file type; expected one of %(types)s") % {"types": ", ".join(EXTENSIONS)},
        where=str(path),
    )


def remap(log: EventLog, columns: dict[str, str]) -> EventLog:
    """Take canonical columns from other attributes of an already read log.

    XES and Parquet arrive with canonical names; ``--activity org:role``
    makes another attribute the activity (the replaced one is dropped).
    """
    names = log.events.columns
    chosen = {
        (source if source in names else XES_KEYS.get(source, source)): COLUMN_OPTIONS[option]
        for option, source in columns.items()
    }
    chosen = {source: target for source, target in chosen.items() if source != target}
    if not chosen:
        return log
    missing = [source for source in chosen if source not in names]
    if missing:
        raise LogError(
            _("no column %(columns)s; the log has: %(names)s")
            % {"columns": ", ".join(missing), "names": ", ".join(names)},
            where=log.source or "columns",
        )
    replaced = [t for t in chosen.values() if t in names and t not in chosen]
    frame = log.events.drop(replaced).rename(chosen)
    return from_frame(frame, source=log.source, report=log.report)


def print_summary(path: Path, figures: dict[str, Any], report: ImportReport, out: IO[str]) -> None:
    activities: dict[str, int] = figures.get("activities", {})
    top = sorted(activities.items(), key=lambda item: (-item[1], item[0]))[:TOP_ACTIVITIES]
    lines = [
        f"{path.name}",
        _("  events:     %(n)s") % {"n": f"{figures['events']:,}"},
        _("  cases:      %(n)s") % {"n": f"{figures['cases']:,}"},
        _("  variants:   %(n)s") % {"n": f"{figures['variants']:,}"},
        _("  activities: %(n)s") % {"n": f"{len(activities):,}"},
    ]
    if top:
        width = max(columns(name) for name, _count in top)
        lines.append(_("  top activities:"))
        lines += [f"    {name}{' ' * (width - columns(name))}  {count:>10,}" for name, count in top]
    if report.skipped:
        lines += ["  " + line for line in report.lines()]
    else:
        lines.append(_("  no rows skipped"))
    print("\n".join(lines), file=out, flush=True)


def columns(text: str) -> int:
    """Terminal columns ``text`` takes: Chinese characters are two wide."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def report_dict(report: ImportReport) -> dict[str, Any]:
    return {
        "rows_read": report.rows_read,
        "rows_kept": report.rows_kept,
        "skipped": [
            {"reason": s.reason, "count": s.count, "examples": s.examples}
            for s in report.skipped.values()
        ],
    }


def one_line(error: LogError) -> str:
    text = f"{error.where}: {error.message}" if error.where else error.message
    text = " ".join(text.split())
    if error.examples:
        text += " (e.g. " + "; ".join(" ".join(e.split()) for e in error.examples) + ")"
    return text


def fail(message: str) -> int:
    print(_("flowbridge mine: error: %(message)s") % {"message": message}, file=sys.stderr)
    return 2


class ProgressBar:
    """Draws ``progress(done, total)`` calls of a reader as one line on a terminal.

    Nothing is drawn for reads shorter than ``delay`` seconds (a bar would
    only flicker), nor more often than five times a second.
    """

    def __init__(
        self,
        name: str,
        stream: IO[str],
        delay: float = PROGRESS_DELAY,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.name = name
        self.stream = stream
        self.delay = delay
        # Injected so tests move time instead of depending on how fast a read runs.
        self.clock = clock
        self.started = clock()
        self.drawn_at: float | None = None

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < self.delay:
            return
        if self.drawn_at is not None and now - self.drawn_at < 0.2 and done < total:
            return
        self.stream.write("\r" + bar(self.name, done, total, now - self.started))
        self.stream.flush()
        self.drawn_at = now

    def close(self) -> None:
        if self.drawn_at is not None:
            self.stream.write("\r\033[K")
            self.stream.flush()


def bar(name: str, done: int, total: int, elapsed: float, width: int = 30) -> str:
    """One line: ``receipt.xes [#######-------]  45%  1.8/4.1 MB  3 s``."""
    share = min(done / total, 1.0) if total > 0 else 0.0
    filled = int(share * width)
    return (
        f"{name} [{'#' * filled}{'-' * (width - filled)}] {share:4.0%}  "
        f"{done / 1e6:.1f}/{total / 1e6:.1f} MB  {elapsed:.0f} s"
    )
