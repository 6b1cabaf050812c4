"""Command line: `python -m matchmaker serve | worker | migrate | demo | create-organizer | send-mail | solve | …`.

Sub-commands that belong to a pure package (solve, eligibility) live next to their code and
register themselves through `register(subparsers)`; each sets `handler`, a callable taking the
parsed arguments and returning an exit code.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from matchmaker.config import ConfigError, load_settings
from matchmaker.matching import command as matching_command
from matchmaker.solver import command as solver_command


def _with_database(work: Callable[[], Awaitable[int]]) -> int:
    """Run `work` with the ORM initialised from the settings (for the maintenance commands)."""
    from tortoise import Tortoise

    from matchmaker.db import tortoise_config

    from matchmaker.services.mailing.identity import configure, identity_from_settings

    async def run() -> int:
        settings = load_settings()
        configure(identity_from_settings(settings))
        await Tortoise.init(config=tortoise_config(settings))
        try:
            return await work()
        finally:
            await Tortoise.close_connections()

    return asyncio.run(run())


def default_workers(database_url: str) -> int:
    """One process on SQLite (one writer at a time anyway), one per CPU on PostgreSQL."""
    import os

    return (os.cpu_count() or 1) if database_url.startswith(("postgres://", "postgresql://")) else 1


def serving_environment(host: str, port: int) -> dict[str, str]:
    """The settings `serve --host H --port P` hands to the app it starts."""
    return {"MATCHMAKER_SERVER_HOST": host, "MATCHMAKER_SERVER_PORT": str(port)}


def _serve(args: argparse.Namespace) -> int:
    """uvicorn on the app factory `matchmaker.app:create_app` (an import string, so that
    `--workers N` can start N processes). With N > 1 the supervisor replaces the workers one by
    one on SIGHUP, each new one serving before the old one stops (graceful restart); SIGTERM
    lets every worker finish the requests in flight."""
    import uvicorn

    from matchmaker.web.observability import log_config, prepare_metrics_directory
    from matchmaker.web.ratelimit import is_shared

    settings = load_settings()  # fails early on a bad configuration; writes the dev secret key once
    workers = args.workers or default_workers(settings.database_url)
    if workers < 1:
        print("--workers 至少为 1 (must be at least 1)", file=sys.stderr)
        return 2
    if workers > 1 and not is_shared(settings.security_rate_limit_storage):
        print("警告：多个进程时登录限流只在各进程内计数，请配置 [security] rate_limit_storage = \"redis://…\" "
              "(warning: memory:// rate limits count per process)", file=sys.stderr)
    host, port = args.host or settings.server_host, args.port or settings.server_port
    # The app (and every worker process) reads its settings afresh: tell it where it is really
    # served, so links in mails default to this host and port when [server] public_url is unset.
    os.environ.update(serving_environment(host, port))
    prepare_metrics_directory(settings.var_dir)  # /metrics adds up every worker's counters
    child = _start_worker_child() if args.with_worker else None
    try:
        uvicorn.run("matchmaker.app:create_app", factory=True, workers=workers, host=host, port=port,
                    proxy_headers=False, log_config=log_config(), access_log=False, timeout_graceful_shutdown=30,
                    timeout_worker_healthcheck=30,  # a new worker on a busy machine imports for seconds
                    # asyncio's loop and h11, whatever else is installed: with uvloop and httptools a
                    # SIGHUP restart of two workers dropped a connection in 3 of 8 runs of
                    # tests/ops/test_serve.py (1 in 13 without), for no CPU the page bench could show.
                    loop="asyncio", http="h11")
    finally:
        if child is not None:
            _stop_worker_child(child)
    return 0


def _start_worker_child():
    """`python -m matchmaker worker` as a child of `serve --with-worker`; the web processes (which
    inherit the environment) leave the background work to it. The child gets SIGTERM if this
    process dies, and SIGINT with it on Ctrl-C (same process group)."""
    import os
    import signal
    import subprocess

    os.environ["MATCHMAKER_JOBS_RUN_IN_WEB"] = "false"

    def die_with_parent() -> None:  # Linux: prctl(PR_SET_PDEATHSIG, SIGTERM)
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)

    child = subprocess.Popen([sys.executable, "-m", "matchmaker", "worker"], preexec_fn=die_with_parent)

    def terminate(signum: int, frame: object) -> None:
        """uvicorn re-raises SIGTERM after its shutdown: stop the worker, then die of the signal."""
        _stop_worker_child(child)
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)

    signal.signal(signal.SIGTERM, terminate)
    return child


def _stop_worker_child(child) -> None:
    import signal
    import subprocess

    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _lower_priority(nice: int) -> None:
    """This process at `nice`, unless it already runs lower (a systemd unit's Nice=; an
    unprivileged process could not raise it back). Linux keeps a nice value per thread and a new
    thread inherits its creator's: each thread running now is set (a native library may have
    started one at import), and every later one inherits it."""
    nice = min(nice, 19)
    if nice <= os.getpriority(os.PRIO_PROCESS, 0):
        return
    tasks = Path("/proc/self/task")
    for thread_id in [int(t.name) for t in tasks.iterdir()] if tasks.is_dir() else [0]:
        os.setpriority(os.PRIO_PROCESS, thread_id, nice)


def _worker(args: argparse.Namespace) -> int:
    """The worker process (matchmaker/worker.py) until SIGINT or SIGTERM: a solver run in flight
    is given back to the queue (the next worker starts it again), the mail in flight finished."""
    settings = load_settings()
    _lower_priority(settings.jobs_worker_nice)  # before the imports below start any thread

    import logging.config
    import os
    import signal

    from tortoise import Tortoise

    from matchmaker.db import tortoise_config
    from matchmaker.services.mailing.identity import configure, identity_from_settings
    from matchmaker.web.observability import log_config
    from matchmaker.worker import Worker

    logging.config.dictConfig(log_config())  # the same JSON lines as the web processes'

    async def run() -> None:
        configure(identity_from_settings(settings))
        await Tortoise.init(config=tortoise_config(settings))
        worker = Worker.from_settings(settings)
        loop = asyncio.get_running_loop()
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(stop_signal, worker.stop)
        try:
            await worker.run()
        finally:
            await Tortoise.close_connections()
        if worker.busy:  # the solver thread of the run given back cannot be interrupted: do not wait for it
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)

    asyncio.run(run())
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from matchmaker.db import migrate

    asyncio.run(migrate(load_settings()))
    print("数据库已是最新结构 (migrations applied)")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from matchmaker.demo.city import DEMO_PASSWORD, demo_is_loaded, load_demo

    async def work() -> int:
        if await demo_is_loaded():
            print("演示数据已存在，未重复加载 (demo data already present)")
            return 0
        created = await load_demo(load_settings().var_dir)
        print(f"已加载演示数据：{created} 个单位，演示账户密码 {DEMO_PASSWORD} (demo loaded)")
        return 0

    return _with_database(work)


def _report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from matchmaker.errors import InvalidInput, NotFound
    from matchmaker.services.reports.exports import report_file

    output = Path(args.output)

    async def work() -> int:
        try:
            body = await report_file(suffix=output.suffix.lower(), period=args.period or "",
                                     programme_id=args.programme, event_id=args.event)
        except InvalidInput as error:
            print("；".join(error.problems.values()), file=sys.stderr)
            return 2
        except NotFound as error:
            print(error.message, file=sys.stderr)
            return 1
        output.write_bytes(body)
        print(f"已写入 {output} ({len(body)} 字节)")
        return 0

    return _with_database(work)


def _create_organizer(args: argparse.Namespace) -> int:
    from matchmaker.errors import InvalidInput
    from matchmaker.services.accounts.organizations import RegistrationDraft, register_organization

    password = args.password or getpass.getpass("密码 (password): ")

    async def work() -> int:
        draft = RegistrationDraft(kind="government", organization_name=args.organization, admin_name=args.name,
                                  email=args.email, password=password)
        try:
            await register_organization(draft, password_min_length=load_settings().security_password_min_length,
                                        is_organizer=True, allowed_kinds=frozenset({"government"}))
        except InvalidInput as error:
            for field, message in error.problems.items():
                print(f"{field}: {message}", file=sys.stderr)
            return 2
        print(f"已创建组织方账户 {args.email} (organizer created)")
        return 0

    return _with_database(work)


REGISTRY_KINDS = ("enterprises", "needs", "products", "policies")


def _import(args: argparse.Namespace) -> int:
    """Import a registry file: every row or none; the report goes to stderr, exit 1 on any error."""
    from pathlib import Path

    from matchmaker.services.registry.io.transfer import (ImportRejected, Limits, import_file, make_context,
                                                          preview_import)

    settings = load_settings()
    path = Path(args.file)

    async def work() -> int:
        from matchmaker.services.registry.provenance import Source

        source = Source.imported(path.name, source=args.source, verified=args.verified)
        ctx = await make_context(chains=settings.registry_industry_chains, source=source)
        limits = Limits(max_bytes=settings.registry_import_max_bytes, max_rows=settings.registry_import_max_rows)
        try:
            if args.dry_run:
                preview = await preview_import(args.kind, path.name, path.read_bytes(), ctx=ctx, limits=limits)
                for row in preview:
                    print(f"{row.label}\t{row.title}\t{'新建' if row.creates else '更新'}"
                          f"{'' if row.changes or row.creates else '（无变化）'}")
                    for change in row.changes:
                        print(f"\t{change.header}: {change.before or '（空）'} → {change.after or '（空）'}")
                print(f"预览 {len(preview)} 条，未写入任何数据 (dry run: nothing written)")
                return 0
            count = await import_file(args.kind, path.name, path.read_bytes(), ctx=ctx, limits=limits)
        except ImportRejected as error:
            print(f"{error.message} ({args.file})", file=sys.stderr)
            for problem in error.problems:
                print(f"{problem.row}\t{problem.column}\t{problem.message}", file=sys.stderr)
            return 1
        print(f"已导入 {count} 条{args.kind} (imported)")
        return 0

    if not path.is_file():
        print(f"找不到文件 {args.file} (file not found)", file=sys.stderr)
        return 2
    return _with_database(work)


def _export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from matchmaker.services.registry.io.transfer import ImportRejected, export_file, file_format, make_context

    settings = load_settings()
    path = Path(args.file)

    async def work() -> int:
        try:
            data = await export_file(args.kind, file_format(path.name),
                                     ctx=await make_context(chains=settings.registry_industry_chains))
        except ImportRejected as error:
            print(error.problems[0].message, file=sys.stderr)
            return 2
        path.write_bytes(data)
        print(f"已导出到 {path} (exported)")
        return 0

    return _with_database(work)


def _send_mail(args: argparse.Namespace) -> int:
    """The outbox worker as its own process (run the app with [mail] worker_enabled = false)."""
    import signal

    from matchmaker.services.mailing.worker import worker_from_settings

    async def work() -> int:
        worker = worker_from_settings(load_settings())
        try:
            if args.once:
                tally = await worker.run_until_idle()
                print(f"待发邮件已处理 (outbox drained): {tally}")
                return 0
            loop = asyncio.get_running_loop()
            for stop_signal in (signal.SIGINT, signal.SIGTERM):  # finish the message in flight
                loop.add_signal_handler(stop_signal, worker.stop)
            await worker.run()
            return 0
        finally:
            await worker.transport.close()

    return _with_database(work)


def _export_problem(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from matchmaker.models import Event
    from matchmaker.services.scheduling.problem_export import export_problem

    async def work() -> int:
        event = await Event.get_or_none(pk=args.event_id)
        if event is None:
            print(f"活动 {args.event_id} 不存在 (no such event)", file=sys.stderr)
            return 2
        text = json.dumps(await export_problem(event), ensure_ascii=False, indent=2)
        if args.output == "-":
            print(text)
        else:
            Path(args.output).write_text(text + "\n", encoding="utf-8")
            print(f"已导出排程问题到 {args.output} (problem exported)")
        return 0

    return _with_database(work)


def _expire_requests(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from matchmaker.services.events.requests import expire_requests

    async def work() -> int:
        expired = await expire_requests(datetime.now(UTC))
        print(f"已将 {expired} 个超过答复截止时间的约见申请标记为过期 (requests expired)")
        return 0

    return _with_database(work)


def _send_reminders(args: argparse.Namespace) -> int:
    from datetime import date

    from matchmaker.services.mailing.reminders import queue_reminders

    try:
        day = date.fromisoformat(args.day)
    except ValueError:
        print(f"日期格式应为 YYYY-MM-DD (bad --day): {args.day}", file=sys.stderr)
        return 2

    async def work() -> int:
        queued = await queue_reminders(day)
        print(f"已为 {day.isoformat()} 的洽谈排队 {queued} 封提醒邮件 (reminders queued)")
        return 0

    return _with_database(work)


def _send_lead_reminders(args: argparse.Namespace) -> int:
    from matchmaker.services.outcomes.reminders import queue_lead_reminders

    async def work() -> int:
        queued = await queue_lead_reminders()
        print(f"已排队 {queued} 封对接线索提醒邮件 (lead reminders queued)")
        return 0

    return _with_database(work)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m matchmaker", description="银企对接与融资路演平台 matchmaker")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = subparsers.add_parser("serve", help="serve the web app (uvicorn)")
    serve.add_argument("--host", help="listen address (default: [server] host)")
    serve.add_argument("--port", type=int, help="port (default: [server] port)")
    serve.add_argument("--workers", type=int,
                       help="processes (default: 1 on SQLite, the number of CPUs on PostgreSQL); "
                            "SIGHUP restarts them one by one")
    serve.add_argument("--with-worker", action="store_true",
                       help="also start `worker` as a child process; the web processes leave it the "
                            "background work (what `make run` does)")
    serve.set_defaults(handler=_serve)
    subparsers.add_parser("worker", help="run solver runs, mail and the periodic jobs (request expiry, "
                          "reminders) off the web process").set_defaults(handler=_worker)

    subparsers.add_parser("migrate", help="apply database migrations").set_defaults(handler=_migrate)
    subparsers.add_parser("demo", help="load the demo city programme once").set_defaults(handler=_demo)

    organizer = subparsers.add_parser("create-organizer", help="create a platform organizer account")
    organizer.add_argument("--email", required=True)
    organizer.add_argument("--name", required=True, help="the person's name")
    organizer.add_argument("--organization", required=True, help="e.g. 某市科学技术局")
    organizer.add_argument("--password", help="prompted for when omitted (keeps it out of shell history)")
    organizer.set_defaults(handler=_create_organizer)

    importer = subparsers.add_parser("import", help="import a registry from .xlsx or .json (all rows or none)")
    importer.add_argument("kind", choices=REGISTRY_KINDS)
    importer.add_argument("file", help="the format follows the extension: .xlsx or .json")
    importer.add_argument("--dry-run", action="store_true",
                          help="show what would be created and which fields would change, write nothing")
    importer.add_argument("--source", default="",
                          help="where the profile values come from, shown beside them (default: the file name)")
    importer.add_argument("--verified", action="store_true",
                          help="the department that holds the data sent it: mark the values 已核验")
    importer.set_defaults(handler=_import)
    exporter = subparsers.add_parser("export", help="export a registry to .xlsx or .json")
    exporter.add_argument("kind", choices=REGISTRY_KINDS)
    exporter.add_argument("file", help="the format follows the extension: .xlsx or .json")
    exporter.set_defaults(handler=_export)
    send_mail = subparsers.add_parser("send-mail", help="send queued mail (the outbox worker)")
    send_mail.add_argument("--once", action="store_true",
                           help="send what is due now, then exit (default: keep running)")
    send_mail.set_defaults(handler=_send_mail)
    export = subparsers.add_parser("export-problem", help="write an event as a schedule problem (JSON)")
    export.add_argument("event_id", type=int)
    export.add_argument("-o", "--output", default="-", help="file to write (default: standard output)")
    export.set_defaults(handler=_export_problem)

    subparsers.add_parser("expire-requests", help="expire meeting requests past their answer deadline (cron)"
                          ).set_defaults(handler=_expire_requests)

    reminders = subparsers.add_parser("send-reminders", help="queue the day-before reminders for a day's meetings (cron)")
    reminders.add_argument("--day", required=True, help="the meetings' day, YYYY-MM-DD (Beijing time)")
    reminders.set_defaults(handler=_send_reminders)
    subparsers.add_parser("send-lead-reminders", help="queue the financing-lead reminders due now (cron, daily)"
                          ).set_defaults(handler=_send_lead_reminders)

    report = subparsers.add_parser("report", help="write a programme's or an event's statistics as .xlsx or .docx")
    target = report.add_mutually_exclusive_group(required=True)
    target.add_argument("--programme", type=int, help="programme id")
    target.add_argument("--event", type=int, help="event id")
    report.add_argument("--period", default="", help="2026-Q4, 2026-11, 2026 or 2026-10-01..2026-12-31 "
                                                     "(default: the programme's own period)")
    report.add_argument("-o", "--output", required=True, help="report.xlsx or report.docx")
    report.set_defaults(handler=_report)

    from matchmaker import backup

    for module in (solver_command, matching_command, backup):
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ConfigError as error:
        print(f"配置错误 (configuration error): {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
