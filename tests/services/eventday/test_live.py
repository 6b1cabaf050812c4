"""The live board and the chase list on the seeded day."""

from __future__ import annotations

from matchmaker.models import AuditLog, EnterpriseProfile, Meeting, OutboxMail
from matchmaker.services.eventday import chase, live
from tests.factories import organization_of
from tests.services.eventday.day import at, check_in, publish
from tests.services.scheduling.factories import seeded_event


async def test_board_shows_current_and_next_slots_counts_chase_and_problems(client, make_organization):
    seeded = await seeded_event(make_organization)
    version = await publish(seeded)
    organizer = await organization_of(seeded.organizer)
    first = await Meeting.filter(version=version, slot="d1-0900", institution=seeded.bank).order_by("table").first()
    waiting = next(e for e in seeded.enterprises if e.pk == first.enterprise_id)
    await EnterpriseProfile.create(organization=waiting, contact_phone="13800009999")
    await check_in(seeded.event, *[e for e in seeded.enterprises if e.pk != waiting.pk], seeded.guarantor)

    board = await live.live_board(seeded.event, viewer=organizer, now=at("09:05"))

    assert (board.current.id, board.next.id, board.version_number) == ("d1-0900", "d1-0920", 1)
    assert board.counts == {"enterprise": (3, 4), "institution": (1, 2)}
    # Hall labels given at publishing: banks first, then guarantors (by kind, then name).
    assert [(r.institution, r.label) for r in board.rows] == [("星河银行", "A01"), ("星河银行", "A02"),
                                                            ("星河担保", "A03")]
    bank_row = next(r for r in board.rows if r.institution == "星河银行" and r.now.meeting and r.now.meeting.pk == first.pk)
    assert (bank_row.present, bank_row.now.status, bank_row.now.waiting) == (False, "meeting", True)
    assert board.problems[0].kind == "table_empty" and board.problems[0].text.startswith("星河银行尚未签到")
    assert any(p.kind == "counterpart_absent" for p in board.problems)
    chased = {e.organization.pk: e for e in board.chase}
    assert set(chased) == {waiting.pk, seeded.bank.pk}
    assert chased[waiting.pk].phone == "13800009999" and chased[seeded.bank.pk].phone is None


async def test_a_reminder_goes_once_per_person_and_the_chase_list_says_so(client, make_organization):
    seeded = await seeded_event(make_organization)
    await publish(seeded)
    organizer = await organization_of(seeded.organizer)
    await check_in(seeded.event, *seeded.enterprises, seeded.guarantor)

    first = await chase.send_reminder(seeded.event, seeded.bank.pk, viewer=organizer, by=seeded.organizer,
                                      now=at("08:55"))
    again = await chase.send_reminder(seeded.event, seeded.bank.pk, viewer=organizer, by=seeded.organizer,
                                      now=at("08:56"))
    entries = await chase.chase_list(seeded.event, viewer=organizer, now=at("08:57"))

    assert (first, again) == (1, 0)
    mail = await OutboxMail.get(kind="checkin_chase")
    assert mail.subject == f"【{seeded.event.title}】您的首场洽谈 09:00 开始，请尽快到签到台签到"
    assert [(e.organization.pk, e.reminded) for e in entries] == [(seeded.bank.pk, True)]
    assert await AuditLog.filter(action="eventday.chase.remind").count() == 2


async def test_nobody_is_chased_earlier_than_ten_minutes_before_the_first_meeting(client, make_organization):
    seeded = await seeded_event(make_organization)
    await publish(seeded)
    organizer = await organization_of(seeded.organizer)

    assert await chase.chase_list(seeded.event, viewer=organizer, now=at("08:49")) == []
    assert len(await chase.chase_list(seeded.event, viewer=organizer, now=at("08:50"))) >= 3
