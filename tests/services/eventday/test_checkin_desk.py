"""The check-in desk's rules: genuine passes only, one check-in per person and day, a client key
lands once, and a refused pass writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matchmaker.errors import InvalidInput
from matchmaker.models import AuditLog, CheckIn, CheckInMethod, Registration, RegistrationStatus
from matchmaker.services.clock import utc_now
from matchmaker.services.eventday.checkin import checkin_token
from matchmaker.services.events.slots import SHANGHAI
from matchmaker.services.eventday.desk import CheckInDraft, CheckInRefused, check_in, roster, search
from tests.factories import organization_of
from tests.services.eventday.checkin_seed import desk_event
from tests.services.events.factories import make_event

SECRET = "test-secret-key"


def pass_of(event_id: int, organization_id: int, secret: str = SECRET) -> str:
    return checkin_token(secret, event_id=event_id, organization_id=organization_id)


async def test_a_genuine_pass_checks_in_the_contact_person_with_todays_meetings(db, make_organization):
    seeded = await desk_event(make_organization)

    result = await check_in(seeded.event, CheckInDraft(token=pass_of(seeded.event.pk, seeded.alpha.pk),
                                                       desk="签到台 2", client_key="k1"),
                            by=seeded.organizer, secret_key=SECRET)

    assert result.created is True
    assert result.checkin.person == "张三" and result.checkin.phone == "138-0000-1111"
    assert result.checkin.method == CheckInMethod.QR and result.checkin.desk == "签到台 2"
    assert [(m.start.astimezone(SHANGHAI).strftime("%H:%M"), m.label, m.counterpart)
            for m in result.attendee.meetings] == [("09:00", "A02", "星河银行")]  # the bank's second table is A02
    assert await AuditLog.filter(action="checkin.create").count() == 1


async def test_a_second_scan_answers_with_the_first_checkin_and_writes_nothing(db, make_organization):
    seeded = await desk_event(make_organization)
    token = pass_of(seeded.event.pk, seeded.alpha.pk)
    first = await check_in(seeded.event, CheckInDraft(token=token, desk="签到台 2", client_key="k1"),
                           by=seeded.organizer, secret_key=SECRET)

    again = await check_in(seeded.event, CheckInDraft(token=token, desk="签到台 5", client_key="k2"),
                           by=seeded.organizer, secret_key=SECRET)

    assert again.created is False
    assert again.checkin.pk == first.checkin.pk
    when = first.checkin.checked_in_at.astimezone(SHANGHAI).strftime("%H:%M")
    assert again.message == f"已签到 {when}（张三，签到台 2）"
    assert await CheckIn.filter(event=seeded.event).count() == 1
    assert await AuditLog.filter(action="checkin.create").count() == 1


async def test_a_replayed_client_key_lands_once(db, make_organization):
    seeded = await desk_event(make_organization)
    draft = CheckInDraft(organization_id=seeded.beta.pk, person="李四", desk="签到台 1", client_key="queued-7",
                         scanned_at=utc_now() - timedelta(minutes=3))

    first = await check_in(seeded.event, draft, by=seeded.organizer, secret_key=SECRET)
    replay = await check_in(seeded.event, draft, by=seeded.organizer, secret_key=SECRET)

    assert (first.created, replay.created) == (True, False)
    assert await CheckIn.filter(client_key="queued-7").count() == 1
    assert first.checkin.method == CheckInMethod.SEARCH
    # The queued scan keeps the time it was made at the desk, not the time it was sent.
    assert abs((utc_now() - timedelta(minutes=3)) - first.checkin.checked_in_at) < timedelta(seconds=30)


async def test_an_implausible_desk_clock_is_replaced_by_the_servers(db, make_organization):
    seeded = await desk_event(make_organization)
    result = await check_in(seeded.event, CheckInDraft(organization_id=seeded.beta.pk, client_key="k9",
                                                       scanned_at=utc_now() + timedelta(hours=3)),
                            by=seeded.organizer, secret_key=SECRET)
    assert abs(result.checkin.checked_in_at - utc_now()) < timedelta(seconds=30)


@pytest.mark.parametrize("case", ["forged", "altered", "other_event", "withdrawn", "not_registered"])
async def test_refused_passes_say_why_and_write_nothing(db, make_organization, case):
    seeded = await desk_event(make_organization)
    token = pass_of(seeded.event.pk, seeded.alpha.pk)
    expected = {"forged": "不是本平台签发的签到码", "altered": "内容已被改动", "other_event": "这是“另一场对接会”的签到码",
                "withdrawn": "报名已撤回或未通过审核", "not_registered": "该单位未报名本活动"}[case]
    if case == "forged":
        token = pass_of(seeded.event.pk, seeded.alpha.pk, secret="someone-elses-key")
    elif case == "altered":  # the payload names another organization, the signature is the old one
        token = pass_of(seeded.event.pk, seeded.beta.pk).split(".")[0] + "." + token.split(".")[1]
    elif case == "other_event":
        other = await make_event(seeded.organizer, title="另一场对接会")
        token = pass_of(other.pk, seeded.alpha.pk)
    elif case == "withdrawn":
        await Registration.filter(event=seeded.event, organization=seeded.alpha).update(
            status=RegistrationStatus.REJECTED)
    elif case == "not_registered":
        stranger = await organization_of(await make_organization("enterprise", name="路人科技"))
        token = pass_of(seeded.event.pk, stranger.pk)

    with pytest.raises(CheckInRefused) as refused:
        await check_in(seeded.event, CheckInDraft(token=token, client_key="k1"), by=seeded.organizer,
                       secret_key=SECRET)

    assert expected in refused.value.message
    assert refused.value.status_code == 422
    assert await CheckIn.all().count() == 0
    assert await AuditLog.filter(action="checkin.create").count() == 0


async def test_a_bad_client_key_is_refused_beside_its_field(db, make_organization):
    seeded = await desk_event(make_organization)
    with pytest.raises(InvalidInput) as bad:
        await check_in(seeded.event, CheckInDraft(organization_id=seeded.beta.pk, client_key="'; drop table"),
                       by=seeded.organizer, secret_key=SECRET)
    assert bad.value.problems == {"client_key": "签到编号格式不对"}
    assert await CheckIn.all().count() == 0


async def test_the_roster_carries_each_participants_pass_and_search_finds_people_orgs_codes_and_phones(
        db, make_organization):
    seeded = await desk_event(make_organization)

    every = await roster(seeded.event, secret_key=SECRET)

    assert [a.name for a in every] == sorted(["星河科技甲", "星河科技乙"]) + sorted(["星河担保", "星河银行"])
    assert {a.organization_id: a.token for a in every}[seeded.alpha.pk] == pass_of(seeded.event.pk, seeded.alpha.pk)
    names = lambda found: [a.name for a in found]  # noqa: E731
    assert names(await search(seeded.event, "张三", secret_key=SECRET)) == ["星河科技甲"]
    assert names(await search(seeded.event, "担保", secret_key=SECRET)) == ["星河担保"]
    assert names(await search(seeded.event, seeded.beta.uscc, secret_key=SECRET)) == ["星河科技乙"]
    assert names(await search(seeded.event, "00001111", secret_key=SECRET)) == ["星河科技甲"]
    assert names(await search(seeded.event, "13900002222", secret_key=SECRET)) == ["星河科技乙"]
