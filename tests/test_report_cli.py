"""`python -m matchmaker report --programme ID [--period P] -o report.xlsx|report.docx` on a
freshly loaded demo: both files carry the programme's figures; a wrong suffix or an unknown
programme writes nothing and says why."""

from __future__ import annotations

import io
from datetime import date

import docx
import openpyxl

from matchmaker.demo.past_event import past_event_day
from tests.test_cli import run


def test_report_writes_the_demo_programme_as_excel_and_word(tmp_path):
    env = {"MATCHMAKER_DATABASE_URL": f"sqlite://{tmp_path}/cli.sqlite3", "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path),
           "MATCHMAKER_MAIL_WORKER_ENABLED": "false"}
    assert run("migrate", env=env).returncode == 0
    assert run("demo", env=env).returncode == 0
    held = past_event_day(date.today())
    period = f"{held.year}-Q{(held.month - 1) // 3 + 1}"
    workbook, report = tmp_path / "report.xlsx", tmp_path / "report.docx"

    wrote_xlsx = run("report", "--programme", "1", "--period", period, "-o", str(workbook), env=env)
    wrote_docx = run("report", "--programme", "1", "--period", period, "-o", str(report), env=env)
    bad_suffix = run("report", "--programme", "1", "-o", str(tmp_path / "report.pdf"), env=env)
    unknown = run("report", "--programme", "999", "-o", str(tmp_path / "none.xlsx"), env=env)

    assert wrote_xlsx.returncode == 0 and wrote_docx.returncode == 0, wrote_xlsx.stderr + wrote_docx.stderr
    book = openpyxl.load_workbook(io.BytesIO(workbook.read_bytes()))
    summary = {row[0]: row[2:6] for row in book["汇总"].iter_rows(values_only=True) if row and row[0]}
    assert summary["放款金额"][0] > 0 and summary["授信金额"][0] > 0 and summary["意向金额"][0] > 0
    assert {"洽谈与出席", "对接线索", "机构考核"} <= set(book.sheetnames)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(report.read_bytes())).paragraphs)
    assert f"{summary['放款金额'][0]:,.2f} 万元" in text and "四、存在的问题" in text
    assert bad_suffix.returncode == 2 and ".xlsx 或 .docx" in bad_suffix.stderr
    assert unknown.returncode == 1 and "999" in unknown.stderr
    assert not (tmp_path / "report.pdf").exists() and not (tmp_path / "none.xlsx").exists()
