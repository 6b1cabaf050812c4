"""A throwaway PostgreSQL database for a benchmark run (bench/reports.py, bench/page_cpu.py)."""

from __future__ import annotations


async def scratch_database(server: str, name: str, *, create: bool) -> str:
    """Drop the database `name` on the server (the URL of any of its databases), then create it
    again when `create`; the URL of that database."""
    import asyncpg

    connection = await asyncpg.connect(server)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return server.rsplit("/", 1)[0] + f"/{name}"
