"""Tortoise configuration built from Settings, and the migration runner."""

from __future__ import annotations

from pathlib import Path

from matchmaker.config import PROJECT_ROOT, Settings, load_settings

APP_LABEL = "matchmaker"


def database_url(settings: Settings) -> str:
    """The connection URL, with a relative SQLite path resolved against the project root."""
    url = settings.database_url
    prefix = "sqlite://"
    if url.startswith(prefix) and not url.startswith(prefix + ":memory:"):
        path, _, query = url[len(prefix):].partition("?")
        if not Path(path).is_absolute():
            path = str(PROJECT_ROOT / path)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if "busy_timeout" not in query:  # several writers (app, mail worker) must wait, not fail
            query = "&".join(filter(None, [query, "busy_timeout=5000"]))
        url = f"{prefix}{path}?{query}"
    return url


def connection_config(settings: Settings) -> dict:
    """Tortoise's connection settings for the URL; SQLite through our engine, whose transactions
    take the write lock when they begin (matchmaker/sqlite_engine.py says why)."""
    from tortoise.backends.base.config_generator import expand_db_url

    config = expand_db_url(database_url(settings))
    if config["engine"] == "tortoise.backends.sqlite":
        config["engine"] = "matchmaker.sqlite_engine"
    return config


def tortoise_config(settings: Settings) -> dict:
    return {
        "connections": {"default": connection_config(settings)},
        "apps": {
            APP_LABEL: {
                "models": ["matchmaker.models"],
                "default_connection": "default",
                "migrations": "matchmaker.migrations",
            }
        },
        "use_tz": True,
        "timezone": "Asia/Shanghai",
    }


async def migrate(settings: Settings) -> None:
    """Apply every committed migration (Tortoise's own migration engine)."""
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate as run_migrations

    try:
        await run_migrations(config=tortoise_config(settings))
    finally:
        await Tortoise.close_connections()


def committed_migrations() -> list[str]:
    """The migration names in matchmaker/migrations, in order ("0001_initial", ...)."""
    folder = Path(__file__).parent / "migrations"
    return sorted(p.stem for p in folder.glob("[0-9][0-9][0-9][0-9]_*.py"))


async def readiness_problems() -> list[str]:
    """Why the database cannot serve yet (empty: it can): unreachable, or migrations not applied.
    Two statements: `SELECT 1` and the applied migrations Tortoise recorded."""
    from tortoise import connections

    try:
        connection = connections.get("default")
        await connection.execute_query("SELECT 1")
    except Exception as error:  # any driver error means the same to a load balancer
        return [f"database unreachable: {type(error).__name__}: {error}"]
    try:
        _, rows = await connection.execute_query(
            f"SELECT name FROM tortoise_migrations WHERE app = '{APP_LABEL}'")  # nosec B608 - a constant
    except Exception:
        rows = []
    applied = {row["name"] for row in rows}
    missing = [name for name in committed_migrations() if name not in applied]
    return [f"migrations not applied: {', '.join(missing)}"] if missing else []


def _config_for_tortoise_cli() -> dict:
    """`TORTOISE_ORM=matchmaker.db.TORTOISE_ORM python -m tortoise makemigrations` reads this."""
    return tortoise_config(load_settings())


def __getattr__(name: str) -> dict:
    if name == "TORTOISE_ORM":
        return _config_for_tortoise_cli()
    raise AttributeError(name)
