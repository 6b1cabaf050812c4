"""Meeting requests: asking, answering, duplicates, caps, deadlines, expiry, follow-up lists."""

from datetime import UTC, datetime

import pytest

from matchmaker.errors import Conflict, InvalidInput, NotFound
from matchmaker.models import MeetingRequest, Notification, Priority, RequestState
from matchmaker.services.events.requests import (
    RequestDraft,
    answer,
    ask,
    expire_requests,
    organizer_follow_up,
    suggestions,
)
from tests.services.events.factories import approve, make_event, make_need, make_product, past
from tests.factories import AS_OF, organization_of


@pytest.fixture
def docking(make_organization):
    """An open docking event with one approved enterprise (one need) and two approved banks."""

    async def make(**changes):
        organizer_user = await make_organization("government", is_organizer=True)
        event = await make_event(organizer_user, **changes)
        enterprise_user = await make_organization("enterprise", name="星河纳米新材料")
        enterprise = await organization_of(enterprise_user)
        need = await make_need(enterprise)
        await approve(event, enterprise, need_ids=[need.id])
        banks = []
        for name in ("星河银行科技支行", "江海农商银行"):
            user = await make_organization("bank", name=name)
            bank = await organization_of(user)
            await make_product(bank, name=f"{name}信用贷")
            await approve(event, bank, tables=1)
            banks.append((user, bank))
        return {"organizer": organizer_user, "event": event, "enterprise_user": enterprise_user,
                "enterprise": enterprise, "need": need, "banks": banks}

    return make


async def test_enterprise_asks_two_banks_and_each_is_told(client, docking):
    d = await docking()
    await client.login(d["enterprise_user"].email)
    first_bank, second_bank = d["banks"][0][1], d["banks"][1][1]

    for bank, priority in ((first_bank, "must"), (second_bank, "ok")):
        response = await client.submit(f"/events/{d['event'].id}/requests", {
            "to_organization_id": str(bank.id), "need_id": str(d["need"].id), "priority": priority,
            "message": "希望当面沟通"})
        assert response.status_code == 303

    rows = await MeetingRequest.all().order_by("id")
    assert [(r.institution_id, r.priority, r.state, r.from_enterprise) for r in rows] == [
        (first_bank.id, Priority.MUST, RequestState.PENDING, True),
        (second_bank.id, Priority.OK, RequestState.PENDING, True)]
    received = await Notification.get(organization=first_bank)
    assert received.text == f"星河纳米新材料 在“{d['event'].title}”向您发起约见"


async def test_a_duplicate_request_is_refused_beside_the_field(client, docking):
    d = await docking()
    bank = d["banks"][0][1]
    await client.login(d["enterprise_user"].email)
    form = {"to_organization_id": str(bank.id), "need_id": str(d["need"].id), "priority": "want"}
    await client.submit(f"/events/{d['event'].id}/requests", form)

    again = await client.submit(f"/events/{d['event'].id}/requests", form)

    assert again.status_code == 400
    assert "双方已就此需求有约见申请，不能重复申请" in again.text
    assert await MeetingRequest.all().count() == 1


async def test_the_same_pair_asked_from_the_other_side_is_a_duplicate_too(docking):
    d = await docking()
    bank_user, bank = d["banks"][0]
    await ask(d["event"], d["enterprise"], draft=RequestDraft(bank.id, d["need"].id), by=d["enterprise_user"])

    with pytest.raises(InvalidInput) as refused:
        await ask(d["event"], bank, draft=RequestDraft(d["enterprise"].id, d["need"].id), by=bank_user)

    assert refused.value.problems == {"need_id": "双方已就此需求有约见申请，不能重复申请"}


async def test_the_outgoing_cap_is_enforced(docking):
    d = await docking(max_outgoing_requests="1")
    (_, first), (_, second) = d["banks"]
    await ask(d["event"], d["enterprise"], draft=RequestDraft(first.id, d["need"].id), by=d["enterprise_user"])

    with pytest.raises(InvalidInput) as refused:
        await ask(d["event"], d["enterprise"], draft=RequestDraft(second.id, d["need"].id), by=d["enterprise_user"])

    assert refused.value.problems == {"to_organization_id": "已达到本活动的约见上限（1 个）"}


