"""backup / restore: the demo city into a fresh database (SQLite file or PostgreSQL database)
and a fresh var/, every table and every file compared."""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
import sys

import pytest
from tortoise import Tortoise, connections

from matchmaker.backup import BackupError, backup, restore
from matchmaker.config import PROJECT_ROOT
from matchmaker.db import tortoise_config
from matchmaker.demo.city import load_demo
from tests.database import _admin, _with_database, postgres_server


async def every_table() -> dict[str, list[dict]]:
    tables = {}
    for name, model in sorted(Tortoise.apps["matchmaker"].items()):
        tables[name] = await model.all().order_by(model._meta.pk_attr).values()
    _, rows = await connections.get("default").execute_query("SELECT app, name FROM tortoise_migrations ORDER BY name")
    tables["tortoise_migrations"] = [dict(row) for row in rows]
    return tables


def files_under(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with nothing in it, not even the schema."""
    server = postgres_server()
    if not server:
        yield f"sqlite://{tmp_path / 'restored' / 'matchmaker.sqlite3'}"
        return
    name = f"mm_test_restore_{tmp_path.name[-12:].replace('-', '_')}"
    asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'))
    yield _with_database(server, name)
    asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_a_restored_backup_holds_every_row_and_every_file(settings, empty_database_url, tmp_path):
    async def load_and_read() -> dict[str, list[dict]]:
        await Tortoise.init(config=tortoise_config(settings))
        try:
            await load_demo(settings.var_dir)
            return await every_table()
        finally:
            await Tortoise.close_connections()

    original = asyncio.run(load_and_read())
    assert len(original["Meeting"]) > 0 and len(original["Pitch"]) == 12
    original_files = files_under(settings.var_dir)
    assert any(name.endswith(".pdf") for name in original_files)  # the roadshow's business plans

    archive = tmp_path / "backups" / "matchmaker.tar"
    manifest = backup(settings, archive)
    assert manifest["migrations"][-1] == original["tortoise_migrations"][-1]["name"]

    with pytest.raises(BackupError):  # the live database has tables: refused without --force
        restore(settings, archive)

    target = dataclasses.replace(settings, database_url=empty_database_url, paths_var_dir=str(tmp_path / "var2"))
    restore(target, archive)

    async def read() -> dict[str, list[dict]]:
        await Tortoise.init(config=tortoise_config(target))
        try:
            return await every_table()
        finally:
            await Tortoise.close_connections()

    restored = asyncio.run(read())
    assert restored.keys() == original.keys()
    different = [name for name in original if restored[name] != original[name]]
    assert different == []
    assert files_under(target.var_dir) == original_files


def test_the_commands_report_a_refused_restore_and_the_help(settings, tmp_path):
    env = {"MATCHMAKER_DATABASE_URL": settings.database_url, "MATCHMAKER_PATHS_VAR_DIR": str(settings.var_dir)}
    run = lambda *args: subprocess.run([sys.executable, "-m", "matchmaker", *args], cwd=PROJECT_ROOT,  # noqa: E731
                                       env={**__import__("os").environ, **env}, capture_output=True, text=True)
    written = run("backup", str(tmp_path / "b.tar"))
    assert written.returncode == 0, written.stderr
    refused = run("restore", str(tmp_path / "b.tar"))
    assert refused.returncode == 1 and "--force" in refused.stderr
    forced = run("restore", "--force", str(tmp_path / "b.tar"))
    assert forced.returncode == 0, forced.stderr
    assert run("backup", "--help").returncode == 0
