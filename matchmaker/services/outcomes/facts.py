"""The per-lead facts the statistics read (tables lead_fact and disbursement_fact), kept in step
with the stage records: every service that writes, confirms, disputes or supersedes a record,
or creates a lead, calls `refresh_facts` for the leads it touched, inside its own transaction,
so a figure never reads a half-applied change. `refresh_all_facts` rebuilds every lead's facts
(migration 0019's backfill, the demo and bench seeding, which write records in bulk).

The facts are sorted out once, in SQL (`FACTS_SQL`, window functions: a lead's latest live
intent, first live approval, furthest stage, declined/withdrawn), and turned into stored rows by
the pure `stats.indicators.stored_facts`; tests/services/reports assert the SQL picks equal the
pure definition `stats.indicators.lead_facts`.
"""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.transactions import in_transaction

from matchmaker.services.clock import driver_date, shanghai_day
from matchmaker.stats.indicators import DISBURSEMENT_FACT_COLUMNS, LEAD_FACT_COLUMNS, LeadFacts, stored_facts
from matchmaker.stats.rows import FUNNEL_STAGES, LeadRow, RecordRow

CHUNK = 5_000  # leads per statement: bounded memory and parameter lists

_STAGE_ORDER = " ".join(f"WHEN '{stage}' THEN {index}" for index, stage in enumerate(FUNNEL_STAGES))

#: One row per lead of `{leads}` (an id subquery or list) with the facts
#: `stats.indicators.lead_facts` defines: its latest live intent record, its first live approval,
#: the furthest funnel stage of a live record not disputed, and whether it was declined or
#: withdrawn. Window functions (SQLite ≥ 3.25, PostgreSQL) rank the records and one GROUP BY
#: pivots each lead's picks into its row (no join back to the ranked records: SQLite would scan
#: them once per lead).
FACTS_SQL = """
WITH live AS (
  SELECT r.id, r.lead_id, r.stage, r.occurred_on, r.amount, r.rate_bp, r.guarantee,
         CASE WHEN r.first_loan THEN 1 ELSE 0 END AS first_flag, r.confirmation, COALESCE(p.kind, '') AS kind,
         ROW_NUMBER() OVER (PARTITION BY r.lead_id, r.stage ORDER BY r.occurred_on DESC, r.id DESC) AS latest,
         ROW_NUMBER() OVER (PARTITION BY r.lead_id, r.stage ORDER BY r.occurred_on, r.id) AS earliest
  FROM lead_record r LEFT JOIN product p ON p.id = r.product_id
  WHERE NOT r.superseded AND r.stage IN ('intent', 'accepted', 'approved', 'declined', 'withdrawn')
    AND r.lead_id IN ({leads})
)
SELECT l.id, l.enterprise_id, l.institution_id, COALESCE(lp.kind, n.kind, ''), l.first_contact_at, l.first_event_id,
       s.i_id, s.i_occurred_on, s.i_amount, s.i_rate_bp, s.i_guarantee, s.i_first_flag, s.i_confirmation, s.i_kind,
       s.a_id, s.a_occurred_on, s.a_amount, s.a_rate_bp, s.a_guarantee, s.a_first_flag, s.a_confirmation, s.a_kind,
       s.furthest, s.declined, s.withdrawn
FROM financing_lead l
LEFT JOIN product lp ON lp.id = l.product_id
LEFT JOIN financing_need n ON n.id = l.need_id
LEFT JOIN (
  SELECT lead_id,
         MAX(CASE WHEN stage = 'intent' AND latest = 1 THEN id END) AS i_id,
         MAX(CASE WHEN stage = 'intent' AND latest = 1 THEN occurred_on END) AS i_occurred_on,
         MAX(CASE WHEN stage = 'intent' AND latest = 1 THEN amount END) AS i_amount,
         MAX(CASE WHEN stage = 'intent' AND latest = 1 THEN rate_bp END) AS i_rate_bp,
         MAX(CASE WHEN stage = 'intent' AND latest = 1 THEN guarantee END) AS i_guarantee,
         MAX(CASE WHEN stage = 'intent' AND latest = 1 THEN first_flag END) AS i_first_flag,
         MAX(CASE WHEN stage = 'intent' AND latest = 1 THEN confirmation END) AS i_confirmation,
         MAX(CASE WHEN stage = 'intent' AND latest = 1 THEN kind END) AS i_kind,
         MAX(CASE WHEN stage = 'approved' AND earliest = 1 THEN id END) AS a_id,
         MAX(CASE WHEN stage = 'approved' AND earliest = 1 THEN occurred_on END) AS a_occurred_on,
         MAX(CASE WHEN stage = 'approved' AND earliest = 1 THEN amount END) AS a_amount,
         MAX(CASE WHEN stage = 'approved' AND earliest = 1 THEN rate_bp END) AS a_rate_bp,
         MAX(CASE WHEN stage = 'approved' AND earliest = 1 THEN guarantee END) AS a_guarantee,
         MAX(CASE WHEN stage = 'approved' AND earliest = 1 THEN first_flag END) AS a_first_flag,
         MAX(CASE WHEN stage = 'approved' AND earliest = 1 THEN confirmation END) AS a_confirmation,
         MAX(CASE WHEN stage = 'approved' AND earliest = 1 THEN kind END) AS a_kind,
         MAX(CASE WHEN confirmation = 'disputed' THEN 0 ELSE CASE stage {order} ELSE 0 END END) AS furthest,
         MAX(CASE WHEN stage = 'declined' THEN 1 ELSE 0 END) AS declined,
         MAX(CASE WHEN stage = 'withdrawn' THEN 1 ELSE 0 END) AS withdrawn
  FROM live GROUP BY lead_id
) s ON s.lead_id = l.id
WHERE l.id IN ({leads})
"""

