"""Tortoise's SQLite backend with write transactions that wait for each other across processes.

Tortoise opens every transaction with a plain (deferred) `BEGIN`: the transaction reads under a
snapshot and asks for the write lock only at its first write. When another process (the worker,
a second web process, the CLI) has written in between, SQLite cannot upgrade that snapshot and
answers "database is locked" at once — the busy timeout does not apply (SQLITE_BUSY_SNAPSHOT).
The web process and the worker share one SQLite file (`make run`), and almost every service
transaction reads before it writes (a login reads the membership, then audits), so such
transactions failed with a 500 whenever the worker wrote at the same moment.

`BEGIN IMMEDIATE` takes the write lock when the transaction starts, waiting up to the busy
timeout (db.py sets 5 s) for another process's transaction to end; no snapshot can then go
stale. Within one process Tortoise already runs one transaction at a time on its single SQLite
connection, so nothing is serialized here that was not before. Reads outside transactions are
unchanged (WAL: they never wait for a writer).

Tortoise also counts a statement's rows from the connection's `total_changes`, which includes
the rows the statement's triggers wrote: with the statistics epoch triggers (migration 0021) an
UPDATE of one row reported two, and every conditional update (`... .update(...) != 1`: publish a
version, mark a meeting, take a lease) read as lost to a concurrent writer. The count here is
the statement's own (the cursor's rowcount, SQLite's `changes()`), as PostgreSQL reports it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from tortoise.backends.sqlite import client as tortoise_sqlite
from tortoise.exceptions import TransactionManagementError


class _OwnRowCount:
    @tortoise_sqlite.translate_exceptions
    async def execute_query(self, query: str, values: list | None = None) -> tuple[int, Sequence]:
        query = query.replace("\x00", "'||CHAR(0)||'")  # as Tortoise's own
        async with self.acquire_connection() as connection:
            self.log.debug("%s: %s", query, values)
            cursor = await connection.execute(query, values)
            try:
                rows = await cursor.fetchall()
                changed = cursor.rowcount  # -1 for a statement that changes nothing (a SELECT)
            finally:
                await cursor.close()
            return max(changed, 0) or len(rows), rows


class ImmediateTransactionWrapper(_OwnRowCount, tortoise_sqlite.SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc

    def _in_transaction(self) -> tortoise_sqlite.TransactionContext:
        return tortoise_sqlite.NestedTransactionContext(ImmediateTransactionWrapper(self))


class SqliteClient(_OwnRowCount, tortoise_sqlite.SqliteClient):
    def _in_transaction(self) -> tortoise_sqlite.TransactionContext:
        return tortoise_sqlite.SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = SqliteClient
