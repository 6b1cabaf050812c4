"""The day-before reminder: one mail per member of every participant meeting that day, once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from matchmaker.mail.compose import SHANGHAI
from matchmaker.models import Meeting, Membership, OutboxMail
from matchmaker.services.scheduling import versions as scheduling
from matchmaker.services.mailing.reminders import queue_reminders
from matchmaker.services.scheduling.solver_runs import wait_for_run
from tests.services.scheduling.factories import SOLVE_SECONDS, seeded_event


async def _published(make_organization):
    seeded = await seeded_event(make_organization, enterprises=2)
    run = await wait_for_run(await scheduling.start_run(seeded.event, by=seeded.organizer, time_limit=SOLVE_SECONDS))
    version = await scheduling.save_draft(run, by=seeded.organizer)
    await scheduling.publish_version(version, by=seeded.organizer, replaces=None)
    first = await Meeting.filter(version=version).order_by("starts_at").first()
    return seeded, first.starts_at.astimezone(SHANGHAI).date()


async def test_reminders_go_once_to_every_member_meeting_that_day(client, make_organization):
    seeded, day = await _published(make_organization)
    participants = [*seeded.enterprises, seeded.bank, seeded.guarantor]
    users = [m.user_id for m in await Membership.filter(organization_id__in=[p.pk for p in participants])]

    first = await queue_reminders(day)
    again = await queue_reminders(day)
    other_day = await queue_reminders(day + timedelta(days=1))

    assert (first, again, other_day) == (4, 0, 0)
    keys = sorted(await OutboxMail.filter(kind="reminder").values_list("idempotency_key", flat=True))
    assert keys == sorted(f"reminder:{seeded.event.pk}:{user}:{day.isoformat()}" for user in users)
    bank_user = (await Membership.get(organization=seeded.bank)).user_id
    bank_mail = await OutboxMail.get(idempotency_key=f"reminder:{seeded.event.pk}:{bank_user}:{day.isoformat()}")
    assert "星河科技1号" in bank_mail.text and "星河科技2号" in bank_mail.text


async def test_the_send_reminders_command_queues_them(client, make_organization, settings, monkeypatch, capsys):
    from matchmaker.cli import main

    _seeded, day = await _published(make_organization)
    monkeypatch.setenv("MATCHMAKER_DATABASE_URL", settings.database_url)

    code = await asyncio.to_thread(main, ["send-reminders", "--day", day.isoformat()])

    assert code == 0
    assert f"已为 {day.isoformat()} 的洽谈排队 4 封提醒邮件" in capsys.readouterr().out
    assert await OutboxMail.filter(kind="reminder").count() == 4
