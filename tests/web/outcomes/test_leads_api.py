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


async def test_malformed_bodies_and_filters_answer_400_never_a_server_error(client, db):
    setup = await accepted_lead()
    headers = await _token(client, setup.bank_user)
    client.cookies.clear()
    path = f"/api/v1/leads/{setup.lead.id}/records"
    bodies = [[], {"stage": "intent", "occurred_on": 20261201}, {"stage": "intent", "occurred_on": "2026-02-30"},
              {"stage": "intent", "occurred_on": "2026-12-01", "note": "a\x00b"},
              {"stage": "approved", "occurred_on": "2026-12-01", "amount": 10**30, "rate_bp": 2**40,
               "term_months": -1, "product_id": 2**40, "corrects_id": 2**40},
              {"stage": True, "amount": "100"}, {"unknown": 1}]

    answers = [await client.post(path, headers=headers, json=body) for body in bodies]
    not_json = await client.post(path, headers={**headers, "content-type": "application/json"}, content=b"{")
    filters = await client.get("/api/v1/leads?event=abc&page=0&member=99999999999", headers=headers)

    assert [a.status_code for a in answers] == [400] * len(bodies)
    assert (not_json.status_code, filters.status_code) == (400, 400)
    assert set(filters.json()["problems"]) == {"event", "page", "member"}
    assert not await LeadRecord.exists()
