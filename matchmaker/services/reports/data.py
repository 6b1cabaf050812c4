"""Loading one scope's rows (an event or a programme) for the statistics in a fixed handful of
statements: raw driver rows through Tortoise's public `sql()` and the model's connection, no
model instances, no per-row queries. The pages and files (`load_summed`) read no lead at all:
the database sums the facts the outcomes service keeps (lead_fact, disbursement_fact; the SQL
text is `stats.sql`), and only the meetings, participants, requests and feedback arrive as
rows. `load_dataset` without `parties` still loads every lead's facts sorted out from its
records (services/outcomes/facts.py), for the pure reference path the tests compare with."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

from matchmaker.models import (
    Event,
    LeadFact,
    Meeting,
    MeetingFeedback,
    MeetingRequest,
    Organization,
    Registration,
    RegistrationStatus,
    VersionState,
)
from matchmaker.services.clock import driver_date, driver_moment, shanghai_day
from matchmaker.services.events.slots import SHANGHAI
from matchmaker.services.outcomes.facts import load_facts
from matchmaker.stats import sql
from matchmaker.stats.indicators import LeadFacts
from matchmaker.stats.periods import Period
from matchmaker.stats.rows import (
    FUNNEL_STAGES,
    Dataset,
    EnterpriseRow,
    EventRow,
    FeedbackRow,
    InstitutionRow,
    LeadRow,
    MeetingRow,
    ParticipantRow,
    ResponseRow,
)
from matchmaker.stats.summary import SummedGroups


def _local(moment: datetime | str | None) -> datetime | None:
    moment = driver_moment(moment)
    return moment.astimezone(SHANGHAI).replace(tzinfo=None) if moment is not None else None


async def _rows(query) -> list:
    """The query's rows as the driver returns them, through Tortoise's public `sql()` and the
    model's connection: the statistics load tens of thousands of rows, and Tortoise's per-value
    conversion (an ISO parser per date) costs more than the query; each caller converts the few
    dates it reads. The parameters inlined are ids and enum values the code itself supplies."""
    _, rows = await query.model._meta.db.execute_query(query.sql(params_inline=True))
    return rows


def scope_leads_sql(event_ids: Sequence[int]) -> str:
    """The id subquery of the scope's leads (first met at one of the events, or joined again at
    one: a lead link): ids are integers, safe to inline."""
    ids = ",".join(str(int(i)) for i in event_ids)
    return (f"SELECT l0.id FROM financing_lead l0 WHERE l0.first_event_id IN ({ids}) "
            f"UNION SELECT k.lead_id FROM lead_link k WHERE k.event_id IN ({ids})")


async def load_lead_facts(event_ids: Sequence[int]) -> tuple[tuple[LeadRow, ...], tuple[LeadFacts, ...]]:
    """The scope's leads and their facts sorted out from the records (services/outcomes/facts)."""
    facts = await load_facts(scope_leads_sql(event_ids))
    return tuple(f.lead for f in facts), facts


def event_day(sessions: list[dict]) -> date | None:
    """The first day of an event's sessions (the date a period counts it by)."""
    days = [s.get("day", "") for s in sessions or [] if s.get("day")]
    return date.fromisoformat(min(days)) if days else None


