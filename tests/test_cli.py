"""The maintenance commands, run as a user would: `python -m matchmaker …` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys

from matchmaker.config import PROJECT_ROOT


def run(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "matchmaker", *args], cwd=PROJECT_ROOT, env={**os.environ, **env},
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_every_command_has_help():
    for command in ("serve", "migrate", "demo", "create-organizer"):
        result = run(command, "--help", env={})
        assert result.returncode == 0, result.stderr
        assert "usage: python -m matchmaker" in result.stdout


def test_migrate_then_demo_loads_once_then_create_organizer(tmp_path):
    env = {"MATCHMAKER_DATABASE_URL": f"sqlite://{tmp_path}/cli.sqlite3", "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path)}

    migrated = run("migrate", env=env)
    demo = run("demo", env=env)
    again = run("demo", env=env)
    organizer = run("create-organizer", "--email", "chief@example.cn", "--name", "周局", "--organization",
                    "云岭市金融办", "--password", "a-long-organizer-pass", env=env)
    duplicate = run("create-organizer", "--email", "chief@example.cn", "--name", "周局", "--organization",
                    "云岭市金融办", "--password", "a-long-organizer-pass", env=env)

    assert migrated.returncode == 0, migrated.stderr
    assert demo.returncode == 0, demo.stderr
    assert "已加载演示数据" in demo.stdout
    assert "演示数据已存在，未重复加载" in again.stdout
    assert organizer.returncode == 0, organizer.stderr
    assert duplicate.returncode == 2
    assert "email: 该邮箱已注册" in duplicate.stderr
    assert "Traceback" not in duplicate.stderr


def test_a_bad_configuration_is_reported_without_a_traceback(tmp_path):
    result = run("migrate", env={"MATCHMAKER_SERVER_PORT": "eighty", "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path)})

    assert result.returncode == 2
    assert "配置错误 (configuration error): setting server_port: cannot use 'eighty'" in result.stderr
    assert "Traceback" not in result.stderr
