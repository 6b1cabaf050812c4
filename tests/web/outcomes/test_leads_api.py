"""/api/v1/leads with a Bearer token: the institution's own leads only, the pages' rules, 201/400/404."""

from __future__ import annotations

from datetime import timedelta

from matchmaker.models.outcomes import LeadRecord
from matchmaker.services.outcomes import leads
from tests.conftest import issued_token
from tests.services.outcomes.factories import accepted_lead
from tests.web.outcomes.login import login_as


async def _token(client, user) -> dict[str, str]:
    await login_as(client, user)
    page = await client.submit("/account/api-tokens", {"name": "信贷系统"})
    return {"authorization": f"Bearer {issued_token(page.text)}"}


async def test_the_bank_lists_reads_and_appends_with_its_token(client, db):
    setup = await accepted_lead()
    headers = await _token(client, setup.bank_user)
    client.cookies.clear()  # the token alone
    day = (leads.today() - timedelta(days=1)).isoformat()

    listing = await client.get("/api/v1/leads?stage=contact", headers=headers)
    created = await client.post(f"/api/v1/leads/{setup.lead.id}/records", headers=headers,
                                json={"stage": "approved", "occurred_on": day, "amount": 4_000_000, "rate_bp": 360})
    over = await client.post(f"/api/v1/leads/{setup.lead.id}/records", headers=headers,
                             json={"stage": "disbursed", "occurred_on": day, "amount": 5_000_000})
    backwards = await client.post(f"/api/v1/leads/{setup.lead.id}/records", headers=headers,
                                  json={"stage": "intent", "occurred_on": day})
    read = await client.get(f"/api/v1/leads/{setup.lead.id}", headers=headers)

    assert listing.status_code == 200 and [lead["id"] for lead in listing.json()["leads"]] == [setup.lead.id]
    assert created.status_code == 201 and created.json()["confirmation"] == "pending"
    assert over.status_code == 400 and "累计放款不能超过授信金额" in over.json()["problems"]["amount"]
    assert backwards.status_code == 400 and "stage" in backwards.json()["problems"]
    assert read.json()["approved_amount"] == 4_000_000 and len(read.json()["records"]) == 1


async def test_another_institutions_lead_answers_404_and_no_token_401(client, db):
    setup = await accepted_lead()
    other = await accepted_lead()
    headers = await _token(client, other.bank_user)
    client.cookies.clear()

    peek = await client.get(f"/api/v1/leads/{setup.lead.id}", headers=headers)
    write = await client.post(f"/api/v1/leads/{setup.lead.id}/records", headers=headers,
                              json={"stage": "intent", "occurred_on": leads.today().isoformat()})
    anonymous = await client.get("/api/v1/leads")

    assert (peek.status_code, write.status_code, anonymous.status_code) == (404, 404, 401)
    assert not await LeadRecord.exists(lead=setup.lead)
