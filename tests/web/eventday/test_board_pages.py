"""The live board page and the attendance forms over HTTP."""

from __future__ import annotations

from matchmaker.models import Meeting, MeetingState
from tests.services.eventday.day import publish
from tests.services.scheduling.factories import seeded_event


async def test_the_live_board_answers_organizers_only(client, other_client, make_organization):
    seeded = await seeded_event(make_organization)
    await publish(seeded)
    bank_user = await make_organization("bank")
    await client.login(seeded.organizer.email)
    await other_client.login(bank_user.email)

    board = await client.get(f"/organizer/events/{seeded.event.id}/live")
    refused = await other_client.get(f"/organizer/events/{seeded.event.id}/live")

    assert board.status_code == 200
    assert 'data-events="/organizer/events/%d/live/events"' % seeded.event.id in board.text
    assert "星河银行" in board.text and "催到名单" in board.text
    assert refused.status_code == 403


async def test_a_meeting_of_a_future_slot_cannot_be_marked_from_the_board(client, make_organization):
    seeded = await seeded_event(make_organization)  # the seeded day is 2026-12-08, still ahead
    version = await publish(seeded)
    meeting = await Meeting.filter(version=version).first()
    await client.login(seeded.organizer.email)

    response = await client.submit(f"/organizer/events/{seeded.event.id}/live/meetings/{meeting.id}",
                                   {"mark": "held"})

    assert response.status_code == 400
    assert "洽谈尚未开始，开始后才能登记到场情况" in response.text
    assert (await Meeting.get(id=meeting.id)).state == MeetingState.PLANNED
