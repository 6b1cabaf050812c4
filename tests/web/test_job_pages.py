"""A background job's pages: progress while it runs (from the row, so any web process answers),
the result when it has finished, 404 for another organization, CSRF on what queues one."""

from __future__ import annotations

import io

import openpyxl

from matchmaker.models import BackgroundJob, JobState, User
from matchmaker.services.clock import db_time
from matchmaker.services import jobs as queue
from tests.conftest import next_uscc
from tests.factories import organization_of, workbook_bytes
from tests.services.reports.factories import load_fixture

HEADERS = ["统一社会信用代码", "企业名称", "职工人数"]


async def _organizer(client, make_organization):
    user = await make_organization("government", is_organizer=True)
    await client.login(user.email)
    return user, await organization_of(user)


async def _running_job(user, organization, **values) -> BackgroundJob:
    """A job a worker elsewhere is computing: only its row is here."""
    row = {"state": JobState.RUNNING, "lease_owner": "worker-elsewhere/1", "attempts": 1, **values}
    return await BackgroundJob.create(kind="registry.import", organization=organization, created_by=user,
                                      file_name="企业.xlsx", options={"kind": "enterprises"},
                                      expires_at=db_time() + queue.KEEP_FOR, **row)


async def test_a_running_job_shows_its_progress_and_refreshes_itself(client, make_organization):
    user, organization = await _organizer(client, make_organization)
    job = await _running_job(user, organization, progress=0.4, progress_label="正在读取并检查文件 (reading)")

    page = await client.get(f"/jobs/{job.pk}")
    status = await client.get(f"/jobs/{job.pk}/status")
    import_result = await client.get(f"/organizer/import?job={job.pk}")

    assert page.status_code == 200
    assert '<progress id="job-bar" max="100" value="40"' in page.text and "40 %" in page.text
    assert "正在处理…" in page.text and "正在读取并检查文件" in page.text and "企业.xlsx" in page.text
    assert '<meta http-equiv="refresh" content="3">' in page.text and "js/job.js" in page.text
    assert status.json() == {"id": job.pk, "state": "running", "percent": 40, "label": "正在读取并检查文件",
                             "finished": False, "result_url": f"/jobs/{job.pk}"}
    assert status.headers["cache-control"] == "no-store"
    assert import_result.status_code == 303 and import_result.headers["location"] == f"/jobs/{job.pk}"


async def test_the_progress_page_in_english(client, make_organization):
    user, organization = await _organizer(client, make_organization)
    job = await _running_job(user, organization, state=JobState.QUEUED, lease_owner=None, attempts=0)

    await User.filter(id=user.pk).update(language="en")  # the user's own setting decides

    page = await client.get(f"/jobs/{job.pk}")

    assert page.status_code == 200 and "Waiting in the queue…" in page.text and "Registry import" in page.text


async def test_a_finished_import_shows_the_import_page_with_its_count(client, make_organization):
    await _organizer(client, make_organization)
    upload = await client.post("/organizer/import", data={"csrftoken": await client.csrf(), "kind": "enterprises"},
                               files={"file": ("企业.xlsx", workbook_bytes(HEADERS, [next_uscc(), "甲科技", 3]))})
    job_id = int(upload.headers["location"].rsplit("/", 1)[1])

    result = await client.after_job(upload)
    job_page = await client.get(f"/jobs/{job_id}")

    assert upload.status_code == 303 and upload.headers["location"] == f"/jobs/{job_id}"
    assert result.status_code == 200 and "导入成功，共写入 1 条。" in result.text
    assert job_page.status_code == 303 and job_page.headers["location"] == f"/organizer/import?job={job_id}"


async def test_a_finished_report_offers_its_file_with_the_name_of_the_scope(client, make_organization):
    _, organization = await _organizer(client, make_organization)
    loaded = await load_fixture(organization)
    queued = await client.submit(f"/reports/programmes/{loaded.programme.pk}/report.xlsx", {"period": "2026-Q4"})

    page = await client.after_job(queued)
    file = await client.get(f"{queued.headers['location']}/file")

    assert page.status_code == 200 and "已完成。" in page.text and 'id="job-download"' in page.text
    assert file.status_code == 200
    assert file.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "2026" in file.headers["content-disposition"] and ".xlsx" in file.headers["content-disposition"]
    assert "汇总" in openpyxl.load_workbook(io.BytesIO(file.content)).sheetnames
    back = f'href="/reports/programmes/{loaded.programme.pk}?period=2026-Q4"'
    assert back in page.text  # back to the statistics page it was asked from, same period
    assert (await client.get(f"/reports/programmes/{loaded.programme.pk}?period=2026-Q4")).status_code == 200


async def test_a_bad_period_is_refused_before_any_job_is_queued(client, make_organization):
    _, organization = await _organizer(client, make_organization)
    loaded = await load_fixture(organization)

    refused = await client.submit(f"/reports/programmes/{loaded.programme.pk}/report.docx", {"period": "2026-13"})

    assert refused.status_code == 400 and "无法识别的期间" in refused.text
    assert not await BackgroundJob.exists()


async def test_another_organizations_job_answers_404_on_every_page(client, other_client, make_organization):
    user, organization = await _organizer(client, make_organization)
    loaded = await load_fixture(organization)
    report = await client.submit(f"/reports/programmes/{loaded.programme.pk}/report.xlsx", {"period": "2026-Q4"})
    await client.after_job(report)
    upload = await client.post("/organizer/import", data={"csrftoken": await client.csrf(), "kind": "enterprises"},
                               files={"file": ("企业.xlsx", workbook_bytes(HEADERS, [next_uscc(), "乙科技", 3]))})
    await client.after_job(upload)
    report_job, import_job = report.headers["location"], upload.headers["location"]
    await _organizer(other_client, make_organization)  # another organizer

    answers = [await other_client.get(path) for path in (
        report_job, f"{report_job}/status", f"{report_job}/file", import_job,
        f"/organizer/import?job={import_job.rsplit('/', 1)[1]}", "/jobs/999999", "/jobs/abc")]

    assert [a.status_code for a in answers] == [404] * 7
    assert "甲银行" not in "".join(a.text for a in answers)


async def test_an_outsider_cannot_queue_a_report_of_someone_elses_programme(client, other_client, make_organization):
    _, organization = await _organizer(client, make_organization)
    loaded = await load_fixture(organization)
    await _organizer(other_client, make_organization)

    refused = await other_client.submit(f"/reports/programmes/{loaded.programme.pk}/report.xlsx")

    assert refused.status_code == 404 and not await BackgroundJob.exists()


async def test_queueing_without_the_form_token_is_refused_and_queues_nothing(client, make_organization):
    _, organization = await _organizer(client, make_organization)
    loaded = await load_fixture(organization)

    forged_report = await client.post(f"/reports/programmes/{loaded.programme.pk}/report.xlsx",
                                      data={"csrftoken": "forged", "period": "2026-Q4"})
    forged_import = await client.post("/organizer/import", data={"csrftoken": "forged", "kind": "enterprises"},
                                      files={"file": ("企业.xlsx", workbook_bytes(HEADERS, [next_uscc(), "丙", 1]))})
    plain_get = await client.get(f"/reports/programmes/{loaded.programme.pk}/report.xlsx")

    assert forged_report.status_code == forged_import.status_code == 403
    assert plain_get.status_code == 405  # a GET never queues work
    assert not await BackgroundJob.exists()
