"""`python -m matchmaker solve`, run as a real subprocess: exit codes, files, no tracebacks."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from matchmaker.solver import command
from matchmaker.solver.solution import load_solution
from tests.solver.factories import problem_data

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "matchmaker", "solve", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def problem_file(tmp_path: Path) -> Path:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(problem_data(slots=2, enterprises=["E1", "E2"],
                                            requests=[("E1", "I1", 4), ("E2", "I1", 3)])), encoding="utf-8")
    return path


def test_solves_writes_a_checked_solution_and_summarises(problem_file: Path, tmp_path: Path):
    out = tmp_path / "solution.json"

    result = run_cli(str(problem_file), "-o", str(out), "--time-limit", "5", "--seed", "1")

    assert result.returncode == 0
    solution = load_solution(out)
    assert (solution.status, solution.objective, solution.upper_bound) == ("optimal", 7, 7)
    assert result.stderr.startswith("optimal: objective 7, bound 7, gap 0.00%, meetings 2, idle gaps 0")
    assert result.stderr.rstrip().endswith(", stopped: optimal")   # at the bound with no idle gap
    assert result.stderr.count("\n") == 1


def test_malformed_problem_exits_2_with_message_and_no_traceback(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(problem_data(requests=[("E9", "I1", 1)])), encoding="utf-8")

    result = run_cli(str(bad), "-o", str(tmp_path / "out.json"))

    assert result.returncode == 2
    assert result.stderr == "错误 error: 未知的企业 id 'E9' (unknown enterprise id 'E9') in requests[0]\n"
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("content", [None, "{oops", "[]"])
def test_unreadable_or_bad_json_exits_2_without_traceback(tmp_path: Path, content: str | None):
    path = tmp_path / "problem.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")

    result = run_cli(str(path), "-o", str(tmp_path / "out.json"))

    assert result.returncode == 2
    assert result.stderr.startswith("错误 error: ")
    assert "Traceback" not in result.stderr


def test_infeasible_locked_clash_exits_0_with_the_reason(tmp_path: Path):
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(problem_data(slots=1, institutions=["I1", "I2"],
                                            requests=[("E1", "I1", 1), ("E1", "I2", 1)],
                                            locked=[("E1", "I1", "s1"), ("E1", "I2", "s1")])), encoding="utf-8")
    out = tmp_path / "out.json"

    result = run_cli(str(path), "-o", str(out))

    assert result.returncode == 0
    assert load_solution(out).status == "infeasible"
    assert result.stderr.startswith("infeasible: 锁定的会面冲突 (locked meetings clash): E1–I2 at s1 and E1–I1")


def test_repair_keeps_the_previous_schedule(problem_file: Path, tmp_path: Path):
    first = tmp_path / "v1.json"
    run_cli(str(problem_file), "-o", str(first), "--time-limit", "5")
    second = tmp_path / "v2.json"

    result = run_cli(str(problem_file), "-o", str(second), "--repair", str(first), "--time-limit", "5")

    assert result.returncode == 0
    assert load_solution(second).meetings == load_solution(first).meetings
    assert result.stderr.rstrip().endswith("kept 2/2 previous meetings in place")


def test_unreadable_previous_solution_exits_2(problem_file: Path, tmp_path: Path):
    result = run_cli(str(problem_file), "-o", str(tmp_path / "out.json"), "--repair", str(tmp_path / "nope.json"))

    assert result.returncode == 2
    assert "无法读取解答文件" in result.stderr and "Traceback" not in result.stderr


def test_checker_rejection_exits_1_and_writes_nothing(problem_file: Path, tmp_path: Path, monkeypatch, capsys):
    # The solver never produces a rejected schedule, so the checker is the one thing replaced here.
    parser = argparse.ArgumentParser()
    command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["solve", str(problem_file), "-o", str(tmp_path / "out.json"), "--time-limit", "5"])
    monkeypatch.setattr(command, "check", lambda problem, solution: ["rule broken"])

    code = args.handler(args)

    assert code == 1
    assert capsys.readouterr().err == "错误 error: 解答未通过检查 (solution rejected by the checker):\n  rule broken\n"
    assert not (tmp_path / "out.json").exists()


def test_the_time_limit_counts_the_process_from_its_start():
    before = command.process_seconds()
    time.sleep(0.2)
    assert 0 < before < command.process_seconds()   # pytest has been running: wall time since start grows
