"""Publishing a schedule version queues one agenda mail per member of every participant whose
meetings changed, in the publishing transaction."""

from __future__ import annotations

import pytest

from matchmaker.mail.calendar import meeting_key, meeting_uid
from matchmaker.services.mailing.identity import mail_identity
from matchmaker.models import (Meeting, MeetingState, Membership, Notification, OutboxMail, ScheduleVersion, User,
                               VersionState)
from matchmaker.services.scheduling import agendas, versions as scheduling
from matchmaker.services.scheduling.solver_runs import wait_for_run
from tests.mail.factories import agenda_line, at
from tests.factories import organization_of
from tests.services.events.factories import approve
from tests.services.scheduling.factories import SOLVE_SECONDS, seeded_event


async def _draft(seeded) -> ScheduleVersion:
    run = await wait_for_run(await scheduling.start_run(seeded.event, by=seeded.organizer, time_limit=SOLVE_SECONDS))
    return await scheduling.save_draft(run, by=seeded.organizer)


async def _add_member(organization, *, email: str, name: str, language: str = "zh") -> User:
    user = await User.create(email=email, name=name, password_hash="-", language=language)
    await Membership.create(user=user, organization=organization)
    return user


async def _keys() -> list[str]:
    return sorted(await OutboxMail.all().values_list("idempotency_key", flat=True))


async def _admin_id(organization) -> int:
    return (await Membership.filter(organization=organization).order_by("id").first()).user_id


async def test_publishing_v1_sends_every_member_of_every_participant_an_agenda(client, make_organization):
    seeded = await seeded_event(make_organization, enterprises=2)
    one, two = seeded.enterprises
    second_banker = await _add_member(seeded.bank, email="banker2@example.cn", name="Li Lei", language="en")
    draft = await _draft(seeded)

    await scheduling.publish_version(draft, by=seeded.organizer, replaces=None)

    event = seeded.event.pk
    expected = sorted([
        f"agenda:{event}:{one.pk}:{await _admin_id(one)}:v1",
        f"agenda:{event}:{two.pk}:{await _admin_id(two)}:v1",
        f"agenda:{event}:{seeded.bank.pk}:{await _admin_id(seeded.bank)}:v1",
        f"agenda:{event}:{seeded.bank.pk}:{second_banker.pk}:v1",
        f"agenda:{event}:{seeded.guarantor.pk}:{await _admin_id(seeded.guarantor)}:v1",
    ])
    assert await _keys() == expected
    english = await OutboxMail.get(recipient_email="banker2@example.cn")
    assert (english.kind, english.language, english.organization_id, english.event_id) == (
        "agenda", "en", seeded.event.organizer_id, event)
    assert english.subject == f"{seeded.event.title}: your meeting schedule (version 1)"
    assert "星河科技1号" in english.text and "星河科技2号" in english.text
    assert f"http://127.0.0.1:8000/events/{event}/agenda" in english.text
    assert english.ics.count("BEGIN:VEVENT") == 2  # the bank meets both enterprises
    assert "SEQUENCE:1" in english.ics and "STATUS:CANCELLED" not in english.ics
    notices = {n.organization_id: n.text for n in await Notification.filter(kind="schedule.published")}
    assert notices == {
        one.pk: f"“{seeded.event.title}”的洽谈日程第 1 版已发布：您共有 2 场洽谈",
        two.pk: f"“{seeded.event.title}”的洽谈日程第 1 版已发布：您共有 2 场洽谈",
        seeded.bank.pk: f"“{seeded.event.title}”的洽谈日程第 1 版已发布：您共有 2 场洽谈",
        seeded.guarantor.pk: f"“{seeded.event.title}”的洽谈日程第 1 版已发布：您共有 2 场洽谈"}
    # The first version has no previous one: no "changes" block, no [新增] on every line.
    chinese = await OutboxMail.filter(kind="agenda", language="zh").all()
    assert all("与上一版相比的变化" not in row.text and "[新增]" not in row.text for row in chinese)
    assert "Changes since the previous version" not in english.text and "[ADDED]" not in english.text


