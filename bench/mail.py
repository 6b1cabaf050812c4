"""Mail benchmark: queue a published schedule's agendas in one transaction, deliver every one.

    .venv/bin/python bench/mail.py [--count 2000] [--fault stop-smtp-midway] [--database URL]

Each agenda is composed with the real templates (`render_email("agenda.html", …)`) and carries
an agenda.ics of 6 meetings built by `agenda_calendar`; all are queued with one `enqueue_all`
inside one transaction, as schedule publishing will do, then one outbox worker delivers them
over one SMTP connection to an aiosmtpd server running in a child process (so that the server
does not share the worker's interpreter lock). With ``--fault stop-smtp-midway`` the server is
stopped once half the messages have arrived and started again two seconds later.

Prints one table of phases (wall and CPU seconds of the worker's process: on a shared machine
the CPU column is the one that does not depend on the neighbours) and memory, then one line:
``sent=N duplicates=D lost=L seconds=S`` where sent counts distinct Message-IDs received,
duplicates the extra copies, lost the queued messages never received, and seconds the whole
run from composing the first mail to the last one marked sent.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise  # noqa: E402
from tortoise.transactions import in_transaction  # noqa: E402

from matchmaker.config import load_settings  # noqa: E402
from matchmaker.db import migrate, tortoise_config  # noqa: E402
from matchmaker.mail.calendar import CalendarMeeting, agenda_calendar  # noqa: E402
from matchmaker.mail.compose import AgendaLine, AgendaMail, render_email  # noqa: E402
from matchmaker.mail.smtp import SmtpTransport  # noqa: E402
from matchmaker.services.mailing.worker import OutboxWorker, WorkerOptions, running_worker  # noqa: E402
from matchmaker.models import OutboxMail, OutboxState  # noqa: E402
from matchmaker.services.mailing.outbox import OutgoingMail, RetryPolicy, enqueue_all  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
SENDER = "银企对接平台 <noreply@kjj.example.gov.cn>"
EVENT_ID = 2026
MEETINGS_PER_AGENDA = 6
OPTIONS = WorkerOptions(batch_size=50, lease_seconds=120, poll_seconds=0.05, pause_cap_seconds=0.5,
                        retry=RetryPolicy(base_seconds=0.2, cap_seconds=1.0, max_attempts=50))
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)\s*$", re.MULTILINE | re.IGNORECASE)


# --- the SMTP server, in its own process ------------------------------------------------------


def smtp_server_process(port: int, commands, received_count) -> None:
    """Serve SMTP on 127.0.0.1:`port`; obey "start", "stop", "ids", "exit" from `commands`."""
    from aiosmtpd.controller import Controller

    message_ids: list[bytes] = []

    class CountingHandler:
        async def handle_DATA(self, server, session, envelope) -> str:
            found = _MESSAGE_ID.search(envelope.original_content or b"")
            message_ids.append(found.group(1) if found else b"")
            with received_count.get_lock():
                received_count.value += 1
            return "250 2.0.0 accepted"

    controller: Controller | None = None
    while True:
        command = commands.recv()
        if command == "start":
            controller = Controller(CountingHandler(), hostname="127.0.0.1", port=port,
                                    ready_timeout=10.0)
            controller.start()
        elif command == "stop" and controller is not None:
            controller.stop()
            controller = None
        elif command == "ids":
            commands.send([m.decode("ascii") for m in message_ids])
            continue
        elif command == "exit":
            if controller is not None:
                controller.stop()
            return
        commands.send("ok")


class SmtpChild:
    def __init__(self, port: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.port = port
        self.received = context.Value("i", 0)
        self._pipe, child_end = context.Pipe()
        self._process = context.Process(target=smtp_server_process,
                                         args=(port, child_end, self.received), daemon=True)
        self._process.start()

    def command(self, name: str):
        self._pipe.send(name)
        return self._pipe.recv()

    def close(self) -> None:
        self._pipe.send("exit")
        self._process.join(10)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the agendas, composed for real -------------------------------------------------------------


def agenda_mail(participant: int, *, published_at: datetime) -> OutgoingMail:
    """Participant `participant`'s agenda of six 20-minute meetings on 8 December 2026."""
    language = "en" if participant % 5 == 0 else "zh"
    lines, meetings = [], []
    for k in range(MEETINGS_PER_AGENDA):
        start = datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI) + timedelta(minutes=30 * k)
        end = start + timedelta(minutes=20)
        institution = 900 + (participant + k) % 120
        counterpart = f"星河银行第{institution}支行"
        topic = f"科技成果转化贷款 {100 * (k + 1)}万元"
        lines.append(AgendaLine(start=start, end=end, counterpart=counterpart, topic=topic,
                                table=(participant + k) % 40 + 1))
        meetings.append(CalendarMeeting(
            event_id=EVENT_ID, enterprise_id=participant, institution_id=institution,
            start=start, end=end, summary=f"洽谈：{counterpart}",
            location=f"星河国际会展中心 B馆 第{lines[-1].table}桌", description=f"事项：{topic}",
            sequence=0))
    context = AgendaMail(participant_name=f"参会企业{participant}", event_title="2026 科技金融银企对接会",
                         venue="星河国际会展中心 B馆", version=1, meetings=lines,
                         agenda_url=f"https://match.example.gov.cn/events/{EVENT_ID}/agenda")
    rendered = render_email("agenda.html", context, language=language)
    ics = agenda_calendar(meetings, organizer_email="noreply@kjj.example.gov.cn",
                          dtstamp=published_at)
    return OutgoingMail(rendered=rendered, recipient_email=f"p{participant}@example.cn",
                        recipient_name=f"参会企业{participant}", kind="agenda",
                        idempotency_key=f"agenda:{EVENT_ID}:{participant}:1", language=language,
                        ics=ics, event_id=EVENT_ID)


