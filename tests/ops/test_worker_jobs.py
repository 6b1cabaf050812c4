"""Imports and report generation run by a real `python -m matchmaker worker` process on the test's
database (SQLite, or PostgreSQL with MATCHMAKER_TEST_POSTGRES), the web process only recording
the jobs ([jobs] run_in_web = false): a worker killed with SIGKILL mid-import leaves the job to
the next worker, which applies the file exactly once."""

from __future__ import annotations

import asyncio
import io
import os
import time
from collections.abc import Awaitable, Callable

import openpyxl
import pytest

from matchmaker.config import load_settings
from matchmaker.models import AuditLog, BackgroundJob, JobState, Organization
from matchmaker.services import jobs as job_queue
from matchmaker.services.scheduling import solver_runs
from matchmaker.uscc import make_uscc
from tests.factories import organization_of, workbook_bytes
from tests.ops.worker_process import WorkerProcess, worker_env
from tests.services.reports.factories import load_fixture

pytestmark = pytest.mark.slow

# Enough that reading, checking and writing outlast the first lease renewals (every 0.67 s) on a
# quiet machine: 3,000 rows were imported within one renewal, so the kill came too late.
ROWS = 20_000


@pytest.fixture
def settings(database_url, tmp_path):
    """The web process of these tests records jobs and leaves them to the worker."""
    return load_settings(database_url=database_url, paths_var_dir=str(tmp_path / "var"),
                         security_password_min_length=10, mail_worker_enabled=False, jobs_run_in_web=False)


@pytest.fixture(autouse=True)
def _in_process_again():
    yield
    solver_runs.configure(in_process=True)  # the default of every other test
    job_queue.configure(in_process=True)


async def eventually(condition: Callable[[], Awaitable[bool]], *, within: float, what: str,
                     worker: WorkerProcess) -> None:
    deadline = time.monotonic() + within
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {within} s\n{worker.log()}")
        await asyncio.sleep(0.05)


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as children:
            found += [int(child) for child in children.read().split()]
    return found


async def _none_alive(pids: list[int]) -> bool:
    def alive(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False
    return not any(alive(pid) for pid in pids)


def _job_id(answer) -> int:
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[1])


async def test_a_worker_killed_mid_import_leaves_the_job_to_the_next_which_applies_it_once(
        app, client, settings, make_organization, tmp_path):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)
    rows = [[make_uscc(f"91330106MA{n:06d}0"), f"导入企业{n}", n % 50 + 1] for n in range(ROWS)]
    upload = await client.post("/organizer/import", data={"csrftoken": await client.csrf(), "kind": "enterprises"},
                               files={"file": ("企业.xlsx", workbook_bytes(["统一社会信用代码", "企业名称", "职工人数"], *rows))})
    job_id = _job_id(upload)
    queued = await BackgroundJob.get(id=job_id)
    assert (queued.state, queued.lease_owner) == (JobState.QUEUED, None) and len(queued.payload) > 10_000

    async def imported() -> int:
        return await Organization.filter(kind="enterprise", name__startswith="导入企业").count()

    first = WorkerProcess(tmp_path, worker_env(settings), name="first")

    async def importing() -> bool:  # leased, and its progress written by a lease renewal
        row = await BackgroundJob.get(id=job_id)
        return row.state == JobState.RUNNING and row.progress_label != ""

    try:
        await eventually(importing, within=60, what="the first worker imports", worker=first)
        parsers = _children(first.process.pid)  # the spawned workbook parsers (matchmaker/uploads.py)
        assert parsers, "the kill should land while the workbook is parsed"
    finally:
        first.kill()
    killed = await BackgroundJob.get(id=job_id)
    assert (killed.state, killed.attempts) == (JobState.RUNNING, 1)
    assert await imported() == 0  # all or nothing: the killed import wrote no row
    await eventually(lambda: _none_alive(parsers), within=10, what="its parsers die with it", worker=first)

    second = WorkerProcess(tmp_path, worker_env(settings), name="second")
    try:
        async def finished() -> bool:
            return (await BackgroundJob.get(id=job_id)).state in (JobState.DONE, JobState.FAILED)
        await eventually(finished, within=120, what="the second worker finishes the import", worker=second)
    finally:
        assert second.stop() == 0
    done = await BackgroundJob.get(id=job_id)
    assert (done.state, done.attempts, done.error, done.result) == (
        JobState.DONE, 2, "", {"kind": "enterprises", "imported": ROWS})
    assert done.payload is None and done.lease_owner is None
    assert await imported() == ROWS  # every row, once
    assert await AuditLog.filter(action="registry.import").count() == 1
    assert f"job {job_id} taken" in second.log()
    result = await client.get(f"/jobs/{job_id}", follow_redirects=True)
    assert result.status_code == 200 and f"导入成功，共写入 {ROWS} 条。" in result.text


async def test_a_report_queued_by_the_web_process_is_built_by_the_worker_and_downloaded_from_the_web(
        app, client, settings, make_organization, tmp_path):
    user = await make_organization("government", is_organizer=True)
    loaded = await load_fixture(await organization_of(user))
    await client.login(user.email)
    job_id = _job_id(await client.submit(f"/reports/programmes/{loaded.programme.pk}/report.xlsx",
                                         {"period": "2026-Q4"}))
    waiting = await client.get(f"/jobs/{job_id}")
    assert waiting.status_code == 200 and "排队等待处理…" in waiting.text

    worker = WorkerProcess(tmp_path, worker_env(settings))
    try:
        async def done() -> bool:
            return (await BackgroundJob.get(id=job_id)).state == JobState.DONE
        await eventually(done, within=60, what="the worker builds the report", worker=worker)
    finally:
        assert worker.stop() == 0
    page = await client.get(f"/jobs/{job_id}")
    file = await client.get(f"/jobs/{job_id}/file")

    assert 'id="job-download"' in page.text and file.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(file.content))
    summary = {row[0]: row[2:6] for row in book["汇总"].iter_rows(values_only=True) if row and row[0]}
    assert summary["放款金额"] == (550.0, 400.0, 150.0, 250.0)  # the fixture's hand-computed figures