async def load_dataset(event_ids: Sequence[int], *, parties: tuple[set[int], set[int]] | None = None) -> Dataset:
    """Every row the statistics of these events need (six queries whatever their size, the
    requests and the claims in one, and the leads' own without `parties`); with `parties` (the
    leads' enterprises and institutions, when the database sums the facts: `load_summed`) the
    leads themselves are not read."""
    ids = list(event_ids)
    if not ids:
        return Dataset()
    events = tuple(EventRow(id=i, title=t, held_on=event_day(s), programme_id=p) for i, t, s, p in
                   await Event.filter(id__in=ids).values_list("id", "title", "sessions", "programme_id"))
    listed = ",".join(str(int(i)) for i in ids)  # integers: safe to inline
    # One statement: an approved registration and whether anyone of it checked in.
    _, rows = await Registration._meta.db.execute_query(
        "SELECT r.event_id, r.organization_id, CASE WHEN EXISTS (SELECT 1 FROM checkin c WHERE c.event_id = r.event_id "
        "AND c.organization_id = r.organization_id) THEN 1 ELSE 0 END FROM registration r "
        f"WHERE r.event_id IN ({listed}) AND r.status = '{RegistrationStatus.APPROVED.value}'")  # nosec B608
    participants = tuple(ParticipantRow(e, o, bool(checked)) for e, o, checked in rows)
    meetings = tuple(MeetingRow(i, e, ent, inst, str(state), shanghai_day(start), absent or "")
                     for i, e, ent, inst, state, start, absent in await _rows(Meeting.filter(
                         event_id__in=ids, version__state=VersionState.PUBLISHED).values_list(
                         "id", "event_id", "enterprise_id", "institution_id", "state", "starts_at", "absent_side")))
    if parties is None:
        leads, facts = await load_lead_facts(ids)
        parties = ({lead.enterprise_id for lead in leads}, {lead.institution_id for lead in leads})
    else:
        leads, facts = (), ()
    # One statement: the requests of the events, then the claims of the scope's leads.
    _, rows = await MeetingRequest._meta.db.execute_query(
        "SELECT 'request', r.institution_id, r.enterprise_id, CASE WHEN r.from_enterprise THEN 'institution' "
        "ELSE 'enterprise' END, r.created_at, e.answer_deadline, r.answered_at FROM meeting_request r "
        f"JOIN event e ON e.id = r.event_id WHERE r.event_id IN ({listed}) UNION ALL "
        "SELECT 'claim', c.institution_id, n.enterprise_id, 'enterprise', c.claimed_at, c.response_deadline, "
        "c.answered_at FROM need_claim c JOIN financing_need n ON n.id = c.need_id WHERE c.id IN "
        f"(SELECT k.claim_id FROM lead_link k WHERE k.claim_id IS NOT NULL AND k.lead_id IN ({scope_leads_sql(ids)}))"
    )  # nosec B608 - integers only
    responses = [ResponseRow(kind, inst, ent, answerer, _local(asked), _local(deadline), _local(answered))
                 for kind, inst, ent, answerer, asked, deadline, answered in rows]
    feedback = tuple(FeedbackRow(inst, ent, score, shanghai_day(at)) for inst, ent, score, at in
                     await MeetingFeedback.filter(event_id__in=ids).values_list(
                         "institution_id", "enterprise_id", "satisfaction", "created_at"))

    enterprise_ids = {m.enterprise_id for m in meetings} | parties[0]
    institution_ids = {m.institution_id for m in meetings} | parties[1]
    institution_ids |= {p.organization_id for p in participants}
    organizations, profiles = {}, {}
    wanted = ",".join(str(int(i)) for i in sorted(enterprise_ids | institution_ids)) or "NULL"
    # One statement: each organization with its profile when it has one (an enterprise).
    _, rows = await Organization._meta.db.execute_query(
        "SELECT o.id, o.name, o.kind, p.organization_id, p.district, p.industry_chains, p.size_class, p.first_loan "
        f"FROM organization o LEFT JOIN enterprise_profile p ON p.organization_id = o.id WHERE o.id IN ({wanted})")
    for i, name, kind, profiled, district, chains, size_class, first_loan in rows:
        organizations[i] = (name, kind)
        if profiled is not None and i in enterprise_ids:
            chains = json.loads(chains) if isinstance(chains, str) else chains
            profiles[i] = (district, tuple(chains or ()), size_class,
                           None if first_loan is None else bool(first_loan))
    enterprises = {i: EnterpriseRow(i, organizations[i][0], *profiles.get(i, ("", (), "", None)))
                   for i in enterprise_ids if i in organizations}
    institutions = {i: InstitutionRow(i, organizations[i][0], str(organizations[i][1]))
                    for i in institution_ids if i in organizations and str(organizations[i][1]) not in
                    ("enterprise", "government")}
    return Dataset(events=events, participants=participants, meetings=meetings, enterprises=enterprises,
                   institutions=institutions, leads=leads, facts=facts, responses=tuple(responses),
                   feedback=feedback)


