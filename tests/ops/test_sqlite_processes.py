"""Two processes on one SQLite file (`make run`: the web process and the worker): a service
transaction that reads and then writes waits for the other process's write instead of failing
with "database is locked" (matchmaker/sqlite_engine.py)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest

from matchmaker.models import AuditLog
from matchmaker.services.accounts.organizations import record_login

# The other process: takes the write lock, changes a row, keeps the lock for `hold` seconds.
HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE organization SET name = name || '·' WHERE id = ?", (int(sys.argv[2]),))
print("holding", flush=True)
time.sleep(float(sys.argv[3]))
connection.execute("COMMIT")
print("committed", flush=True)
"""


@pytest.fixture
def sqlite_file(settings) -> str:
    if not settings.database_url.startswith("sqlite://"):
        pytest.skip("SQLite's locking between processes (PostgreSQL locks rows)")
    return settings.database_url[len("sqlite://"):].partition("?")[0]


async def test_a_login_waits_for_the_other_process_write_instead_of_failing(app, make_organization,
                                                                             sqlite_file):
    user = await make_organization("enterprise")
    organization_id = (await user.membership).organization_id
    with subprocess.Popen([sys.executable, "-c", HOLDER, sqlite_file, str(organization_id), "1.0"],
                          stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        # record_login reads the user's organization, then audits: a read, then a write, in one
        # transaction — the shape that failed at once when the worker wrote meanwhile.
        await record_login(user)
        waited = time.monotonic() - started
        assert holder.stdout.readline().strip() == "committed"
    assert holder.returncode == 0
    assert await AuditLog.filter(action="user.login", actor_id=user.pk).count() == 1
    assert waited > 0.5  # it waited for the holder's commit rather than writing around its lock


async def test_transactions_of_one_process_still_run_concurrently_without_error(app, make_organization,
                                                                                 sqlite_file):
    users = [await make_organization("enterprise") for _ in range(3)]
    await asyncio.gather(*(record_login(user) for user in users for _ in range(5)))
    assert await AuditLog.filter(action="user.login").count() == 15
