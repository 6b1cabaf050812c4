"""The figures summed in the database over the stored facts (stats.sql, data.load_groups) are
exactly those of the pure definition (stats.indicators over the leads' facts, stats.summary's
one-pass Groups): on the hand-computed fixture and on a random programme, for several periods."""

from __future__ import annotations

import random
from datetime import date, timedelta

from matchmaker.models import (
    EnterpriseProfile,
    FinancingLead,
    FinancingNeed,
    LeadRecord,
    Meeting,
    Organization,
    OrganizationKind,
    ScheduleVersion,
    VersionState,
)
from matchmaker.services.outcomes.facts import refresh_all_facts
from matchmaker.services.reports.data import count_overdue, load_dataset, load_summed
from matchmaker.stats import assessment
from matchmaker.stats.indicators import facts_of
from matchmaker.stats.periods import date_range, month, quarter, year
from matchmaker.stats.summary import breakdowns, groups_of, headline, monthly_trend
from tests.conftest import next_uscc
from tests.factories import make_event, make_organizer, make_product
from tests.services.reports.factories import at, load_fixture
from tests.stats.fixture import DATASET, NOW

PERIODS = (quarter(2026, 4), year(2026), month(2026, 10), date_range(date(2026, 9, 30), date(2027, 1, 1)),
           date_range(date(2026, 11, 3), date(2026, 12, 17)))


async def assert_sql_equals_pure(event_ids: list[int], periods=PERIODS) -> None:
    pure_data = await load_dataset(event_ids)
    for period in periods:
        sql_data, summed = await load_summed(event_ids, period)
        assert sql_data.leads == () and pure_data.leads  # the SQL path reads no lead row into Python
        assert (sql_data.enterprises, sql_data.institutions) == (pure_data.enterprises, pure_data.institutions)
        pure = groups_of(pure_data, period, facts_of(pure_data))
        assert headline(sql_data, period, now=NOW, groups=summed) == headline(pure_data, period, now=NOW,
                                                                                groups=pure), period
        assert monthly_trend(sql_data, period, groups=summed) == monthly_trend(pure_data, period, groups=pure)
        assert breakdowns(sql_data, period, groups=summed) == breakdowns(pure_data, period, groups=pure), period
        assert (assessment.assess(sql_data, period, now=NOW, groups=summed)
                == assessment.assess(pure_data, period, now=NOW, groups=pure))


async def test_the_database_sums_give_the_hand_computed_figures(db):
    loaded = await load_fixture(await make_organizer())
    ids = [e.pk for e in loaded.events.values()]
    q4 = quarter(2026, 4)

    data, summed = await load_summed(ids, q4)
    ours = headline(data, q4, now=NOW, groups=summed)

    theirs = headline(DATASET, q4, now=NOW)
    assert ours.disbursed == theirs.disbursed and ours.first_loans == theirs.first_loans
    assert (ours.enterprises_served, ours.leads, ours.intent, ours.approved, ours.funnel) == (
        theirs.enterprises_served, theirs.leads, theirs.intent, theirs.approved, theirs.funnel)
    assert (ours.credit_loan_share, ours.average_rate, ours.days_to_disburse) == (
        theirs.credit_loan_share, theirs.average_rate, theirs.days_to_disburse)
    await assert_sql_equals_pure(ids)


async def test_the_database_sums_equal_the_pure_figures_on_a_random_programme(db):
    rng = random.Random(13)
    organizer = await make_organizer()
    events = [await make_event(organizer, f"第{n}场") for n in range(3)]
    institutions = [await Organization.create(kind=rng.choice([OrganizationKind.BANK, OrganizationKind.GUARANTOR]),
                                              name=f"机构{n}") for n in range(4)]
    products = [await make_product(i, kind=rng.choice(["credit_loan", "equity", "guaranteed_loan"]))
                for i in institutions]
    enterprises = []
    for n in range(12):
        enterprise = await Organization.create(kind=OrganizationKind.ENTERPRISE, name=f"企业{n}", uscc=next_uscc())
        await EnterpriseProfile.create(organization=enterprise, district=rng.choice(["滨江区", "西湖区", ""]),
                                       industry_chains=rng.sample(["集成电路", "新材料", "人工智能"], rng.randint(0, 2)),
                                       size_class=rng.choice("中小微"), first_loan=rng.random() < 0.3)
        enterprises.append(enterprise)
    for event in events:
        version = await ScheduleVersion.create(event=event, number=1, published_number=1,
                                               state=VersionState.PUBLISHED)
        pairs = rng.sample([(e, i) for e in enterprises for i in institutions], 8)  # one meeting a pair
        for n, (enterprise, institution) in enumerate(pairs):
            day = date(2026, 9, 1) + timedelta(days=rng.randint(0, 130))
            await Meeting.create(version=version, event=event, enterprise=enterprise,
                                 institution=institution, slot=f"s{n}", starts_at=at(day, rng.choice(
                                     [0, 7, 10, 23])), ends_at=at(day, 23), table=1,
                                 state=rng.choice(["held", "held", "no_show", "cancelled", "planned"]),
                                 absent_side=rng.choice(["", "enterprise", "institution"]))
    for n in range(60):
        enterprise, institution = rng.choice(enterprises), rng.choice(institutions)
        need = await FinancingNeed.create(enterprise=enterprise, title="流动资金", amount=1_000_000, term_months=12,
                                          kind=rng.choice(["credit_loan", "ip_pledge_loan", "guaranteed_loan", "equity"]))
        contact = date(2026, 9, 1) + timedelta(days=rng.randint(0, 120))
        lead = await FinancingLead.create(enterprise=enterprise, institution=institution, need=need, origin="meeting",
                                          product=rng.choice([None, *products]), first_event=rng.choice(events),
                                          first_contact_at=at(contact, rng.choice([1, 10, 23])),
                                          stage_changed_at=at(contact))
        for _ in range(rng.randint(0, 6)):
            stage = rng.choice(["intent", "intent", "accepted", "approved", "approved", "disbursed", "disbursed",
                                "declined", "withdrawn"])
            await LeadRecord.create(
                lead=lead, stage=stage, occurred_on=contact + timedelta(days=rng.randint(0, 60)),
                amount=rng.choice([None, rng.randint(1, 300) * 10_000]), rate_bp=rng.choice([None, 350, 435, 510]),
                guarantee=rng.choice(["", "信用", "保证"]), first_loan=rng.random() < 0.3,
                product=rng.choice([None, None, *products]), recorded_side="institution",
                confirmation=rng.choice(["confirmed", "pending", "disputed"]), superseded=rng.random() < 0.15)
    await refresh_all_facts()

    await assert_sql_equals_pure([e.pk for e in events])


async def test_the_overdue_count_is_the_open_leads_without_a_step_for_thirty_days(db):
    loaded = await load_fixture(await make_organizer())
    ids = [e.pk for e in loaded.events.values()]
    data = await load_dataset(ids)
    open_stages = {"contact", "intent", "accepted", "approved"}

    def by_hand(cutoff: date) -> int:
        return sum(1 for f in facts_of(data) if not (f.declined or f.withdrawn or f.disbursements)
                   and f.furthest in open_stages and max([f.lead.first_contact_on] + [
                       r.occurred_on for r in (f.intent, f.approved) if r is not None]) < cutoff)

    for cutoff in (date(2026, 10, 16), date(2026, 12, 1), date(2027, 3, 1)):
        assert await count_overdue(ids, cutoff) == by_hand(cutoff)
    assert await count_overdue(ids, date(2027, 3, 1)) > 0