# --- the run -------------------------------------------------------------------------------------


def rss_mib() -> float:
    """Resident memory of this process now (not the peak), from /proc."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * 4096 / 2**20


async def run(count: int, fault: str | None, database_url: str | None, workdir: Path) -> int:
    url = database_url or f"sqlite://{workdir}/bench.sqlite3"
    settings = load_settings(database_url=url, paths_var_dir=str(workdir))
    await migrate(settings)
    await Tortoise.init(config=tortoise_config(settings))
    if database_url:
        await OutboxMail.all().delete()  # a PostgreSQL database is reused between runs
    server = SmtpChild(free_port())
    server.command("start")
    memory: list[tuple[str, float]] = [("start", rss_mib())]
    phases: list[tuple[str, float, float]] = []  # name, wall seconds, this process's CPU seconds
    try:
        started, cpu = time.perf_counter(), time.process_time()
        published_at = datetime.now(timezone.utc)
        mails = [agenda_mail(p, published_at=published_at) for p in range(1, count + 1)]
        phases.append(("compose (render + ics)", time.perf_counter() - started,
                       time.process_time() - cpu))
        memory.append(("composed", rss_mib()))

        mark, cpu = time.perf_counter(), time.process_time()
        async with in_transaction():
            queued = await enqueue_all(mails, domain="kjj.example.gov.cn")
        phases.append(("enqueue (one transaction)", time.perf_counter() - mark,
                       time.process_time() - cpu))
        del mails
        memory.append(("queued", rss_mib()))

        mark, cpu = time.perf_counter(), time.process_time()
        transport = SmtpTransport(host="127.0.0.1", port=server.port, timeout=10.0,
                                  local_hostname="bench.matchmaker")
        worker = OutboxWorker(transport=transport, sender=SENDER, options=OPTIONS,
                              worker_id="bench")
        half_noted = False
        async with running_worker(worker):
            while await OutboxMail.filter(state__in=[OutboxState.QUEUED,
                                                     OutboxState.SENDING]).exists():
                if not half_noted and server.received.value >= count // 2:
                    half_noted = True
                    memory.append(("half delivered", rss_mib()))
                    if fault == "stop-smtp-midway":
                        server.command("stop")
                        await asyncio.sleep(2.0)
                        server.command("start")
                await asyncio.sleep(0.05)
        phases.append(("deliver (one worker, one connection)", time.perf_counter() - mark,
                       time.process_time() - cpu))
        seconds = time.perf_counter() - started
        memory.append(("all delivered", rss_mib()))

        received = server.command("ids")
        queued_ids = set(await OutboxMail.all().values_list("message_id", flat=True))
        states = Counter(await OutboxMail.all().values_list("state", flat=True))
        distinct = set(received) & queued_ids
    finally:
        server.close()
        await Tortoise.close_connections()

    load = os.getloadavg()[0]
    print(f"{'phase':<40}{'seconds':>10}{'CPU s':>10}   (load average {load:.1f} on "
          f"{os.cpu_count()} CPUs)")
    for name, wall, cpu_seconds in phases:
        print(f"{name:<40}{wall:>10.2f}{cpu_seconds:>10.2f}")
    print(f"{'memory (RSS, MiB)':<40}")
    for name, value in memory:
        print(f"  {name:<38}{value:>10.1f}")
    print(f"queued={queued} rows by state: "
          + ", ".join(f"{state}={n}" for state, n in sorted(states.items()))
          + f"; SMTP connections opened: {transport.connections_opened}"
          + (f"; fault: {fault} (stopped at half, restarted 2 s later)" if fault else ""))
    print(f"sent={len(distinct)} duplicates={len(received) - len(set(received))} "
          f"lost={len(queued_ids - set(received))} seconds={seconds:.1f}")
    return 0 if not queued_ids - set(received) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="agendas to send (default 2000)")
    parser.add_argument("--fault", choices=["stop-smtp-midway"],
                        help="stop the SMTP server halfway and start it again 2 s later")
    parser.add_argument("--database", help="e.g. postgres://postgres@127.0.0.1:5432/bench "
                                           "(default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-mail-") as workdir:
        return asyncio.run(run(args.count, args.fault, args.database, Path(workdir)))


if __name__ == "__main__":
    sys.exit(main())