async def test_a_request_after_the_deadline_is_refused(docking):
    d = await docking()
    d["event"].request_deadline = past()
    await d["event"].save()

    with pytest.raises(Conflict, match="约见申请已截止"):
        await ask(d["event"], d["enterprise"], draft=RequestDraft(d["banks"][0][1].id, d["need"].id),
                  by=d["enterprise_user"])
    assert await MeetingRequest.all().count() == 0


async def test_a_request_to_an_unregistered_participant_is_refused(docking, make_organization):
    d = await docking()
    outsider = await organization_of(await make_organization("bank"))

    with pytest.raises(InvalidInput) as refused:
        await ask(d["event"], d["enterprise"], draft=RequestDraft(outsider.id, d["need"].id), by=d["enterprise_user"])

    assert refused.value.problems == {"to_organization_id": "对方未报名本活动或报名尚未通过审核"}


async def test_bank_accepts_one_and_declines_the_other_with_a_reason(client, other_client, docking):
    d = await docking()
    (first_user, first), (second_user, second) = d["banks"]
    one = await ask(d["event"], d["enterprise"], draft=RequestDraft(first.id, d["need"].id), by=d["enterprise_user"])
    two = await ask(d["event"], d["enterprise"], draft=RequestDraft(second.id, d["need"].id), by=d["enterprise_user"])
    await client.login(first_user.email)
    await other_client.login(second_user.email)

    accepted = await client.submit(f"/events/{d['event'].id}/requests/{one.id}/answer",
                                   {"decision": "accept", "priority": "must"})
    no_reason = await other_client.submit(f"/events/{d['event'].id}/requests/{two.id}/answer", {"decision": "decline"})
    declined = await other_client.submit(f"/events/{d['event'].id}/requests/{two.id}/answer",
                                         {"decision": "decline", "reason": "额度已满"})

    assert (accepted.status_code, no_reason.status_code, declined.status_code) == (303, 400, 303)
    # The refusal is the requests page with the message beside that request's reason field.
    assert f'<p class="error" id="e-reason-{two.id}">婉拒时请填写原因，便于对方了解</p>' in no_reason.text
    one, two = await MeetingRequest.get(id=one.id), await MeetingRequest.get(id=two.id)
    assert (one.state, one.answer_priority) == (RequestState.ACCEPTED, Priority.MUST)
    assert (two.state, two.answer_reason) == (RequestState.DECLINED, "额度已满")
    told = await Notification.filter(organization=d["enterprise"], kind="request.answered").order_by("id")
    assert [n.text for n in told] == [f"星河银行科技支行 在“{d['event'].title}”接受了您的约见",
                                      f"江海农商银行 在“{d['event'].title}”婉拒了您的约见（额度已满）"]


async def test_only_the_receiver_can_answer_and_others_get_404(client, docking, make_organization):
    d = await docking()
    (_, first), (second_user, _) = d["banks"]
    request = await ask(d["event"], d["enterprise"], draft=RequestDraft(first.id, d["need"].id),
                        by=d["enterprise_user"])
    await client.login(second_user.email)

    response = await client.submit(f"/events/{d['event'].id}/requests/{request.id}/answer", {"decision": "accept"})

    assert response.status_code == 404
    with pytest.raises(NotFound):  # the asker cannot accept its own request either
        await answer(request, d["enterprise"], accept=True, by=d["enterprise_user"])
    assert (await MeetingRequest.get(id=request.id)).state == RequestState.PENDING


async def test_unanswered_requests_expire_at_the_answer_deadline_and_both_sides_are_told(docking):
    d = await docking()
    bank = d["banks"][0][1]
    request = await ask(d["event"], d["enterprise"], draft=RequestDraft(bank.id, d["need"].id),
                        by=d["enterprise_user"])
    d["event"].answer_deadline = past()
    await d["event"].save()

    expired = await expire_requests(datetime.now(UTC))
    again = await expire_requests(datetime.now(UTC))

    assert (expired, again) == (1, 0)
    assert (await MeetingRequest.get(id=request.id)).state == RequestState.EXPIRED
    assert await Notification.filter(kind="request.expired").count() == 2
    with pytest.raises(Conflict):
        await answer(await MeetingRequest.get(id=request.id), bank, accept=True, by=d["enterprise_user"])


