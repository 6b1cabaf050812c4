"""`python -m matchmaker backup FILE` and `restore FILE`: the database and the files under var/
(business plans, written mail, the development secret key) in one tar archive.

- SQLite: SQLite's online backup API (`sqlite3.Connection.backup`), a consistent copy taken
  while the app keeps serving and writing; restored the same way into the target file.
- PostgreSQL: `pg_dump --format=custom` of the whole database, restored with `pg_restore
  --clean --if-exists --no-owner` (both client programs must be on PATH, same major version
  as the server or newer).

The archive (`matchmaker-backup/1`) holds `manifest.json` (engine, time, the migrations the
database had), `database.sqlite3` or `database.pgdump`, and `var/…`. It may hold the secret key
and personal data: keep it like the key itself. A restore refuses a database that already has
tables unless `--force` is given; files in var/ the archive does not name are left alone.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from matchmaker.config import Settings, load_settings
from matchmaker.db import committed_migrations, database_url

FORMAT = "matchmaker-backup/1"
#: Left out of var/: the SQLite database (copied through the backup API instead) and what a
#: process rebuilds by itself.
SKIPPED = ("prometheus",)


class BackupError(Exception):
    """Cannot back up or restore; the message says why."""


def _engine(url: str) -> str:
    if url.startswith("sqlite://"):
        return "sqlite"
    if url.startswith(("postgres://", "postgresql://")):
        return "postgres"
    raise BackupError(f"不支持的数据库 (unsupported database): {url.split(':', 1)[0]}")


def _sqlite_path(url: str) -> Path:
    path = url[len("sqlite://"):].partition("?")[0]
    if path == ":memory:":
        raise BackupError("内存数据库无法备份 (an in-memory database cannot be backed up)")
    return Path(path)


def _libpq_url(url: str) -> str:
    """pg_dump wants postgresql://; Tortoise's own query options (e.g. minsize) are dropped."""
    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    return parts._replace(query="").geturl()


def _pg_program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端 (postgresql-client) ({name} not on PATH)")
    return found


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} 失败 (failed): {done.stderr.strip()}")


def _var_files(var_dir: Path, database_file: Path | None, archive: Path) -> list[Path]:
    skipped = {var_dir / name for name in SKIPPED}
    excluded: set[Path] = {archive.resolve()}
    if database_file is not None:
        excluded |= {Path(f"{database_file}{suffix}").resolve() for suffix in ("", "-wal", "-shm", "-journal")}
    files = []
    for path in sorted(var_dir.rglob("*")) if var_dir.is_dir() else []:
        if path.is_file() and path.resolve() not in excluded and not any(p in skipped for p in path.parents):
            files.append(path)
    return files


def _applied_sqlite(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        try:
            rows = connection.execute("SELECT name FROM tortoise_migrations ORDER BY name").fetchall()
        except sqlite3.OperationalError:
            return []
    return [name for (name,) in rows]


def backup(settings: Settings, archive: Path) -> dict:
    """Write the archive; returns its manifest."""
    url = database_url(settings)
    engine = _engine(url)
    archive = archive.resolve()
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="matchmaker-backup-") as scratch:
        scratch_dir = Path(scratch)
        if engine == "sqlite":
            source_path = _sqlite_path(url)
            if not source_path.exists():
                raise BackupError(f"数据库文件不存在 (no database file): {source_path}")
            copy = scratch_dir / "database.sqlite3"
            source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
            target = sqlite3.connect(copy)
            try:
                source.backup(target)  # the online backup API: consistent while others write
            finally:
                target.close()
                source.close()
            database_member, migrations = copy, _applied_sqlite(copy)
        else:
            source_path = None
            database_member = scratch_dir / "database.pgdump"
            _run([_pg_program("pg_dump"), "--format=custom", "--no-owner", f"--file={database_member}",
                  f"--dbname={_libpq_url(url)}"])
            migrations = committed_migrations()  # what the code expects; pg_restore restores what was there
        manifest = {"format": FORMAT, "engine": engine, "created_at": datetime.now(UTC).isoformat(),
                    "migrations": migrations, "var_files": []}
        var_dir = settings.var_dir
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(database_member, arcname=database_member.name)
            for path in _var_files(var_dir, source_path, archive):
                name = "var/" + path.relative_to(var_dir).as_posix()
                tar.add(path, arcname=name)
                manifest["var_files"].append(name)
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, archive)  # a reader never sees half an archive
    return manifest


