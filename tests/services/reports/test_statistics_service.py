"""The loader reads the fixture back from the database into the very figures computed by hand."""

from __future__ import annotations

from dataclasses import replace

from matchmaker.services.reports import statistics
from matchmaker.services.reports.data import load_dataset
from matchmaker.stats.periods import quarter
from matchmaker.stats.summary import breakdown, headline
from matchmaker.services.events.slots import SHANGHAI
from tests.factories import make_organizer
from tests.services.reports.factories import load_fixture
from tests.stats.fixture import DATASET


async def test_the_loaded_rows_give_the_hand_computed_figures(db):
    loaded = await load_fixture(await make_organizer())
    q4 = quarter(2026, 4)

    data = await load_dataset([e.pk for e in loaded.events.values()])

    expected = replace(DATASET, responses=())
    ours, theirs = headline(data, q4), headline(expected, q4)
    assert replace(ours, responsiveness=None) == replace(theirs, responsiveness=None)
    assert ours.disbursed.split.recorded.amount == 5_500_000 and ours.meetings_held == 4
    assert ([(r.label, r.disbursed.split.recorded) for r in breakdown(data, q4, "institution").rows]
            == [(r.label, r.disbursed.split.recorded) for r in breakdown(expected, q4, "institution").rows])
    scope = await statistics.programme_scope(await loaded.programme.organizer, loaded.programme.pk)
    assert scope.event_ids == tuple(sorted(e.pk for e in loaded.events.values()))
    assert statistics.period_of(scope, "").label == "2026-01-01..2026-12-31"


async def test_the_facts_sorted_out_in_sql_are_the_pure_definitions_facts(db):
    """data.load_lead_facts picks each lead's records in SQL (window functions); the pure
    stats.indicators.lead_facts is the definition: on the fixture's rows both agree lead by lead."""
    from matchmaker.models import FinancingLead, LeadRecord
    from matchmaker.services.reports.data import load_lead_facts
    from matchmaker.stats.indicators import lead_facts
    from matchmaker.stats.rows import LeadRow, RecordRow

    loaded = await load_fixture(await make_organizer())

    leads, facts = await load_lead_facts([e.pk for e in loaded.events.values()])

    rows = tuple(LeadRow(i, e, inst, str(kind), at.astimezone(SHANGHAI).date(), ev) for i, e, inst, kind, at, ev in
                 await FinancingLead.all().order_by("id").values_list(
                     "id", "enterprise_id", "institution_id", "need__kind", "first_contact_at", "first_event_id"))
    records = tuple(RecordRow(*values[:9], bool(values[9]), str(values[10] or "")) for values in
                    await LeadRecord.all().values_list(
                        "id", "lead_id", "stage", "occurred_on", "amount", "rate_bp", "guarantee", "first_loan",
                        "confirmation", "superseded", "product__kind"))
    records = tuple(replace(r, stage=str(r.stage), confirmation=str(r.confirmation)) for r in records)
    assert leads == rows and len(facts) == 12
    assert facts == lead_facts(rows, records)
    assert {f.furthest for f in facts} == {"contact", "intent", "accepted", "approved", "disbursed"}
    assert sum(len(f.disbursements) for f in facts) == 6  # the superseded 120 万 is not among them
