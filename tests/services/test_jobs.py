"""Background jobs as rows: an import applies all or nothing and at most once, whoever computes it.

Real SQLite or PostgreSQL through Tortoise, the real import service and workbook parser; the
"other process" is a second lease taken on the same row, as a worker that took over would."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matchmaker.errors import NotFound
from matchmaker.models import AuditLog, BackgroundJob, JobState, Organization
from matchmaker.services.clock import db_time
from matchmaker.services import job_runner as runner
from matchmaker.services import jobs as queue
from matchmaker.services.registry.io.import_job import queue_import
from matchmaker.services.registry.io.transfer import Limits
from tests.conftest import next_uscc
from tests.factories import organization_of, workbook_bytes

HEADERS = ["统一社会信用代码", "企业名称", "职工人数"]
LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=5000)


@pytest.fixture(autouse=True)
def _in_process_again():
    yield
    queue.configure(in_process=True)  # what the app and every other test use


async def _organizer(make_organization):
    user = await make_organization("government", is_organizer=True)
    return user, await organization_of(user)


async def _queue(user, organizer, *rows, filename="企业.xlsx"):
    return await queue_import(organizer, by=user, kind="enterprises", filename=filename,
                              data=workbook_bytes(HEADERS, *rows), source="", verified=False, chains=(),
                              limits=LIMITS)


async def _imported(names) -> int:
    return await Organization.filter(kind="enterprise", name__in=list(names)).count()


async def test_an_import_job_writes_every_row_audits_once_and_drops_the_upload(make_organization):
    user, organizer = await _organizer(make_organization)

    job = await runner.wait_for((await _queue(user, organizer, [next_uscc(), "甲科技", 3],
                                              [next_uscc(), "乙科技", 5])).pk)

    assert (job.state, job.attempts, job.progress, job.result) == (
        JobState.DONE, 1, 1.0, {"kind": "enterprises", "imported": 2})
    assert job.payload is None and job.lease_owner is None and job.finished_at is not None
    assert await _imported(["甲科技", "乙科技"]) == 2
    assert await AuditLog.filter(action="registry.import", actor=user).count() == 1


async def test_a_refused_file_fails_the_job_with_its_problems_by_row_and_column_and_writes_nothing(
        make_organization):
    user, organizer = await _organizer(make_organization)

    job = await runner.wait_for((await _queue(user, organizer, [next_uscc(), "好", 3],
                                              [next_uscc(), "坏", "很多"])).pk)

    assert job.state == JobState.FAILED and job.payload is None
    assert {"row": "第 3 行", "column": "职工人数"} == {k: job.result["problems"][0][k] for k in ("row", "column")}
    assert await _imported(["好", "坏"]) == 0
    assert not await AuditLog.filter(action="registry.import").exists()


async def test_a_process_that_lost_its_lease_applies_nothing_and_the_new_holder_applies_once(make_organization):
    queue.configure(in_process=False, lease_seconds=30)  # the web process only records the job
    user, organizer = await _organizer(make_organization)
    job = await _queue(user, organizer, [next_uscc(), "丙科技", 3], [next_uscc(), "丁科技", 4])
    assert (await BackgroundJob.get(id=job.pk)).state == JobState.QUEUED
    stale = await queue.take(job.pk)
    # Its process stalls past the lease; another takes the job over.
    await BackgroundJob.filter(id=job.pk).update(lease_expires_at=db_time() - timedelta(seconds=1))
    current = await queue.take(job.pk)
    assert stale and current and stale != current

    await runner.execute(job.pk, stale)  # the stalled process wakes up and runs the import
    after_stale = await BackgroundJob.get(id=job.pk)
    await runner.execute(job.pk, current)
    done = await BackgroundJob.get(id=job.pk)

    assert (after_stale.state, after_stale.lease_owner) == (JobState.RUNNING, current)
    assert (done.state, done.attempts, done.result["imported"]) == (JobState.DONE, 2, 2)
    assert await _imported(["丙科技", "丁科技"]) == 2
    assert await AuditLog.filter(action="registry.import").count() == 1  # applied once


async def test_a_job_whose_processes_died_three_times_is_failed_not_taken_again(make_organization):
    queue.configure(in_process=False)
    user, organizer = await _organizer(make_organization)
    job = await _queue(user, organizer, [next_uscc(), "戊科技", 3])
    await BackgroundJob.filter(id=job.pk).update(state=JobState.RUNNING, attempts=queue.MAX_ATTEMPTS,
                                                 lease_owner="dead/1", lease_expires_at=db_time() - timedelta(seconds=1))

    claimed = await queue.claim_next()

    failed = await BackgroundJob.get(id=job.pk)
    assert claimed is None
    assert (failed.state, failed.error, failed.payload) == (
        JobState.FAILED, "处理被中断：已尝试 3 次 (the job was interrupted 3 times)", None)
    assert await _imported(["戊科技"]) == 0


async def test_finished_jobs_are_forgotten_after_they_expire_and_running_ones_are_kept(make_organization):
    queue.configure(in_process=False)
    user, organizer = await _organizer(make_organization)
    old, running = await _queue(user, organizer, [next_uscc(), "己", 1]), await _queue(user, organizer, [next_uscc(), "庚", 1])
    past = db_time() - timedelta(days=8)
    await BackgroundJob.filter(id=old.pk).update(state=JobState.DONE, expires_at=past)
    await BackgroundJob.filter(id=running.pk).update(state=JobState.RUNNING, expires_at=past)

    assert await queue.forget_expired() == 1
    assert await BackgroundJob.filter(id__in=[old.pk, running.pk]).values_list("id", flat=True) == [running.pk]


async def test_another_organizations_job_is_not_found(make_organization):
    queue.configure(in_process=False)
    user, organizer = await _organizer(make_organization)
    _, other = await _organizer(make_organization)
    job = await _queue(user, organizer, [next_uscc(), "辛", 1])

    assert (await queue.job_of(organizer, job.pk)).pk == job.pk
    with pytest.raises(NotFound):
        await queue.job_of(other, job.pk)
    with pytest.raises(NotFound):
        await queue.job_of(organizer, job.pk, kind_prefix="report.")
    with pytest.raises(NotFound):
        await queue.job_of(organizer, "abc")
