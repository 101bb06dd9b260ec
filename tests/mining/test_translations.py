"""The mining library speaks Chinese without Django: its own gettext domain, complete."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import polib

import flowbridge.mining

PACKAGE = Path(flowbridge.mining.__file__).parent
CATALOGUE = PACKAGE / "locale" / "zh" / "LC_MESSAGES" / "mining.po"


def _msgids() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_every_message_of_the_library_has_a_chinese_translation() -> None:
    msgids = _msgids()
    assert len(msgids) > 20, "the extractor found almost nothing: is it broken?"
    translated = {
        e.msgid
        for po in CATALOGUE.parent.glob("mining*.po")
        for e in polib.pofile(str(po))
        if e.msgstr.strip()
    }
    assert sorted(msgids - translated) == []


def test_flowbridge_mine_answers_in_chinese_under_a_chinese_locale(tmp_path: Path) -> None:
    log = tmp_path / "工单.csv"
    log.write_text("case:concept:name,concept:name,time:timestamp\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "LANGUAGE")}
    env["LANG"] = "zh_CN.UTF-8"
    done = subprocess.run(
        [sys.executable, "-m", "flowbridge.cli", "mine", str(log)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert "错误" in done.stderr and "没有数据行" in done.stderr