async def test_v2_goes_only_to_the_two_participants_whose_meeting_changed(client, make_organization):
    seeded = await seeded_event(make_organization, enterprises=2)
    two = seeded.enterprises[1]
    first, second = await _draft(seeded), await _draft(seeded)
    await Meeting.filter(version=second, enterprise_id=two.pk, institution_id=seeded.guarantor.pk).update(
        state=MeetingState.CANCELLED)
    await scheduling.publish_version(first, by=seeded.organizer, replaces=None)
    v1_rows = await OutboxMail.all().count()

    await scheduling.publish_version(second, by=seeded.organizer, replaces=1)

    v2 = await OutboxMail.filter(idempotency_key__endswith=":v2", kind="agenda").order_by("idempotency_key")
    cancels = await OutboxMail.filter(kind="meeting_cancelled").order_by("idempotency_key")
    key = meeting_key(seeded.event.pk, two.pk, seeded.guarantor.pk)
    uid = meeting_uid(seeded.event.pk, two.pk, seeded.guarantor.pk, domain=mail_identity().domain)
    assert await OutboxMail.all().count() == v1_rows + 4  # two agendas, two cancellations
    assert sorted(row.idempotency_key for row in v2) == sorted([
        f"agenda:{seeded.event.pk}:{two.pk}:{await _admin_id(two)}:v2",
        f"agenda:{seeded.event.pk}:{seeded.guarantor.pk}:{await _admin_id(seeded.guarantor)}:v2",
    ])
    assert sorted(row.idempotency_key for row in cancels) == sorted([
        f"cancel:{key}:{await _admin_id(two)}:v2", f"cancel:{key}:{await _admin_id(seeded.guarantor)}:v2"])
    for row in cancels:
        assert "METHOD:CANCEL" in row.ics and f"UID:{uid}" in row.ics and "SEQUENCE:2" in row.ics
    enterprise_mail = next(row for row in v2 if row.idempotency_key.split(":")[2] == str(two.pk))
    assert "与上一版相比的变化" in enterprise_mail.text
    assert "[取消]" in enterprise_mail.text and "星河担保" in enterprise_mail.text
    cancelled_event = enterprise_mail.ics.split(f"UID:{uid}")[1].split("END:VEVENT")[0]
    assert "STATUS:CANCELLED" in cancelled_event and "SEQUENCE:2" in cancelled_event
    assert enterprise_mail.ics.count("SEQUENCE:2") == 2  # the kept bank meeting rises too


async def test_a_failing_outbox_insert_rolls_the_whole_publication_back(client, make_organization, monkeypatch):
    seeded = await seeded_event(make_organization, enterprises=2)
    first, second = await _draft(seeded), await _draft(seeded)
    await Meeting.filter(version=second, enterprise_id=seeded.enterprises[0].pk).update(state=MeetingState.CANCELLED)
    await scheduling.publish_version(first, by=seeded.organizer, replaces=None)
    v1_rows = await OutboxMail.all().count()

    async def crash(*args, **kwargs):  # the process dies after the version rows were updated
        raise RuntimeError("killed mid-publish")

    monkeypatch.setattr(agendas, "enqueue_all", crash)
    with pytest.raises(RuntimeError):
        await scheduling.publish_version(second, by=seeded.organizer, replaces=1)

    await first.refresh_from_db()
    await second.refresh_from_db()
    assert (first.state, first.published_number) == (VersionState.PUBLISHED, 1)
    assert (second.state, second.published_number) == (VersionState.DRAFT, None)
    assert await OutboxMail.all().count() == v1_rows
    assert await OutboxMail.filter(idempotency_key__endswith=":v2").count() == 0


def _entry(line) -> agendas.AgendaEntry:
    return agendas.AgendaEntry(meeting=Meeting(), line=line, counterpart_id=0, need="", product="")


def test_changes_since_the_previous_version_come_in_time_order():
    morning, noon, afternoon = (agenda_line(start=at(8, h, 0), end=at(8, h, 20), counterpart=name)
                                for h, name in ((9, "苏州银行"), (11, "华泰证券"), (14, "招商银行")))
    added, cancelled, moved_to = _entry(afternoon), _entry(morning), _entry(noon)

    changes = agendas.changes_since_previous(2, added=[added], moved=[(_entry(morning), moved_to)],
                                             cancelled=[cancelled])

    assert [(c.kind, c.meeting.counterpart) for c in changes] == [
        ("cancelled", "苏州银行"), ("moved", "华泰证券"), ("added", "招商银行")]
    assert agendas.changes_since_previous(1, added=[added], moved=[], cancelled=[cancelled]) == []


async def test_v1_puts_a_notice_in_every_approved_participants_inbox_even_without_meetings(client,
                                                                                          make_organization):
    seeded = await seeded_event(make_organization, enterprises=1)
    idle = await organization_of(await make_organization("enterprise", name="星河静候科技有限公司"))
    await approve(seeded.event, idle)  # approved, but nobody asked it for a meeting
    first, second = await _draft(seeded), await _draft(seeded)

    await scheduling.publish_version(first, by=seeded.organizer, replaces=None)

    notices = {n.organization_id: n.text for n in await Notification.filter(kind="schedule.published")}
    assert notices[idle.pk] == f"“{seeded.event.title}”的洽谈日程第 1 版已发布：您暂无洽谈安排"
    assert notices[seeded.enterprises[0].pk] == f"“{seeded.event.title}”的洽谈日程第 1 版已发布：您共有 2 场洽谈"
    assert len(notices) == 4

    await scheduling.publish_version(second, by=seeded.organizer, replaces=1)  # nothing changed for anyone

    assert await Notification.filter(kind="schedule.published", text__contains="第 2 版").count() == 0
