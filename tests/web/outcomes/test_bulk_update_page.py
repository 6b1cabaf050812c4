"""The pipeline workbook uploaded back: a background job, then the pipeline with the count, or
the form with every bad cell; nothing written on a refusal; another institution's job is 404."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from matchmaker.models.outcomes import LeadRecord, LeadStage
from matchmaker.services.outcomes import leads, workbook
from tests.services.outcomes.factories import accepted_lead
from tests.web.outcomes.login import login_as


def _filled(data: bytes, values: dict[str, object]) -> bytes:
    book = load_workbook(io.BytesIO(data))
    sheet = book[workbook.SHEET]
    headers = [c.value for c in sheet[1]]
    for header, value in values.items():
        sheet.cell(row=2, column=headers.index(header) + 1, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def _upload(client, data: bytes):
    return await client.post("/institution/leads/upload", data={"csrftoken": await client.csrf()},
                             files={"file": ("进展.xlsx", data)})


async def test_an_upload_is_a_job_that_records_the_stages_then_shows_the_pipeline(app, client, other_client):
    setup = await accepted_lead()
    await login_as(client, setup.bank_user)
    exported = (await client.get("/institution/leads/export.xlsx")).content
    day = (leads.today() - timedelta(days=1)).isoformat()

    refused = await client.after_job(await _upload(client, _filled(exported, {"新阶段": "有意向", "日期": day,
                                                                              "金额（万元）": -3})))
    assert refused.status_code == 400 and "金额不能为负数" in refused.text
    assert not await LeadRecord.exists()

    queued = await _upload(client, _filled(exported, {"新阶段": "已受理", "日期": day}))
    job = queued.headers["location"]
    recorded = await client.after_job(queued)
    assert recorded.status_code == 200 and str(recorded.url).endswith("/institution/leads?notice=imported&count=1")
    assert [r.stage for r in await LeadRecord.filter(lead=setup.lead)] == [LeadStage.ACCEPTED]

    other = await accepted_lead()
    await login_as(other_client, other.bank_user)
    assert (await other_client.get(job)).status_code == 404
    assert (await other_client.get(f"/institution/leads/upload?job={job.rsplit('/', 1)[1]}")).status_code == 404
