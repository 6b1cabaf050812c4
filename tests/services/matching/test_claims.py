"""抢单: claim a fitting need, notify the enterprise, audit, answer before the deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from matchmaker.errors import Conflict, NotAllowed, NotFound
from matchmaker.models import AuditLog, ClaimState, NeedClaim, Notification, PublicationStatus
from matchmaker.services.matching import all_claims, answer_claim, claim_need, effective_state
from tests.factories import (
    AS_OF,
    REVENUE_AT_LEAST_20M,
    make_enterprise,
    make_institution,
    make_need,
    make_product,
    make_user,
)

NOW = datetime(2026, 6, 30, 2, 0, tzinfo=UTC)


async def test_claim_creates_the_claim_an_inbox_message_and_an_audit_row(db):
    bank = await make_institution("星河银行")
    officer = await make_user(bank)
    product = await make_product(bank, REVENUE_AT_LEAST_20M, name="科创贷")
    enterprise = await make_enterprise("星河纳米", revenue=36_000_000)
    need = await make_need(enterprise, title="扩产资金")

    claim = await claim_need(bank, product_id=product.id, need_id=need.id, by=officer, as_of=AS_OF, now=NOW,
                             response_days=5)

    assert claim.state == ClaimState.OPEN
    assert claim.response_deadline == NOW + timedelta(days=5)
    [message] = await Notification.filter(organization=enterprise)
    assert (message.kind, message.link) == ("need.claimed", "/enterprise/matches#claims")
    assert message.text == "星河银行 以「科创贷」认领了您的融资需求「扩产资金」，请在 2026-07-05 10:00 前回复"
    row = await AuditLog.get(action="need.claim")
    assert (row.actor_id, row.organization_id, row.object_id) == (officer.id, bank.id, str(claim.id))


async def test_a_need_that_does_not_fit_cannot_be_claimed(db):
    bank = await make_institution()
    product = await make_product(bank, REVENUE_AT_LEAST_20M)
    need = await make_need(await make_enterprise(revenue=1_000_000))

    with pytest.raises(NotAllowed):
        await claim_need(bank, product_id=product.id, need_id=need.id, by=await make_user(bank), as_of=AS_OF,
                         now=NOW, response_days=5)
    assert await NeedClaim.all().count() == 0


async def test_drafts_and_other_institutions_products_cannot_claim(db):
    bank, other = await make_institution(), await make_institution()
    draft = await make_product(bank, None, status=PublicationStatus.DRAFT)
    theirs = await make_product(other, None)
    need = await make_need(await make_enterprise())
    officer = await make_user(bank)

    with pytest.raises(NotAllowed):
        await claim_need(bank, product_id=draft.id, need_id=need.id, by=officer, as_of=AS_OF, now=NOW, response_days=5)
    with pytest.raises(NotFound):
        await claim_need(bank, product_id=theirs.id, need_id=need.id, by=officer, as_of=AS_OF, now=NOW,
                         response_days=5)


async def test_a_product_claims_a_need_once(db):
    bank = await make_institution()
    product = await make_product(bank, None)
    need = await make_need(await make_enterprise())
    officer = await make_user(bank)
    await claim_need(bank, product_id=product.id, need_id=need.id, by=officer, as_of=AS_OF, now=NOW, response_days=5)

    with pytest.raises(Conflict):
        await claim_need(bank, product_id=product.id, need_id=need.id, by=officer, as_of=AS_OF, now=NOW,
                         response_days=5)


async def test_the_enterprise_answers_and_the_institution_is_told(db):
    bank = await make_institution("星河银行")
    product = await make_product(bank, None, name="科创贷")
    enterprise = await make_enterprise("星河纳米")
    need = await make_need(enterprise, title="扩产资金")
    claim = await claim_need(bank, product_id=product.id, need_id=need.id, by=await make_user(bank), as_of=AS_OF,
                             now=NOW, response_days=5)

    answered = await answer_claim(enterprise, claim.id, accept=True, by=await make_user(enterprise),
                                  now=NOW + timedelta(days=1))

    assert (answered.state, answered.accepted) == (ClaimState.ANSWERED, True)
    [message] = await Notification.filter(organization=bank)
    assert (message.kind, message.link) == ("need.claim.answered", f"/institution/products/{product.id}/matches")
    assert message.text == "星河纳米 接受了「科创贷」对需求「扩产资金」的认领"
    assert await AuditLog.exists(action="need.claim.answer", object_id=str(claim.id))


async def test_late_answers_and_other_enterprises_are_refused(db):
    bank = await make_institution()
    product = await make_product(bank, None)
    enterprise, stranger = await make_enterprise(), await make_enterprise()
    need = await make_need(enterprise)
    claim = await claim_need(bank, product_id=product.id, need_id=need.id, by=await make_user(bank), as_of=AS_OF,
                             now=NOW, response_days=5)

    with pytest.raises(NotFound):
        await answer_claim(stranger, claim.id, accept=True, by=await make_user(stranger), now=NOW)
    with pytest.raises(Conflict):
        await answer_claim(enterprise, claim.id, accept=True, by=await make_user(enterprise),
                           now=NOW + timedelta(days=6))


async def test_the_organizer_sees_open_claims_first_and_expired_ones_as_expired(db):
    bank = await make_institution()
    product = await make_product(bank, None)
    officer = await make_user(bank)
    early = await claim_need(bank, product_id=product.id, need_id=(await make_need(await make_enterprise())).id,
                             by=officer, as_of=AS_OF, now=NOW - timedelta(days=10), response_days=5)
    late = await claim_need(bank, product_id=product.id, need_id=(await make_need(await make_enterprise())).id,
                            by=officer, as_of=AS_OF, now=NOW, response_days=5)

    rows = await all_claims(now=NOW)

    assert [(row.claim.id, row.state) for row in rows] == [(late.id, ClaimState.OPEN), (early.id, ClaimState.EXPIRED)]
    assert effective_state(early, NOW) == ClaimState.EXPIRED


async def test_a_need_in_talks_is_still_claimable_but_a_granted_one_is_not(db):
    """Institutions are shown the needs still seeking money (open or in talks): each can be claimed."""
    from matchmaker.models import NeedStatus

    bank = await make_institution()
    product = await make_product(bank, None)
    enterprise = await make_enterprise()
    talking = await make_need(enterprise, title="在谈的设备贷", status=NeedStatus.IN_TALKS)
    granted = await make_need(enterprise, title="已获融资的流动资金", status=NeedStatus.GRANTED)
    officer = await make_user(bank)

    claim = await claim_need(bank, product_id=product.id, need_id=talking.id, by=officer, as_of=AS_OF, now=NOW,
                             response_days=5)

    assert claim.need_id == talking.id
    with pytest.raises(NotFound):
        await claim_need(bank, product_id=product.id, need_id=granted.id, by=officer, as_of=AS_OF, now=NOW,
                         response_days=5)