def _sqlite_has_tables(path: Path) -> bool:
    if not path.exists():
        return False
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0


def _postgres_has_tables(url: str) -> bool:
    done = subprocess.run([_pg_program("psql"), "--no-psqlrc", "--tuples-only", "--no-align", "--command",
                           "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
                           _libpq_url(url)], capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"无法连接数据库 (cannot reach the database): {done.stderr.strip()}")
    return int(done.stdout.strip() or 0) > 0


def restore(settings: Settings, archive: Path, *, force: bool = False) -> dict:
    """Put the archive's database and var/ files in place; returns its manifest."""
    url = database_url(settings)
    engine = _engine(url)
    with tarfile.open(archive, "r") as tar:
        try:
            manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        except KeyError:
            raise BackupError("不是 matchmaker 备份文件 (no manifest.json)") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"不支持的备份格式 (unsupported format): {manifest.get('format')}")
        if manifest["engine"] != engine:
            raise BackupError(f"备份来自 {manifest['engine']}，目标数据库是 {engine} "
                              f"(the archive is a {manifest['engine']} backup)")
        with tempfile.TemporaryDirectory(prefix="matchmaker-restore-") as scratch:
            scratch_dir = Path(scratch)
            tar.extractall(scratch_dir, filter="data")  # no absolute paths, no .., no devices
            if engine == "sqlite":
                target_path = _sqlite_path(url)
                if _sqlite_has_tables(target_path) and not force:
                    raise BackupError(f"目标数据库已有数据，加 --force 覆盖 (target has tables; --force): {target_path}")
                target_path.parent.mkdir(parents=True, exist_ok=True)
                source = sqlite3.connect(scratch_dir / "database.sqlite3")
                target = sqlite3.connect(target_path)
                try:
                    source.backup(target)  # replaces every page of the target, WAL included
                finally:
                    target.close()
                    source.close()
            else:
                if _postgres_has_tables(url) and not force:
                    raise BackupError("目标数据库已有数据，加 --force 覆盖 (target has tables; --force)")
                _run([_pg_program("pg_restore"), "--clean", "--if-exists", "--no-owner", "--exit-on-error",
                      f"--dbname={_libpq_url(url)}", str(scratch_dir / "database.pgdump")])
            var_dir = settings.var_dir
            extracted = scratch_dir / "var"
            for path in sorted(extracted.rglob("*")) if extracted.is_dir() else []:
                if path.is_file():
                    destination = var_dir / path.relative_to(extracted)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, destination)
    return manifest


def _backup_command(args: argparse.Namespace) -> int:
    try:
        manifest = backup(load_settings(), Path(args.file))
    except BackupError as error:
        print(f"备份失败 (backup failed): {error}", file=sys.stderr)
        return 1
    print(f"已备份 {manifest['engine']} 数据库与 {len(manifest['var_files'])} 个文件到 {args.file} "
          f"(backup written)")
    return 0


def _restore_command(args: argparse.Namespace) -> int:
    try:
        manifest = restore(load_settings(), Path(args.file), force=args.force)
    except (BackupError, tarfile.TarError, OSError) as error:
        print(f"恢复失败 (restore failed): {error}", file=sys.stderr)
        return 1
    print(f"已恢复 {manifest['created_at']} 的备份（{len(manifest['var_files'])} 个文件）；"
          f"请运行 migrate 后再启动 (restored; run migrate, then serve)")
    return 0


def register(subparsers) -> None:
    backup_parser = subparsers.add_parser("backup", help="back up the database and var/ into one archive",
                                          description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    backup_parser.add_argument("file", metavar="FILE", help="the archive to write (a tar file)")
    backup_parser.set_defaults(handler=_backup_command)
    restore_parser = subparsers.add_parser("restore", help="restore a backup archive (into an empty database)",
                                           description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    restore_parser.add_argument("file", metavar="FILE")
    restore_parser.add_argument("--force", action="store_true", help="replace a database that already has tables")
    restore_parser.set_defaults(handler=_restore_command)
