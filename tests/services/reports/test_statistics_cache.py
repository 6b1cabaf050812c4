"""The statistics cache (services/reports/cache.py): a page after another reads the figures the
database keeps instead of computing them again, and any write to what they count — through a
service or straight into a table — or time passing a deadline makes the next page compute them
anew, equal to a computation that never saw the cache."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tortoise import Tortoise

from matchmaker.models import Event, FinancingNeed, Meeting, MeetingRequest, Organization, StatisticsEpoch
from matchmaker.services.reports import statistics
from matchmaker.stats.periods import quarter
from matchmaker.stats.rows import Dataset
from tests.factories import make_organizer
from tests.services.reports.factories import at, load_fixture

FIGURES = ("headline", "trend", "breakdowns", "ranking", "weights", "overdue_leads", "generated_at")
NOW = at(date(2026, 12, 31), 12)
Q4 = quarter(2026, 4)


def figures(computed: statistics.Statistics) -> dict:
    return {name: getattr(computed, name) for name in FIGURES}


async def fixture_scope():
    loaded = await load_fixture(await make_organizer())
    scope = await statistics.programme_scope(await loaded.programme.organizer, loaded.programme.pk)
    return loaded, scope


async def uncached(scope, period=Q4, now=NOW) -> dict:
    """The figures as computed from the rows, the cache neither read nor written."""
    return figures(await statistics._computed(scope, period, now))


async def test_the_second_page_reads_the_figures_the_first_one_stored(db):
    _, scope = await fixture_scope()

    first = await statistics.compute(scope, Q4, now=NOW)
    second = await statistics.compute(scope, Q4, now=NOW + timedelta(minutes=5))

    assert first.data.meetings and second.data == Dataset()  # computed, then read back
    assert figures(second) == figures(first) == await uncached(scope)
    assert second.headline.disbursed.split.recorded.amount == 5_500_000  # the hand-computed figure
    other = await statistics.compute(scope, quarter(2026, 3), now=NOW)  # another period: its own entry
    assert other.data.meetings and other.headline != first.headline


async def test_a_write_through_a_service_or_past_it_changes_the_next_pages_figures(db):
    loaded, scope = await fixture_scope()
    before = await statistics.compute(scope, Q4, now=NOW)
    held = before.headline.meetings_held

    # Past every service, as a bulk import or a hand-made repair would: the trigger still sees it.
    planned = await Meeting.filter(event_id__in=scope.event_ids).exclude(state="held").first()
    await Meeting.filter(id=planned.pk).update(state="held", absent_side="")
    after = await statistics.compute(scope, Q4, now=NOW)

    assert after.data.meetings  # recomputed, not read back
    assert after.headline.meetings_held == held + 1
    assert figures(after) == await uncached(scope)

    # A programme's weights are read from the programme row: changing them changes the ranking.
    programme = loaded.programme
    programme.assessment_weights = {"meetings_held": 100}
    await programme.save()
    scope = await statistics.programme_scope(await programme.organizer, programme.pk)
    weighted = await statistics.compute(scope, Q4, now=NOW)
    assert weighted.data.meetings and weighted.weights == {"meetings_held": 100}
    assert figures(weighted) == await uncached(scope)


async def test_every_table_the_figures_read_raises_the_epoch(db):
    from importlib import import_module

    sources = import_module("matchmaker.migrations.0021_statistics_cache").SOURCES
    await load_fixture(await make_organizer())
    db_client = Tortoise.get_connection("default")
    raised, present = set(), set()
    for table in sources:
        _, rows = await db_client.execute_query(f'SELECT MIN(id) FROM "{table}"')  # nosec B608 - our names
        if rows[0][0] is None:
            continue  # the fixture has none of these rows (requests, claims, lead links)
        present.add(table)
        epoch = (await StatisticsEpoch.get(id=1)).value
        await db_client.execute_query(f'UPDATE "{table}" SET id = id WHERE id = {int(rows[0][0])}')  # nosec B608
        if (await StatisticsEpoch.get(id=1)).value > epoch:
            raised.add(table)
    assert raised == present and len(present) >= 12


async def test_the_figures_are_computed_again_once_an_open_request_s_deadline_passes(db):
    loaded, scope = await fixture_scope()
    event = loaded.events[1]
    deadline = at(date(2026, 12, 20), 18)
    await Event.filter(id=event.pk).update(answer_deadline=deadline)
    need = await FinancingNeed.first()
    enterprise = loaded.organizations[need.enterprise_id] if need.enterprise_id in loaded.organizations else (
        await need.enterprise)
    institution = next(o for o in loaded.organizations.values() if o.kind == "bank")
    request = await MeetingRequest.create(event=event, enterprise=enterprise, institution=institution,
                                          from_enterprise=True, need=need)
    await MeetingRequest.filter(id=request.pk).update(created_at=at(date(2026, 12, 10)))
    early = deadline - timedelta(hours=1)  # the same UTC day: only the deadline ends the entry

    before = await statistics.compute(scope, Q4, now=early)  # open, its deadline ahead: not counted
    still = await statistics.compute(scope, Q4, now=deadline - timedelta(minutes=1))
    after = await statistics.compute(scope, Q4, now=deadline + timedelta(minutes=1))

    assert still.data == Dataset() and figures(still) == figures(before)
    assert after.data.meetings  # the deadline passed: computed again
    assert after.headline.responsiveness.asked == before.headline.responsiveness.asked + 1
    assert figures(after) == await uncached(scope, now=deadline + timedelta(minutes=1))


async def test_figures_are_never_read_for_a_moment_before_they_were_computed_nor_on_a_later_day(db):
    _, scope = await fixture_scope()
    await statistics.compute(scope, Q4, now=NOW)

    earlier = await statistics.compute(scope, Q4, now=NOW - timedelta(hours=1))
    next_day = await statistics.compute(scope, Q4, now=NOW + timedelta(days=1))

    assert earlier.data.meetings and next_day.data.meetings  # both computed, not read back


async def test_the_workbook_s_rows_are_the_same_whether_its_figures_came_from_the_cache_or_not(db):
    _, scope = await fixture_scope()
    computed = await statistics.compute(scope, Q4, now=NOW, details=True)  # a miss: computed and stored
    read_back = await statistics.compute(scope, Q4, now=NOW, details=True)  # a hit: the rows loaded apart

    rows = await statistics._computed(scope, Q4, NOW)
    for case in (computed, read_back):
        assert figures(case) == figures(computed)
        assert (case.data.events, case.data.meetings, case.data.enterprises, case.data.institutions) == (
            rows.data.events, rows.data.meetings, rows.data.enterprises, rows.data.institutions)
        assert len(case.lead_rows) == 12


async def test_without_the_epoch_row_nothing_is_cached_and_the_figures_are_computed_each_time(db):
    _, scope = await fixture_scope()
    await StatisticsEpoch.all().delete()  # a database emptied table by table, by hand

    first = await statistics.compute(scope, Q4, now=NOW)
    second = await statistics.compute(scope, Q4, now=NOW)

    assert first.data.meetings and second.data.meetings
    assert figures(second) == figures(first)


async def test_a_transaction_of_many_writes_raises_the_epoch_by_the_time_it_commits(db):
    from tortoise.transactions import in_transaction

    await fixture_scope()
    before = (await StatisticsEpoch.get(id=1)).value
    async with in_transaction() as connection:
        for meeting in await Meeting.all():
            await Meeting.filter(id=meeting.pk).using_db(connection).update(table=meeting.table + 1)
    after = (await StatisticsEpoch.get(id=1)).value

    assert after > before
    if Tortoise.get_connection("default").capabilities.dialect == "postgres":
        assert after == before + 1  # once per transaction, at commit (a deferred trigger)


async def test_the_responses_are_the_events_requests_and_the_claims_of_the_scope_s_leads(db):
    """load_dataset reads both in one statement (the page's statement budget): each row is the
    one its table holds, a claim's enterprise the need's, a request's deadline its event's."""
    from matchmaker.models import FinancingLead, LeadLink, NeedClaim
    from matchmaker.services.reports.data import load_dataset
    from tests.factories import make_product

    loaded, scope = await fixture_scope()
    event = loaded.events[1]
    await Event.filter(id=event.pk).update(answer_deadline=at(date(2026, 10, 20), 18))
    lead = await FinancingLead.filter(first_event_id=event.pk).first().prefetch_related("need")
    institution = await Organization.get(id=lead.institution_id)
    await MeetingRequest.create(event=event, enterprise_id=lead.enterprise_id, institution=institution,
                                from_enterprise=False, need_id=lead.need_id)
    claim = await NeedClaim.create(institution=institution, need_id=lead.need_id,
                                   product=await make_product(institution), response_deadline=at(date(2026, 11, 2)))
    await NeedClaim.filter(id=claim.pk).update(claimed_at=at(date(2026, 10, 30)), answered_at=at(date(2026, 11, 1)))
    await LeadLink.create(lead=lead, kind="claim", claim=claim)
    await NeedClaim.create(institution=institution, need_id=lead.need_id, product=await make_product(institution),
                           response_deadline=at(date(2026, 11, 2)))  # linked to no lead: not the scope's

    responses = (await load_dataset(scope.event_ids)).responses

    assert [(r.kind, r.institution_id, r.enterprise_id, r.answerer) for r in responses] == [
        ("request", institution.pk, lead.enterprise_id, "enterprise"),
        ("claim", institution.pk, lead.need.enterprise_id, "enterprise")]
    asked = {r.kind: r for r in responses}
    assert asked["request"].deadline == datetime(2026, 10, 20, 18) and asked["request"].answered_at is None
    assert (asked["claim"].asked_at, asked["claim"].deadline, asked["claim"].answered_at) == (
        datetime(2026, 10, 30, 10), datetime(2026, 11, 2, 10), datetime(2026, 11, 1, 10))
