"""`python -m matchmaker eligibility`: JSON lines out, exit 2 with a clear message on bad input."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from matchmaker.matching import command
from tests.matching.factories import FIXTURES


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="matchmaker")
    command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["eligibility", *argv])
    code = args.handler(args)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, data) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


PRODUCT = {"id": "P1", "name": "测试贷", "provider": "测试银行", "kind": "credit_loan", "amount": {"max": 3000000},
           "criteria": {"id": "rd", "text": "研发投入占比不低于3%", "field": "rd_ratio", "op": "ge", "value": 3}}
ENTERPRISES = [
    {"uscc": "E1", "name": "甲", "rd_ratio": 2.8, "needs": [{"id": "N1", "kind": "credit_loan", "amount": 1000000},
                                                           {"id": "N2", "kind": "equity", "amount": 9000000}]},
    {"uscc": "E2", "name": "乙", "rd_ratio": 3},
]


def test_one_line_per_need_and_product(tmp_path, capsys):
    code, out, err = run_cli(capsys, "--as-of", "2026-06-30", write(tmp_path, "p.json", [PRODUCT]),
                             write(tmp_path, "e.json", ENTERPRISES))

    lines = [json.loads(line) for line in out.splitlines()]
    assert (code, err) == (0, "")
    assert [(x["enterprise"], x["need"], x["product"], x["eligible"], x["kind_match"]) for x in lines] == [
        ("E1", "N1", "P1", False, True), ("E1", "N2", "P1", False, False), ("E2", None, "P1", True, True)]
    assert lines[0] == {"enterprise": "E1", "need": "N1", "product": "P1", "eligible": False, "kind_match": True,
                        "failed_criteria": ["rd"],
                        "reasons": [{"id": "rd", "outcome": "fail", "text": "研发投入占比 2.8% < 要求 ≥ 3% ✗",
                                     "source": "product"},
                                    {"id": "product.amount", "outcome": "pass", "text": "可贷额度最高 300 万元（产品最高额度），需求 100 万元在额度内 ✓",
                                     "source": "amount"}],
                        "caveats": [], "max_amount": 3000000, "score": None}
    assert "研发投入占比" in out  # ensure_ascii=False: Chinese as is
    assert lines[2]["score"] == 34.6  # 12.5 + 7.5 + 7.5 + 5 neutral, 科创积分 6 × 0.35


@pytest.mark.parametrize("products,enterprises,message", [
    ("[", [], "不是有效的 JSON (第 1 行第 2 列"),
    ([{**PRODUCT, "kind": "loan"}], [], "products[0].kind: 产品类型应为"),
    ([{**PRODUCT, "criteria": {"id": "x", "field": "rd", "op": "ge", "value": 3}}], [], "P1.x: 未知字段 rd"),
    ([PRODUCT], [{"uscc": "E", "name": "n", "established": "2020/1/1"}], "[0].established: 日期应写作 YYYY-MM-DD"),
    ([PRODUCT], [{"uscc": "E", "name": "n", "revenu": 1}], "[0]: 未知的键 revenu"),
    ([PRODUCT], {"uscc": "E"}, ": 应为 JSON 列表"),
])
def test_bad_input_exits_2_with_a_message(tmp_path, capsys, products, enterprises, message):
    code, out, err = run_cli(capsys, "--as-of", "2026-06-30", write(tmp_path, "p.json", products),
                             write(tmp_path, "e.json", enterprises))

    assert (code, out) == (2, "")
    assert message in err
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path, capsys):
    code, _, err = run_cli(capsys, "--as-of", "2026-06-30", str(tmp_path / "none.json"), str(tmp_path / "e.json"))

    assert code == 2
    assert "无法读取文件" in err


def test_the_real_command_line_on_the_fixture():
    result = subprocess.run(
        [sys.executable, "-m", "matchmaker", "eligibility", "--as-of", "2026-06-30",
         str(FIXTURES / "products.json"), str(FIXTURES / "enterprises.json")],
        capture_output=True, text=True, encoding="utf-8", timeout=60, check=False)

    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert (result.returncode, result.stderr) == (0, "")
    assert len(lines) == 34 * 11
    e01 = next(x for x in lines if x["enterprise"] == "E01" and x["product"] == "P01")
    assert (e01["eligible"], e01["max_amount"]) == (True, 10000000)


def test_a_bad_date_is_an_argparse_error_exit_2():
    result = subprocess.run([sys.executable, "-m", "matchmaker", "eligibility", "--as-of", "30/06/2026", "p", "e"],
                            capture_output=True, text=True, encoding="utf-8", timeout=60, check=False)

    assert result.returncode == 2
    assert "日期应写作 YYYY-MM-DD" in result.stderr
