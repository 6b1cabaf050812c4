"""Test databases: a migrated template per test session, a fresh copy per test.

SQLite: the template file is copied. PostgreSQL (when MATCHMAKER_TEST_POSTGRES names a server,
e.g. postgres://postgres@127.0.0.1:5432/postgres): `CREATE DATABASE … TEMPLATE …`.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from matchmaker.config import load_settings
from matchmaker.db import migrate

POSTGRES_ENV = "MATCHMAKER_TEST_POSTGRES"
_counter = itertools.count()


def postgres_server() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _admin(url: str, *statements: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


class TemplateDatabase:
    """Migrated once; `fresh()` hands each test its own copy."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.server = postgres_server()
        self.prefix = f"mm_test_{os.getpid()}"
        if self.server:
            self.template_name = f"{self.prefix}_template"
            asyncio.run(_admin(self.server, f'DROP DATABASE IF EXISTS "{self.template_name}"',
                               f'CREATE DATABASE "{self.template_name}"'))
            url = _with_database(self.server, self.template_name)
        else:
            self.template_file = workdir / "template.sqlite3"
            url = f"sqlite://{self.template_file}"
        asyncio.run(migrate(load_settings(database_url=url, paths_var_dir=str(workdir))))
        self.created: list[str] = []

    @property
    def backend(self) -> str:
        return "postgres" if self.server else "sqlite"

    def fresh(self, directory: Path) -> str:
        """A new database with the migrated schema; returns its URL."""
        if self.server:
            name = f"{self.prefix}_{next(_counter)}"
            asyncio.run(_admin(self.server, f'CREATE DATABASE "{name}" TEMPLATE "{self.template_name}"'))
            self.created.append(name)
            return _with_database(self.server, name)
        target = directory / "matchmaker.sqlite3"
        shutil.copyfile(self.template_file, target)
        return f"sqlite://{target}"

    def drop(self, url: str) -> None:
        if self.server:
            name = urlsplit(url).path.lstrip("/")
            asyncio.run(_admin(self.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        if self.server:
            asyncio.run(_admin(self.server, f'DROP DATABASE IF EXISTS "{self.template_name}" WITH (FORCE)'))
