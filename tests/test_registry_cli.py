"""`python -m matchmaker import|export KIND FILE`: all rows or none, exit status says which."""

from __future__ import annotations

import json

from tests.conftest import next_uscc
from tests.test_cli import run


def test_import_then_export_round_trip_and_a_bad_file_writes_nothing(tmp_path):
    env = {"MATCHMAKER_DATABASE_URL": f"sqlite://{tmp_path}/cli.sqlite3", "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path)}
    assert run("migrate", env=env).returncode == 0
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    uscc = next_uscc()
    good.write_text(json.dumps({"items": [{"uscc": uscc, "name": "命令行科技有限公司", "revenue": 3_000_000}]}))
    bad.write_text(json.dumps({"items": [{"uscc": next_uscc(), "name": "好"},
                                         {"uscc": "123", "name": "坏", "employees": -1}]}))

    refused = run("import", "enterprises", str(bad), env=env)
    imported = run("import", "enterprises", str(good), env=env)
    exported = run("export", "enterprises", str(tmp_path / "out.json"), env=env)

    assert refused.returncode == 1
    assert "items[1]\t统一社会信用代码" in refused.stderr and "items[1]\t职工人数\t职工人数：不能为负数" in refused.stderr
    assert imported.returncode == 0, imported.stderr
    assert exported.returncode == 0, exported.stderr
    items = json.loads((tmp_path / "out.json").read_text())["items"]
    assert [(i["uscc"], i["name"], i["revenue"]) for i in items] == [(uscc, "命令行科技有限公司", 3_000_000)]


def test_dry_run_prints_each_change_and_writes_nothing(tmp_path):
    env = {"MATCHMAKER_DATABASE_URL": f"sqlite://{tmp_path}/cli.sqlite3", "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path)}
    assert run("migrate", env=env).returncode == 0
    uscc = next_uscc()
    first, feed = tmp_path / "first.json", tmp_path / "tax.json"
    first.write_text(json.dumps({"items": [{"uscc": uscc, "name": "命令行科技有限公司", "revenue": 3_000_000,
                                            "tax_rating": "B"}]}))
    feed.write_text(json.dumps({"items": [{"uscc": uscc, "name": "命令行科技有限公司", "tax_rating": "A"}]}))
    assert run("import", "enterprises", str(first), env=env).returncode == 0

    dry = run("import", "enterprises", str(feed), "--dry-run", env=env)
    exported = run("export", "enterprises", str(tmp_path / "out.json"), env=env)

    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [f"items[0]\t命令行科技有限公司（{uscc}）\t更新", "\t纳税信用等级: B → A",
                                       "预览 1 条，未写入任何数据 (dry run: nothing written)"]
    items = json.loads((tmp_path / "out.json").read_text())["items"]
    assert [(i["revenue"], i["tax_rating"]) for i in items] == [(3_000_000, "B")]
