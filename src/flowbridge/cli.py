"""The ``flowbridge`` command.

Sub-commands that need the database run as Django management commands (so
``flowbridge import-org`` is ``manage.py import_org``); any other Django
command name passes through (``flowbridge shell``). Django is imported only
when a sub-command needs it, so library commands added later (``mine``) start
fast and work without the web app.
"""

from __future__ import annotations

import os
import sys

# Sub-command → management command. Hyphenated names read better in a shell.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("demo", "load the demo company (idempotent) and print its sign-ins"),
    "serve": ("serve", "serve the web UI and API and run background jobs (--no-worker: not)"),
    "worker": ("db_worker", "run background jobs (imports) in a separate process"),
    "migrate": ("migrate", "create or update the database tables"),
    "createadmin": ("createadmin", "create a system administrator account"),
    "import-org": ("import_org", "import departments, people, liaisons, delegations (XLSX/CSV)"),
    "export-org": ("export_org", "export the organization as XLSX or CSV"),
    "responsibility": ("responsibility", "import / export responsibility lists (XLSX/CSV)"),
    "calendar": ("calendar", "working-time arithmetic: add, between, is-working-day"),
    "audit": ("audit", "audit log: verify the hash chain, list entries"),
    "token": ("token", "issue or revoke API tokens for scripts"),
    "bpmn": ("bpmn", "judge BPMN files: bpmn validate FILE..."),
    "deploy": ("deploy", "deploy a BPMN file as the next version of its process"),
    "migrate-cases": ("migrate_cases", "move running requests of a process to another version"),
    "start": ("start", "start requests: start KEY --as E [--value k=v ...|--rows FILE]"),
    "tasks": ("tasks", "a person's open tasks: tasks --as EMPLOYEE_NO [--json]"),
    "complete": ("complete", "decide tasks: complete ITEM_ID [ITEM_ID ...] --as E --decision ..."),
    "export-log": ("export_log", "export a process's event log as XES or CSV"),
    "compilemessages": ("compile_translations", "compile the zh-hans / en translations"),
    "import-log": ("import_log", "import an event log file as a diagnosis dataset, now"),
    "refresh-logs": ("refresh_engine_logs", "build the diagnosis datasets of our own processes"),
    "mine": ("", "summarize an event log (XES, CSV, Parquet); no database, no Django"),
}


def usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = ["usage: flowbridge <command> [options]", "", "commands:"]
    lines += [f"  {name.ljust(width)}  {text}" for name, (_, text) in COMMANDS.items()]
    lines += ["", "`flowbridge <command> --help` describes one command."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(usage())
        return
    name = args[0]
    if name == "mine":  # a library command: must not start Django
        from flowbridge.mining.cli import main as mine

        sys.exit(mine(args[1:]))
    command = COMMANDS[name][0] if name in COMMANDS else name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flowbridge.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["flowbridge", command, *args[1:]])


if __name__ == "__main__":
    main()
