"""Walk-ins: an enterprise registered at the desk is approved, flagged and checked in at once."""

from __future__ import annotations

import pytest

from matchmaker.errors import InvalidInput
from matchmaker.models import CheckIn, CheckInMethod, Organization, Registration
from matchmaker.services.eventday.walkins import WalkInDraft, register_walk_in, registry_matches, walk_ins
from tests.conftest import next_uscc
from tests.factories import organization_of
from tests.services.eventday.checkin_seed import desk_event

SECRET = "test-secret-key"
VALID = next_uscc()
WRONG_CHECK = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")


async def test_a_registry_enterprise_and_a_new_one_walk_in_and_join_the_waiting_list(db, make_organization):
    seeded = await desk_event(make_organization)
    known = await organization_of(await make_organization("enterprise", name="云帆智能"))
    code = next_uscc()

    first = await register_walk_in(seeded.event, WalkInDraft(organization_id=known.pk, person="王五", desk="签到台 1",
                                                             client_key="w1"), by=seeded.organizer, secret_key=SECRET)
    second = await register_walk_in(seeded.event, WalkInDraft(name="新来科技", uscc=code.lower(), person="赵六",
                                                              phone="13700003333", client_key="w2"),
                                    by=seeded.organizer, secret_key=SECRET)

    newcomer = await Organization.get(uscc=code)
    assert (first.created, second.created) == (True, True)
    assert first.attendee.note == "现场报名"
    assert await Registration.filter(event=seeded.event, walk_in=True, status="approved").count() == 2
    assert await CheckIn.filter(event=seeded.event, method=CheckInMethod.WALK_IN).count() == 2
    assert await walk_ins(seeded.event) == [known.pk, newcomer.pk]
    assert [o.name for o in await registry_matches("云帆")] == ["云帆智能"]


@pytest.mark.parametrize("draft, field, message", [
    (WalkInDraft(name="短码科技", uscc="91330106MA2T0001Q", person="甲"), "uscc", "应为 18 位"),
    (WalkInDraft(name="错码科技", uscc=WRONG_CHECK, person="甲"), "uscc", "校验"),
    (WalkInDraft(name="", uscc="", person=""), "person", "请填写到场人姓名"),
])
async def test_bad_walk_ins_are_refused_beside_the_field_and_write_nothing(db, make_organization, draft, field,
                                                                           message):
    seeded = await desk_event(make_organization)
    before = await Organization.all().count()
    with pytest.raises(InvalidInput) as bad:
        await register_walk_in(seeded.event, draft, by=seeded.organizer, secret_key=SECRET)
    assert message in bad.value.problems[field]
    assert await Organization.all().count() == before
    assert await CheckIn.all().count() == 0
    assert await walk_ins(seeded.event) == []


async def test_an_already_approved_participant_is_sent_to_the_search(db, make_organization):
    seeded = await desk_event(make_organization)
    with pytest.raises(InvalidInput) as bad:
        await register_walk_in(seeded.event, WalkInDraft(organization_id=seeded.alpha.pk, person="张三"),
                               by=seeded.organizer, secret_key=SECRET)
    assert bad.value.problems == {"organization_id": "该企业已报名本活动，请直接搜索签到"}
    assert await CheckIn.all().count() == 0
