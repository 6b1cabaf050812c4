"""The amount figures of `indicators.Totals`, summed in the database over the stored facts
(tables lead_fact and disbursement_fact, rows made by `indicators.stored_facts`): SQL *text*
builders and the pure functions that add their result rows into `Totals`, side by side, so
that each SUM below is read next to the `Totals.add_fact` line it mirrors. Portable SQLite and
PostgreSQL; what is inlined is integers and ISO dates the code itself makes, and the scope's
lead-id subquery the services build from integers. tests/stats and tests/services/reports
assert this path gives exactly what the pure `summary.Groups` gives.

Each query groups by `{key}`: (institution, product kind, month) for the cells the breakdowns
and the trend merge, or the enterprise for the per-enterprise dimensions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from matchmaker.stats.indicators import Totals
from matchmaker.stats.periods import Period
from matchmaker.stats.rows import FUNNEL_STAGES

BUCKETS = (0, 1, 2)  # confirmed, one-sided, disputed (indicators._BUCKET)


def _day(value: date) -> str:
    return f"'{value.isoformat()}'"  # a date object's ISO text: safe to inline


def between(column: str, period: Period) -> str:
    return f"{column} BETWEEN {_day(period.start)} AND {_day(period.end)}"


def scope(event_ids: Sequence[int]) -> str:
    """The condition on a fact row `f` that its lead belongs to the scope: first met at one of
    these events, or joined again at one (a lead link), as services/reports/data.py's leads."""
    ids = ",".join(str(int(i)) for i in event_ids) or "NULL"  # integers: safe to inline
    return f"(f.first_event_id IN ({ids}) OR f.lead_id IN (SELECT k.lead_id FROM lead_link k WHERE k.event_id IN ({ids})))"


def shanghai_day(column: str, dialect: str) -> str:
    """A timestamp column's date in Asia/Shanghai (UTC+8 all year since 1991). SQLite's date()
    reads the stored offset (`+00:00`, `+08:00`) and converts to UTC first."""
    if dialect == "postgres":
        return f"CAST(({column} AT TIME ZONE 'Asia/Shanghai') AS DATE)"
    return f"date({column}, '+8 hours')"


def _split(flag: str, amount: str) -> str:
    return ", ".join(f"SUM(CASE WHEN {flag} = {b} THEN 1 ELSE 0 END), "
                     f"SUM(CASE WHEN {flag} = {b} THEN {amount} ELSE 0 END)" for b in BUCKETS)


# -- the cells --------------------------------------------------------------------------------
# `Totals.add_fact`: 线索数, the funnel and 意向 count a lead created (first contact) in the
# period; 授信 its first approval dated in it; 放款, 首贷, 信用贷款占比 and 平均利率 its
# disbursements dated in it.

def leads_sql(key: str, scope: str, period: Period) -> str:
    reached = ", ".join(f"SUM(CASE WHEN f.furthest = {i} THEN 1 ELSE 0 END)" for i in range(len(FUNNEL_STAGES)))
    return (f"SELECT {key}, COUNT(*), {reached}, {_split('f.intent_bucket', 'f.intent_amount')} "
            f"FROM lead_fact f WHERE {scope} AND {between('f.first_contact_on', period)} "
            f"GROUP BY {key}")  # nosec B608 - see the module docstring


def approved_sql(key: str, scope: str, period: Period) -> str:
    return (f"SELECT {key}, {_split('f.approved_bucket', 'f.approved_amount')} "
            f"FROM lead_fact f WHERE {scope} AND {between('f.approved_on', period)} "
            f"GROUP BY {key}")  # nosec B608


def paid_sql(key: str, scope: str, period: Period) -> str:
    return (f"SELECT {key}, {_split('f.bucket', 'f.amount')}, "
            f"{_split('CASE WHEN f.first_loan THEN f.bucket END', 'f.amount')}, "
            "SUM(CASE WHEN f.loan THEN f.amount ELSE 0 END), SUM(CASE WHEN f.credit THEN f.amount ELSE 0 END), "
            "SUM(CASE WHEN f.loan AND f.rate_bp IS NOT NULL THEN f.rate_bp * f.amount ELSE 0 END), "
            "SUM(CASE WHEN f.loan AND f.rate_bp IS NOT NULL THEN f.amount ELSE 0 END) "
            f"FROM disbursement_fact f WHERE {scope} AND {between('f.occurred_on', period)} "
            f"GROUP BY {key}")  # nosec B608


def days_sql(scope: str, period: Period) -> str:
    """放款用时: the days of each lead's first recorded disbursement dated in the period."""
    return (f"SELECT f.days, COUNT(*) FROM disbursement_fact f WHERE {scope} AND f.first_recorded "
            f"AND f.days IS NOT NULL AND {between('f.occurred_on', period)} GROUP BY f.days")  # nosec B608


def cell_key(month_column: str) -> str:
    """`{key}` of the cells: institution, the lead's product kind, the stored month (202611)."""
    return f"f.institution_id, f.kind, {month_column}"


