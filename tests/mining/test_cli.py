"""``flowbridge mine``: the installed command, run as a real process without Django."""

from __future__ import annotations

import itertools
import json
import os
import pty
from pathlib import Path

import pytest

from flowbridge.mining.cli import ProgressBar, bar, columns, read_log
from tests.mining.cli_support import mine, modules_of_django_after

# Six cases of a request → approve / reject flow, one with a second approval.
ROWS = """ticket,step,done_at,who
R1,submit,2024-03-05 09:00:00,ann
R1,approve,2024-03-05 10:00:00,bob
R2,submit,2024-03-05 09:30:00,ann
R2,approve,2024-03-05 11:30:00,bob
R2,approve again,2024-03-06 11:30:00,cho
R3,submit,2024-03-06 08:00:00,dan
R3,reject,2024-03-06 09:00:00,bob
"""
COLUMNS = {"case": "ticket", "activity": "step", "timestamp": "done_at"}
MAPPING = ["--case", "ticket", "--activity", "step", "--timestamp", "done_at"]


@pytest.fixture
def requests_csv(tmp_path: Path) -> Path:
    path = tmp_path / "requests.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path


def test_mine_prints_a_summary_of_a_csv(requests_csv: Path) -> None:
    result = mine(str(requests_csv), *MAPPING)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "events:" in out and " 7" in out
    assert "cases:" in out and " 3" in out
    assert "variants:" in out
    # The busiest activity first.
    top = out.split("top activities:")[1].splitlines()
    assert top[1].split()[0] == "submit" and top[1].split()[-1] == "3"
    # stderr is a pipe, not a terminal: no progress bar.
    assert result.stderr == ""


def test_mine_json_to_stdout_is_one_object(requests_csv: Path) -> None:
    result = mine(str(requests_csv), *MAPPING, "--json", "-")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["events"] == 7
    assert document["cases"] == 3
    assert document["variants"] == 3
    assert document["activities"]["approve"] == 2
    assert document["start_activities"] == {"submit": 3}
    assert document["import"]["rows_read"] == 7
    assert document["import"]["skipped"] == []
    edges = {(e["source"], e["target"]): e for e in document["dfg"]}
    assert edges[("submit", "approve")]["frequency"] == 2
    # 1 h and 2 h.
    assert edges[("submit", "approve")]["mean_seconds"] == 5400
    # The human summary went to stderr, out of the JSON's way.
    assert "cases:" in result.stderr


def test_mine_json_to_a_file(requests_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.json"
    result = mine(str(requests_csv), *MAPPING, "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert "cases:" in result.stdout
    assert json.loads(out.read_text(encoding="utf-8"))["end_activities"] == {
        "approve": 1,
        "approve again": 1,
        "reject": 1,
    }


def test_mine_reports_skipped_rows(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(ROWS + "R4,submit,not a time,eve\n", encoding="utf-8")
    result = mine(str(path), *MAPPING, "--json", "-")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)["import"]
    assert report["rows_read"] == 8 and report["rows_kept"] == 7
    assert sum(s["count"] for s in report["skipped"]) == 1
    assert "1 rows skipped" in result.stderr


def test_mine_does_not_import_django(requests_csv: Path) -> None:
    result = modules_of_django_after([str(requests_csv), *MAPPING])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("no django")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["nowhere.xes"], "nowhere.xes: no such file"),
        (["{tmp}"], "is a folder"),
        (["{tmp}/log.txt"], "unknown file type"),
        (["{csv}", "--case", "ticket", "--activity", "task", "--timestamp", "done_at"], "task"),
        (["{csv}", *MAPPING, "--report", "{tmp}/no/such/out.html"], "--report"),
        (["{csv}", *MAPPING, "--json", "{tmp}/no/such/folder.json"], "--json"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], expected: str, requests_csv: Path, tmp_path: Path
) -> None:
    (tmp_path / "log.txt").write_text("x", encoding="utf-8")
    filled = [a.format(tmp=tmp_path, csv=requests_csv) for a in args]
    result = mine(*filled)
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("flowbridge mine: error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.shared_data
def test_mine_reads_xes_and_takes_another_attribute_as_activity(shared_data: Path) -> None:
    log = shared_data / "logs" / "running-example.xes"
    plain = json.loads(mine(str(log), "--json", "-").stdout)
    assert (plain["events"], plain["cases"]) == (42, 6)
    assert plain["start_activities"] == {"register request": 6}
    by_person = mine(str(log), "--activity", "org:resource", "--json", "-")
    assert by_person.returncode == 0, by_person.stderr
    people = json.loads(by_person.stdout)["activities"]
    assert sum(people.values()) == 42
    assert {"Pete", "Mike", "Ellen", "Sara"} <= set(people)
    missing = mine(str(log), "--activity", "org:role")
    assert missing.returncode == 2
    assert "org:role" in missing.stderr and "Traceback" not in missing.stderr


@pytest.mark.shared_data
def test_mine_reads_gzipped_xes(shared_data: Path) -> None:
    result = mine(str(shared_data / "logs" / "helpdesk.xes.gz"), "--json", "-")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["events"], document["cases"]) == (21348, 4580)


def read_all(fd: int) -> str:
    """Everything written to the terminal so far: a pty hands it over in pieces."""
    os.set_blocking(fd, False)
    pieces = []
    while True:
        try:
            piece = os.read(fd, 65536)
        except BlockingIOError:
            break
        if not piece:
            break
        pieces.append(piece)
    return b"".join(pieces).decode()


def test_progress_bar_draws_on_a_terminal_and_clears_its_line(requests_csv: Path) -> None:
    leader, follower = pty.openpty()
    try:
        with os.fdopen(follower, "w", encoding="utf-8", closefd=False) as terminal:
            ticks = itertools.count(step=1.0)  # every call one second later: none throttled
            shown = ProgressBar("requests.csv", terminal, delay=0, clock=lambda: next(ticks))
            log = read_log(requests_csv, COLUMNS, None, shown)
            shown.close()
        drawn = read_all(leader)
    finally:
        os.close(leader)
        os.close(follower)
    assert log.event_count == 7
    assert "requests.csv [" in drawn and "100%" in drawn
    assert drawn.endswith("\r\x1b[K")


def test_bar_shows_share_bytes_and_time() -> None:
    line = bar("big.xes", 2_500_000, 10_000_000, 3.2, width=20)
    assert line == "big.xes [#####---------------]  25%  2.5/10.0 MB  3 s"
    assert "0%" in bar("empty.xes", 0, 0, 0.0)


def test_chinese_columns_and_activities_line_up(tmp_path: Path) -> None:
    path = tmp_path / "审批.csv"
    path.write_text(
        "单号,环节,时间\nA1,提交申请,2024/3/5 14:30\nA1,部门负责人审批,2024/3/5 15:30\n"
        "A2,提交申请,2024/3/6 09:00\nA2,review,2024/3/6 10:00\n",
        encoding="utf-8",
    )
    result = mine(str(path), "--case", "单号", "--activity", "环节", "--timestamp", "时间")
    assert result.returncode == 0, result.stderr
    rows = result.stdout.split("top activities:\n")[1].splitlines()[:3]
    assert [row.split()[0] for row in rows] == ["提交申请", "review", "部门负责人审批"]
    # Chinese characters take two terminal columns: the counts end in one column.
    assert len({columns(row) for row in rows}) == 1