async def test_suggestions_offer_banks_whose_products_serve_the_need_and_leave_out_those_asked(docking):
    d = await docking()
    (_, first), (_, second) = d["banks"]
    await ask(d["event"], d["enterprise"], draft=RequestDraft(first.id, d["need"].id), by=d["enterprise_user"])

    offered = await suggestions(d["event"], d["enterprise"], as_of=AS_OF)

    assert [(s.organization.id, s.product.name) for s in offered] == [(second.id, "江海农商银行信用贷")]


async def test_organizer_follow_up_lists_who_asked_nobody_and_the_unanswered(docking):
    d = await docking()
    (_, first), (_, second) = d["banks"]
    await ask(d["event"], d["enterprise"], draft=RequestDraft(first.id, d["need"].id), by=d["enterprise_user"])

    follow_up = await organizer_follow_up(d["event"])

    assert [o.name for o in follow_up.asked_nobody] == ["星河银行科技支行", "江海农商银行"]
    assert [o.name for o in follow_up.asked_by_nobody] == ["星河纳米新材料", "江海农商银行"]
    assert [(o.name, n) for o, n in follow_up.unanswered] == [("星河银行科技支行", 1)]


async def test_organizer_adds_and_removes_a_request(client, docking):
    d = await docking()
    bank = d["banks"][1][1]
    await client.login(d["organizer"].email)

    added = await client.submit(f"/organizer/events/{d['event'].id}/requests", {
        "need_id": str(d["need"].id), "to_organization_id": str(bank.id), "priority": "must"})
    request = await MeetingRequest.get()
    removed = await client.submit(f"/organizer/events/{d['event'].id}/requests/{request.id}/remove")

    assert (added.status_code, removed.status_code) == (303, 303)
    request = await MeetingRequest.get()
    assert (request.added_by_organizer, request.state) == (True, RequestState.WITHDRAWN)


async def test_another_enterprises_request_page_needs_an_approved_registration(client, docking, make_organization):
    d = await docking()
    outsider = await make_organization("enterprise")
    await client.login(outsider.email)

    response = await client.get(f"/events/{d['event'].id}/requests")

    assert response.status_code == 403


async def test_a_declined_pair_is_no_longer_suggested(docking):
    d = await docking()
    (first_user, first), (_, second) = d["banks"]
    request = await ask(d["event"], d["enterprise"], draft=RequestDraft(first.id, d["need"].id),
                        by=d["enterprise_user"])
    await answer(request, first, accept=False, reason="额度已满", by=first_user)

    offered = await suggestions(d["event"], d["enterprise"], as_of=AS_OF)

    assert [s.organization.id for s in offered] == [second.id]


async def test_a_bank_asks_an_enterprise_by_choosing_one_of_its_needs(client, docking):
    d = await docking()
    bank_user, bank = d["banks"][0]
    await client.login(bank_user.email)
    page = await client.get(f"/events/{d['event'].id}/requests")

    response = await client.submit(f"/events/{d['event'].id}/requests",
                                   {"need_id": str(d["need"].id), "priority": "must", "message": "可提供信用贷"})

    assert page.status_code == 200 and "星河纳米新材料 · 流动资金贷款 500 万" in page.text
    assert response.status_code == 303
    request = await MeetingRequest.get()
    assert (request.enterprise_id, request.institution_id, request.from_enterprise) == (d["enterprise"].id, bank.id,
                                                                                        False)
    assert (await Notification.get(organization=d["enterprise"])).kind == "request.received"


async def test_the_expire_requests_command_expires_what_is_due(docking, settings, monkeypatch, capsys):
    import asyncio

    from matchmaker.cli import main

    d = await docking()
    request = await ask(d["event"], d["enterprise"], draft=RequestDraft(d["banks"][0][1].id, d["need"].id),
                        by=d["enterprise_user"])
    d["event"].answer_deadline = past()
    await d["event"].save()
    monkeypatch.setenv("MATCHMAKER_DATABASE_URL", settings.database_url)

    code = await asyncio.to_thread(main, ["expire-requests"])

    assert code == 0
    assert "已将 1 个超过答复截止时间的约见申请标记为过期" in capsys.readouterr().out
    assert (await MeetingRequest.get(id=request.id)).state == RequestState.EXPIRED
