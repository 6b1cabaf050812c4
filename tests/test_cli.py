"""The maintenance commands, run as a user would: `python -m matchmaker …` in a subprocess."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from tortoise import Tortoise

from matchmaker.config import PROJECT_ROOT, load_settings
from matchmaker.db import tortoise_config
from matchmaker.mail.files import eml_filename
from matchmaker.models import OutboxMail
from matchmaker.services.mailing import outbox
from tests.mail.factories import outgoing_mail


def run(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "matchmaker", *args], cwd=PROJECT_ROOT, env={**os.environ, **env},
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_every_command_has_help():
    for command in ("serve", "migrate", "demo", "create-organizer", "send-mail"):
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
    assert "email: 该邮箱无法用于注册" in duplicate.stderr
    assert "Traceback" not in duplicate.stderr


def test_a_bad_configuration_is_reported_without_a_traceback(tmp_path):
    result = run("migrate", env={"MATCHMAKER_SERVER_PORT": "eighty", "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path)})

    assert result.returncode == 2
    assert "配置错误 (configuration error): setting server_port: cannot use 'eighty'" in result.stderr
    assert "Traceback" not in result.stderr


def test_send_mail_once_writes_the_queued_mail_as_eml_files_and_exits(tmp_path):
    env = {"MATCHMAKER_DATABASE_URL": f"sqlite://{tmp_path}/cli.sqlite3", "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path)}
    assert run("migrate", env=env).returncode == 0
    message_ids = asyncio.run(_queue_two_agendas(env["MATCHMAKER_DATABASE_URL"], tmp_path))

    result = run("send-mail", "--once", env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "待发邮件已处理 (outbox drained): sent=2 retrying=0 failed=0 dead=0 in_doubt=0"
    assert sorted(path.name for path in (tmp_path / "mail").iterdir()) == sorted(
        eml_filename(message_id) for message_id in message_ids)


async def _queue_two_agendas(database_url: str, var_dir) -> list[str]:
    settings = load_settings(database_url=database_url, paths_var_dir=str(var_dir))
    await Tortoise.init(config=tortoise_config(settings))
    try:
        await outbox.enqueue_all([outgoing_mail(1), outgoing_mail(2)], domain="example.gov.cn")
        return await OutboxMail.all().values_list("message_id", flat=True)
    finally:
        await Tortoise.close_connections()
