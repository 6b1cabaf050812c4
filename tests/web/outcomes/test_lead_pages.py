"""The lead pages: the bank's pipeline and lead page, the one-click update after a meeting, the
enterprise's confirm/dispute and feedback, the organizer's overview, the dashboard counts, 404s."""

from __future__ import annotations

from datetime import timedelta

from matchmaker.models import Meeting, MeetingState, ScheduleVersion, VersionState
from matchmaker.models.outcomes import Confirmation, LeadRecord, LeadStage, MeetingFeedback
from matchmaker.services.clock import utc_now
from matchmaker.services.outcomes import leads
from tests.services.outcomes.factories import accepted_lead
from tests.web.outcomes.login import login_as


async def _meeting(setup, *, hours_ago: int = 1) -> Meeting:
    version = await ScheduleVersion.create(event=setup.event, number=1, published_number=1,
                                           state=VersionState.PUBLISHED)
    start = utc_now() - timedelta(hours=hours_ago)
    return await Meeting.create(version=version, event=setup.event, enterprise=setup.enterprise,
                                institution=setup.bank, slot="s1", starts_at=start, ends_at=start + timedelta(minutes=20),
                                table=1, state=MeetingState.HELD)


async def test_the_bank_records_intent_after_a_meeting_and_sees_it_in_its_pipeline(client, db):
    setup = await accepted_lead()
    meeting = await _meeting(setup)
    await login_as(client, setup.bank_user)

    form = await client.get(f"/institution/leads/meetings/{meeting.id}")
    bad = await client.submit(f"/institution/leads/meetings/{meeting.id}",
                              {"stage": "intent", "occurred_on": leads.today().isoformat(), "amount": "-5"})
    good = await client.submit(f"/institution/leads/meetings/{meeting.id}",
                               {"stage": "intent", "occurred_on": leads.today().isoformat(), "amount": "300",
                                "next_step": "提交财报"})
    pipeline = await client.get("/institution/leads")
    dashboard = await client.get("/dashboard")

    assert form.status_code == 200 and "洽谈后一键记录" in form.text
    assert bad.status_code == 400 and "金额不能为负数" in bad.text
    assert good.status_code == 303
    record = await LeadRecord.get(lead=setup.lead)
    assert (record.stage, record.amount, record.next_step) == (LeadStage.INTENT, 3_000_000, "提交财报")
    assert pipeline.status_code == 200 and setup.enterprise.name in pipeline.text and "有意向" in pipeline.text
    assert "即将开放" not in dashboard.text and "共 1 条线索" in dashboard.text


async def test_the_enterprise_disputes_then_the_organizer_sees_it_in_the_disputed_list(client, other_client, db):
    setup = await accepted_lead()
    record = await leads.append_stage(setup.bank, setup.lead.pk, leads.StageDraft(
        stage="approved", occurred_on=leads.today(), amount=5_000_000), by=setup.bank_user)
    await login_as(client, setup.enterprise_user)

    page = await client.get("/enterprise/leads")
    empty = await client.submit(f"/leads/records/{record.id}/answer", {"answer": "dispute", "reason": ""})
    disputed = await client.submit(f"/leads/records/{record.id}/answer", {"answer": "dispute",
                                                                         "reason": "授信应为 300 万"})
    await login_as(other_client, setup.organizer_user)
    overview = await other_client.get("/organizer/leads")

    assert page.status_code == 200 and "已授信" in page.text
    assert empty.status_code == 400 and "提出异议时请填写原因" in empty.text
    assert disputed.status_code == 303
    assert (await LeadRecord.get(pk=record.id)).confirmation == Confirmation.DISPUTED
    assert overview.status_code == 200 and "有异议" in overview.text and setup.bank.name in overview.text


async def test_meeting_feedback_is_checked_and_kept(client, db):
    setup = await accepted_lead()
    meeting = await _meeting(setup)
    await login_as(client, setup.enterprise_user)

    bad = await client.submit(f"/enterprise/meetings/{meeting.id}/feedback", {"satisfaction": "9"})
    good = await client.submit(f"/enterprise/meetings/{meeting.id}/feedback",
                               {"satisfaction": "4", "follow_up": "yes", "text": "沟通顺畅"})

    assert bad.status_code == 400 and "请选择满意度" in bad.text and "请选择是否有后续" in bad.text
    assert good.status_code == 303
    row = await MeetingFeedback.get(meeting=meeting)
    assert (row.satisfaction, row.follow_up, row.text) == (4, True, "沟通顺畅")


async def test_another_institutions_lead_and_meeting_answer_404_and_filters_refuse_bad_values(client, db):
    setup = await accepted_lead()
    meeting = await _meeting(setup)
    other = await accepted_lead()
    await login_as(client, other.bank_user)

    lead = await client.get(f"/institution/leads/{setup.lead.id}")
    form = await client.get(f"/institution/leads/meetings/{meeting.id}")
    post = await client.submit(f"/leads/{setup.lead.id}/records", {"stage": "intent",
                                                                  "occurred_on": leads.today().isoformat()})
    bad_filter = await client.get("/institution/leads?stage=nonsense")

    assert (lead.status_code, form.status_code, post.status_code) == (404, 404, 404)
    assert bad_filter.status_code == 400
    assert not await LeadRecord.exists(lead=setup.lead)