def _meetings_sql(event_ids: Sequence[int]) -> str:
    ids = ",".join(str(int(i)) for i in event_ids)  # integers: safe to inline
    return ("SELECT m0.id FROM meeting m0 JOIN schedule_version v0 ON v0.id = m0.version_id "
            f"WHERE m0.event_id IN ({ids}) AND v0.state = '{VersionState.PUBLISHED.value}'")


async def load_summed(event_ids: Sequence[int], period: Period, *,
                      overdue_before: date | None = None) -> tuple[Dataset, SummedGroups]:
    """The scope's rows without its leads, and its cells and per-enterprise totals summed by the
    database over the stored facts: six queries of `stats.sql` (two passes over lead_fact, two
    over disbursement_fact, the distinct enterprises, 放款用时) besides the dataset's own. With
    `overdue_before` the groups' `overdue` is `count_overdue`'s count, in the same statement."""
    db = LeadFact._meta.db
    scope = sql.scope(event_ids)

    async def rows(text: str) -> list:
        return list((await db.execute_query(text))[1])

    lead_cells, lead_enterprises, overdue = [], [], None
    for tag, *row in await rows(sql.lead_sums_sql(scope, period, overdue_before)):
        if tag == "cell":
            lead_cells.append(row)
        elif tag == "overdue":
            overdue = int(row[6])  # the count column, after the key and the two flags
        else:  # the enterprise, then the cells' three other key columns (NULL)
            lead_enterprises.append((row[0], *row[4:]))
    paid_cells, paid_enterprises, days = [], [], []
    for tag, *row in await rows(sql.paid_sums_sql(scope, period)):
        if tag == "cell":
            paid_cells.append(row)
        elif tag == "enterprise":
            paid_enterprises.append((row[0], *row[3:]))
        else:
            days.append((row[0], row[4]))
    distinct: dict[str, list] = {dimension: [] for dimension in sql.DISTINCT_DIMENSIONS}
    for dimension, *counts in await rows(sql.distinct_sql(scope, _meetings_sql(event_ids), period,
                                                          db.capabilities.dialect)):
        distinct[dimension].append(counts)
    data = await load_dataset(event_ids, parties=SummedGroups.parties(lead_cells, lead_enterprises))
    groups = SummedGroups(data, period, lead_cells=lead_cells, paid_cells=paid_cells,
                          lead_enterprises=lead_enterprises, paid_enterprises=paid_enterprises,
                          distinct=distinct, days=days)
    groups.overdue = overdue
    return data, groups


async def count_overdue(event_ids: Sequence[int], cutoff: date) -> int:
    _, rows = await LeadFact._meta.db.execute_query(sql.overdue_sql(sql.scope(event_ids), cutoff))
    return int(rows[0][0])


async def lead_details(event_ids: Sequence[int], chunk: int = 10_000):
    """The scope's leads as the workbook's detail sheet lists them (lead_fact rows, oldest
    first), `chunk` rows per query so the rows stream instead of arriving all at once: lead id,
    enterprise, institution, kind, first contact (ISO), stage, intent, approved, disbursed not
    disputed (元), bucket of the latest disbursement."""
    db = LeadFact._meta.db
    leads = sql.scope(event_ids)
    after = ("", 0)
    while True:
        day, lead_id = after
        # A row-value comparison: both databases walk the (first_contact_on, lead_id) index from it.
        since = "" if not day else f"AND (f.first_contact_on, f.lead_id) > ('{day}', {int(lead_id)}) "
        _, rows = await db.execute_query(
            "SELECT f.lead_id, f.enterprise_id, f.institution_id, f.kind, f.first_contact_on, f.declined, f.withdrawn, "
            "f.furthest, f.intent_amount, f.approved_amount, f.disbursed_amount, f.last_bucket "
            f"FROM lead_fact f WHERE {leads} {since}"
            f"ORDER BY f.first_contact_on, f.lead_id LIMIT {int(chunk)}")  # nosec B608 - ints and ISO dates
        if not rows:
            return
        for row in rows:
            on = driver_date(row[4])
            stage = "declined" if row[5] else "withdrawn" if row[6] else FUNNEL_STAGES[row[7]]
            yield (row[0], row[1], row[2], row[3] or "", on, stage, row[8], row[9], int(row[10] or 0), row[11])
        after = (driver_date(rows[-1][4]).isoformat(), rows[-1][0])