def _ints(values) -> list[int]:
    return [int(v or 0) for v in values]  # PostgreSQL's SUM of a bigint is a Decimal


def add_leads(total: Totals, figures: Sequence) -> None:
    count, *rest = _ints(figures)
    stages = len(FUNNEL_STAGES)
    total.leads += count
    for index, value in enumerate(rest[:stages]):
        total.reached[index] += value
    for index, value in enumerate(rest[stages:stages + 6]):
        total.intent[index] += value


def add_approved(total: Totals, figures: Sequence) -> None:
    for index, value in enumerate(_ints(figures)[:6]):
        total.approved[index] += value


def add_paid(total: Totals, figures: Sequence) -> None:
    values = _ints(figures)
    for index in range(6):
        total.paid[index] += values[index]
        total.first[index] += values[6 + index]
    total.loan_whole += values[12]
    total.credit_part += values[13]
    total.rate_weighted += values[14]
    total.rate_total += values[15]


# -- distinct enterprises ------------------------------------------------------------------------
# 服务企业数 (a lead created or a meeting held in the period), and the enterprises with a
# recorded / confirmed disbursement and first-loan disbursement dated in it, counted once per
# group: sets do not add up across cells, so each dimension asks the database for its own.

DISTINCT_KEYS = {
    # dimension: (key of a fact row f, key of a meeting row m), `o` the institution's organization
    "institution": ("f.institution_id", "m.institution_id"),
    "institution_kind": ("o.kind", "o.kind"),
    "product_kind": ("f.kind", "CAST(NULL AS VARCHAR(20))"),
}


def distinct_sql(dimension: str, scope: str, meetings: str, period: Period, dialect: str) -> str:
    """Per group of `dimension`: served, paid, paid and confirmed, first loan, first loan and
    confirmed (distinct enterprises). `meetings` is the id subquery of the scope's published
    meetings."""
    fact_key, meeting_key = DISTINCT_KEYS[dimension]
    join = "JOIN organization o ON o.id = {}.institution_id " if dimension == "institution_kind" else ""
    nothing = "CAST(NULL AS INTEGER)"
    served = (f"SELECT {fact_key} AS k, f.enterprise_id AS s, {nothing} AS p, {nothing} AS pc, {nothing} AS fl, "
              f"{nothing} AS flc FROM lead_fact f {join.format('f')}"
              f"WHERE {scope} AND {between('f.first_contact_on', period)}")
    met = (f"SELECT {meeting_key}, m.enterprise_id, {nothing}, {nothing}, {nothing}, {nothing} "
           f"FROM meeting m {join.format('m')}WHERE m.id IN ({meetings}) AND m.state = 'held' "
           f"AND {between(shanghai_day('m.starts_at', dialect), period)}")
    paid = (f"SELECT {fact_key}, {nothing}, CASE WHEN f.bucket <> 2 THEN f.enterprise_id END, "
            "CASE WHEN f.bucket = 0 THEN f.enterprise_id END, "
            "CASE WHEN f.first_loan AND f.bucket <> 2 THEN f.enterprise_id END, "
            "CASE WHEN f.first_loan AND f.bucket = 0 THEN f.enterprise_id END "
            f"FROM disbursement_fact f {join.format('f')}"
            f"WHERE {scope} AND {between('f.occurred_on', period)}")
    return (f"SELECT u.k, COUNT(DISTINCT u.s), COUNT(DISTINCT u.p), COUNT(DISTINCT u.pc), COUNT(DISTINCT u.fl), "
            f"COUNT(DISTINCT u.flc) FROM ({served} UNION ALL {met} UNION ALL {paid}) u GROUP BY u.k")  # nosec B608


def flagged_sql(scope: str) -> str:
    """The enterprises with a live disbursement recorded as a first loan (首贷户 by the records)."""
    return (f"SELECT DISTINCT f.enterprise_id FROM disbursement_fact f WHERE {scope} "
            "AND f.first_loan")  # nosec B608


def parties_sql(scope: str) -> str:
    """The enterprises and institutions of the scope's leads (for their names and profiles)."""
    return f"SELECT DISTINCT f.enterprise_id, f.institution_id FROM lead_fact f WHERE {scope}"  # nosec B608


def overdue_sql(scope: str, cutoff: date) -> str:
    """逾期未跟进: leads still open (not declined, withdrawn or disbursed, no disbursement at all)
    whose latest step (first contact, intent, approval) is before `cutoff`."""
    never = _day(date(1, 1, 1))
    return (f"SELECT COUNT(*) FROM lead_fact f WHERE {scope} AND NOT f.declined AND NOT f.withdrawn "
            f"AND f.disbursements = 0 AND f.furthest < {FUNNEL_STAGES.index('disbursed')} "
            f"AND f.first_contact_on < {_day(cutoff)} AND COALESCE(f.intent_on, {never}) < {_day(cutoff)} "
            f"AND COALESCE(f.approved_on, {never}) < {_day(cutoff)}")  # nosec B608