#: The live disbursements of `{leads}`, in the order `lead_facts` keeps them.
DISBURSEMENTS_SQL = """
SELECT r.id, r.lead_id, r.occurred_on, r.amount, r.rate_bp, r.guarantee, r.first_loan, r.confirmation,
       COALESCE(p.kind, '')
FROM lead_record r LEFT JOIN product p ON p.id = r.product_id
WHERE NOT r.superseded AND r.stage = 'disbursed' AND r.lead_id IN ({leads})
ORDER BY r.lead_id, r.occurred_on, r.id
"""


def _record(lead_id: int, stage: str, values) -> RecordRow | None:
    rid, on, amount, rate, guarantee, first, confirmation, kind = values
    if rid is None:
        return None
    return RecordRow(rid, lead_id, stage, driver_date(on), amount, rate, guarantee or "", bool(first), str(confirmation),
                     False, str(kind or ""))


async def load_facts(leads_sql: str, db=None) -> tuple[LeadFacts, ...]:
    """The facts of the leads `leads_sql` selects (an id subquery or a list of ints the code
    itself built: it is inlined), by lead id, in two queries (FACTS_SQL, DISBURSEMENTS_SQL)."""
    from matchmaker.models import LeadRecord

    db = db or LeadRecord._meta.db
    _, paid_rows = await db.execute_query(DISBURSEMENTS_SQL.format(leads=leads_sql))
    paid: dict[int, list[RecordRow]] = {}
    for rid, lead_id, on, amount, rate, guarantee, first, confirmation, kind in paid_rows:
        paid.setdefault(lead_id, []).append(RecordRow(rid, lead_id, "disbursed", driver_date(on), amount, rate,
                                                      guarantee or "", bool(first), str(confirmation), False,
                                                      str(kind or "")))
    _, rows = await db.execute_query(FACTS_SQL.format(leads=leads_sql, order=_STAGE_ORDER))
    facts = []
    for row in sorted(rows, key=lambda r: r[0]):
        lead = LeadRow(row[0], row[1], row[2], str(row[3] or ""), shanghai_day(row[4]), row[5])
        disbursements = tuple(paid.get(lead.id, ()))
        furthest = max(row[22] or 0, 4 if any(r.confirmation != "disputed" for r in disbursements) else 0)
        facts.append(LeadFacts(lead=lead, intent=_record(lead.id, "intent", row[6:14]),
                               approved=_record(lead.id, "approved", row[14:22]), disbursements=disbursements,
                               furthest=FUNNEL_STAGES[furthest], declined=bool(row[23]), withdrawn=bool(row[24])))
    return tuple(facts)


def _insert(db, table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1)) if db.capabilities.dialect == "postgres" \
        else ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # nosec B608 - constant names


async def _replace(db, lead_ids: list[int]) -> None:
    """Delete and rewrite the facts of these leads (the caller holds the transaction)."""
    listed = ",".join(str(int(i)) for i in lead_ids)  # integers: safe to inline
    facts = await load_facts(listed, db)
    await db.execute_query(f"DELETE FROM disbursement_fact WHERE lead_id IN ({listed})")  # nosec B608
    await db.execute_query(f"DELETE FROM lead_fact WHERE lead_id IN ({listed})")  # nosec B608
    rows, paid = [], []
    for f in facts:
        row, own = stored_facts(f)
        rows.append(list(row))
        paid.extend(list(p) for p in own)
    if rows:
        await db.execute_many(_insert(db, "lead_fact", LEAD_FACT_COLUMNS), rows)
    if paid:
        await db.execute_many(_insert(db, "disbursement_fact", DISBURSEMENT_FACT_COLUMNS), paid)


async def refresh_facts(lead_ids: Iterable[int]) -> None:
    """Recompute these leads' fact rows from their records, in the caller's transaction (a
    record written, confirmed, disputed or superseded, or a lead created)."""
    from matchmaker.models import LeadFact

    ids = sorted({int(i) for i in lead_ids})
    db = LeadFact._meta.db
    for start in range(0, len(ids), CHUNK):
        await _replace(db, ids[start:start + CHUNK])


async def refresh_facts_for_kind_change(*, product_id: int | None = None, need_id: int | None = None) -> None:
    """A product's or a need's kind changed: the facts of the leads that take their kind from it
    (a lead's product, else its need; a record's product) are recomputed, in the caller's
    transaction, so the statistics by product kind follow the edit."""
    from matchmaker.models import FinancingLead, LeadRecord

    if product_id is not None:
        ids = set(await FinancingLead.filter(product_id=product_id).values_list("id", flat=True))
        ids |= set(await LeadRecord.filter(product_id=product_id).values_list("lead_id", flat=True))
    else:
        ids = set(await FinancingLead.filter(need_id=need_id, product_id__isnull=True).values_list("id", flat=True))
    await refresh_facts(ids)


async def refresh_all_facts(db=None) -> int:
    """Rebuild every lead's facts, a chunk of leads per transaction; returns the leads done."""
    from matchmaker.models import LeadFact

    connection = db or LeadFact._meta.db
    _, rows = await connection.execute_query("SELECT id FROM financing_lead ORDER BY id")
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), CHUNK):
        if db is not None:  # a migration's connection: it holds its own transaction
            await _replace(db, ids[start:start + CHUNK])
            continue
        async with in_transaction() as tx:
            await _replace(tx, ids[start:start + CHUNK])
    return len(ids)
