"""The stored per-lead facts the statistics sum (lead_fact, disbursement_fact) follow every write
of the outcomes service in its own transaction: after each step they are exactly what a full
recompute from the records gives, and a refused write leaves them as they were."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from matchmaker.errors import InvalidInput
from matchmaker.models import DisbursementFact, LeadFact
from matchmaker.services.outcomes import leads, workbook
from matchmaker.services.outcomes.facts import refresh_all_facts
from matchmaker.services.outcomes.stages import StageDraft
from matchmaker.stats.indicators import DISBURSEMENT_FACT_COLUMNS, LEAD_FACT_COLUMNS
from tests.services.outcomes.factories import accepted_lead


def _day(days_ago: int):
    return leads.today() - timedelta(days=days_ago)


async def stored() -> tuple[list, list]:
    return (sorted(await LeadFact.all().values_list(*LEAD_FACT_COLUMNS)),
            sorted(await DisbursementFact.all().values_list(*DISBURSEMENT_FACT_COLUMNS)))


async def assert_in_step() -> tuple[list, list]:
    """The facts as the services left them equal the facts recomputed from the records."""
    kept = await stored()
    await refresh_all_facts()
    assert kept == await stored()
    return kept


async def test_a_new_lead_has_its_facts_at_once(db):
    setup = await accepted_lead()

    facts, paid = await assert_in_step()

    assert [(f[0], f[1], f[2], f[6]) for f in facts] == [(setup.lead.pk, setup.enterprise.pk, setup.bank.pk, 0)]
    assert paid == []


async def test_stages_answers_and_a_correction_keep_the_facts_in_step(db):
    setup = await accepted_lead(first_loan=True)
    bank, lead_id = setup.bank, setup.lead.pk
    intent = await leads.append_stage(bank, lead_id, StageDraft(stage="intent", occurred_on=_day(9),
                                                                amount=5_000_000), by=setup.bank_user)
    await assert_in_step()
    await leads.answer_record(setup.enterprise, intent.pk, confirm=False, reason="金额应为 300 万",
                              by=setup.enterprise_user)
    [fact] = (await assert_in_step())[0]
    assert fact[11] == 2  # the intent's bucket: disputed

    wrong = await leads.append_stage(bank, lead_id, StageDraft(stage="approved", occurred_on=_day(5),
                                                               amount=4_000_000), by=setup.bank_user)
    await leads.append_stage(bank, lead_id, StageDraft(stage="approved", occurred_on=_day(5), amount=3_000_000,
                                                       corrects_id=wrong.pk, correction_reason="误录"),
                             by=setup.bank_user)
    paid = await leads.append_stage(bank, lead_id, StageDraft(stage="disbursed", occurred_on=_day(2),
                                                              amount=2_000_000), by=setup.bank_user)
    await leads.answer_record(setup.enterprise, paid.pk, confirm=True, by=setup.enterprise_user)

    [fact], [disbursement] = await assert_in_step()
    assert (fact[12], fact[13], fact[15], fact[16]) == (_day(5), 3_000_000, 1, 2_000_000)  # the correction counts
    assert disbursement[:2] == (paid.pk, lead_id) and disbursement[7] == 0  # confirmed
    assert disbursement[8] is True and disbursement[12] is True and disbursement[13] is not None


async def test_a_refused_stage_leaves_the_facts_as_they_were(db):
    setup = await accepted_lead()
    before = await stored()

    with pytest.raises(InvalidInput):
        await leads.append_stage(setup.bank, setup.lead.pk, StageDraft(stage="approved", occurred_on=_day(-30),
                                                                       amount=-1), by=setup.bank_user)

    assert await stored() == before


async def test_a_bulk_update_from_the_workbook_refreshes_every_lead_it_wrote(db):
    setup = await accepted_lead()
    exported = await workbook.export_pipeline(setup.bank)
    book = load_workbook(io.BytesIO(exported))
    sheet = book[workbook.SHEET]
    header = [c.value for c in sheet[1]]
    for column, value in {"新阶段": "已授信", "日期": _day(2).isoformat(), "金额（万元）": 500}.items():
        sheet.cell(row=2, column=header.index(column) + 1, value=value)
    buffer = io.BytesIO()
    book.save(buffer)

    assert await workbook.bulk_update(setup.bank, buffer.getvalue(), by=setup.bank_user) == 1

    [fact], _ = await assert_in_step()
    assert (fact[12], fact[13], fact[14]) == (_day(2), 5_000_000, 1)  # approved, one-sided



async def test_a_product_whose_kind_is_edited_moves_its_leads_to_the_new_kind(db):
    """The statistics by product kind count a lead under its product's kind: an edit of the kind
    (a product first filed as a credit loan, really an IP-pledge loan) carries over to the facts."""
    from matchmaker.services.registry.products import ProductDraft, update_product

    setup = await accepted_lead()
    assert [f[3] for f in (await assert_in_step())[0]] == ["credit_loan"]

    await update_product(setup.bank, setup.product.pk, chains=(), by=setup.bank_user,
                         draft=ProductDraft(raw={"name": setup.product.name, "kind": "知识产权质押贷款"}))

    assert [f[3] for f in (await assert_in_step())[0]] == ["ip_pledge_loan"]
