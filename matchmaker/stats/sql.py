"""The amount figures of `indicators.Totals`, summed in the database over the stored facts
(tables lead_fact and disbursement_fact, rows made by `indicators.stored_facts`): SQL *text*
builders and the pure functions that add their result rows into `Totals`, side by side, so
that each SUM below is read next to the `Totals.add_fact` line it mirrors. Portable SQLite and
PostgreSQL; what is inlined is integers (passed through `int`) and ISO dates of date objects
the code itself makes, nothing a user typed. tests/services/reports/test_sql_aggregation.py
asserts this path gives exactly what the pure `summary.Groups` gives (tests/stats/test_sql.py
the builders' safety).

The sums group by (institution, product kind, stored month) for the cells the breakdowns and
the trend merge, and by enterprise for the per-enterprise dimensions, tagged in one statement.
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
    # `+` keeps SQLite from answering the OR with two index searches and a row lookup per fact
    # (slower than the one scan every sum needs anyway); PostgreSQL reads it as the number.
    return (f"(+f.first_event_id IN ({ids}) "
            f"OR f.lead_id IN (SELECT k.lead_id FROM lead_link k WHERE k.event_id IN ({ids})))")


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
# disbursements dated in it. The queries read every fact of the scope once and group by
# whether each date falls in the period (rather than filtering on it), so one pass gives the
# lead side and the approval side, and the groups outside the period still name every
# enterprise and institution of the scope.

def _in(column: str, period: Period) -> str:
    return f"CASE WHEN {between(column, period)} THEN 1 ELSE 0 END"


_TEXT, _INT = "CAST(NULL AS VARCHAR(20))", "CAST(NULL AS INTEGER)"
CELL_LEADS_KEY = ("f.institution_id", "f.kind", "f.contact_month", "f.approved_month")
CELL_PAID_KEY = ("f.institution_id", "f.kind", "f.month")
ENTERPRISE_LEADS_KEY = ("f.enterprise_id", _TEXT, _INT, _INT)  # padded to the cells' columns
ENTERPRISE_PAID_KEY = ("f.enterprise_id", _TEXT, _INT)


def _grouped(key: Sequence[str]) -> str:
    return ", ".join(column for column in key if not column.startswith("CAST(NULL"))


def lead_facts_sql(tag: str, key: Sequence[str], scope: str, period: Period) -> str:
    """Per `key`, by (contact in the period, approval in the period): the leads, by furthest
    stage, their latest intent by bucket (count, amount), their first approval by bucket."""
    reached = ", ".join(f"SUM(CASE WHEN f.furthest = {i} THEN 1 ELSE 0 END)" for i in range(len(FUNNEL_STAGES)))
    flags = f"{_in('f.first_contact_on', period)}, {_in('f.approved_on', period)}"
    return (f"SELECT '{tag}', {', '.join(key)}, {flags}, COUNT(*), {reached}, "
            f"{_split('f.intent_bucket', 'f.intent_amount')}, {_split('f.approved_bucket', 'f.approved_amount')} "
            f"FROM lead_fact f WHERE {scope} GROUP BY {_grouped(key)}, {flags}")  # nosec B608 - module docstring


def paid_sql(tag: str, key: Sequence[str], scope: str, period: Period) -> str:
    """Per `key`, by (dated in the period): the disbursements by bucket, the first-loan ones
    by bucket, the loans' amount, the credit loans', and the rate-weighted amount."""
    flag = _in("f.occurred_on", period)
    return (f"SELECT '{tag}', {', '.join(key)}, {flag}, {_split('f.bucket', 'f.amount')}, "
            f"{_split('CASE WHEN f.first_loan THEN f.bucket END', 'f.amount')}, "
            "SUM(CASE WHEN f.loan THEN f.amount ELSE 0 END), SUM(CASE WHEN f.credit THEN f.amount ELSE 0 END), "
            "SUM(CASE WHEN f.loan AND f.rate_bp IS NOT NULL THEN f.rate_bp * f.amount ELSE 0 END), "
            "SUM(CASE WHEN f.loan AND f.rate_bp IS NOT NULL THEN f.amount ELSE 0 END) "
            f"FROM disbursement_fact f WHERE {scope} GROUP BY {_grouped(key)}, {flag}")  # nosec B608


def days_sql(scope: str, period: Period) -> str:
    """放款用时: the days of each lead's first recorded disbursement dated in the period, as
    ('days', days, -, -, 1, how many, zeros) rows in the columns of `paid_sql`."""
    zeros = ", ".join("0" for _ in range(15))
    return (f"SELECT 'days', f.days, {_TEXT}, {_INT}, 1, COUNT(*), {zeros} FROM disbursement_fact f "
            f"WHERE {scope} AND f.first_recorded AND f.days IS NOT NULL AND {between('f.occurred_on', period)} "
            "GROUP BY f.days")  # nosec B608


def lead_sums_sql(scope: str, period: Period, overdue_before: date | None = None) -> str:
    """The lead side in one statement: rows tagged 'cell' (CELL_LEADS_KEY) and 'enterprise';
    with `overdue_before`, one row 'overdue' too whose count column is `overdue_sql`'s count
    (the page's statement budget: one statement fewer)."""
    text = (f"{lead_facts_sql('cell', CELL_LEADS_KEY, scope, period)} UNION ALL "
            f"{lead_facts_sql('enterprise', ENTERPRISE_LEADS_KEY, scope, period)}")
    if overdue_before is None:
        return text
    zeros = ", ".join("0" for _ in range(len(FUNNEL_STAGES) + 12))
    return (f"{text} UNION ALL SELECT 'overdue', {_INT}, {_TEXT}, {_INT}, {_INT}, 0, 0, COUNT(*), {zeros} "
            f"FROM lead_fact f WHERE {_overdue(scope, overdue_before)}")  # nosec B608


def paid_sums_sql(scope: str, period: Period) -> str:
    """The disbursement side in one statement: 'cell' (CELL_PAID_KEY), 'enterprise', 'days'."""
    return (f"{paid_sql('cell', CELL_PAID_KEY, scope, period)} UNION ALL "
            f"{paid_sql('enterprise', ENTERPRISE_PAID_KEY, scope, period)} UNION ALL {days_sql(scope, period)}")


def _ints(values) -> list[int]:
    return [int(v or 0) for v in values]  # PostgreSQL's SUM of a bigint is a Decimal


def add_leads(total: Totals, figures: Sequence) -> None:
    """A `lead_facts_sql` row's lead side (its contact in the period)."""
    count, *rest = _ints(figures)
    stages = len(FUNNEL_STAGES)
    total.leads += count
    for index, value in enumerate(rest[:stages]):
        total.reached[index] += value
    for index, value in enumerate(rest[stages:stages + 6]):
        total.intent[index] += value


def add_approved(total: Totals, figures: Sequence) -> None:
    """A `lead_facts_sql` row's approval side (its approval in the period)."""
    for index, value in enumerate(_ints(figures)[1 + len(FUNNEL_STAGES) + 6:]):
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

DISTINCT_DIMENSIONS = ("institution", "institution_kind", "product_kind")


def distinct_sql(scope: str, meetings: str, period: Period, dialect: str) -> str:
    """Per group of each merged dimension: served, paid, paid and confirmed, first loan, first
    loan and confirmed (distinct enterprises), as rows (dimension, key, five counts).
    `meetings` is the id subquery of the scope's published meetings (product kind NULL: a
    meeting is about a pair, not a product). The enterprises are first reduced to one row per
    (institution, product kind, enterprise) with its flags (MATERIALIZED where PostgreSQL
    would inline it), which the three dimensions then count: one pass over the facts."""
    flags = ("s", "p", "pc", "fl", "flc")
    served = ("SELECT f.institution_id AS i, f.kind AS k, f.enterprise_id AS e, 1 AS s, 0 AS p, 0 AS pc, 0 AS fl, "
              f"0 AS flc FROM lead_fact f WHERE {scope} AND {between('f.first_contact_on', period)}")
    met = ("SELECT m.institution_id, CAST(NULL AS VARCHAR(20)), m.enterprise_id, 1, 0, 0, 0, 0 FROM meeting m "
           f"WHERE m.id IN ({meetings}) AND m.state = 'held' AND {between(shanghai_day('m.starts_at', dialect), period)}")
    paid = ("SELECT f.institution_id, f.kind, f.enterprise_id, 0, CASE WHEN f.bucket <> 2 THEN 1 ELSE 0 END, "
            "CASE WHEN f.bucket = 0 THEN 1 ELSE 0 END, CASE WHEN f.first_loan AND f.bucket <> 2 THEN 1 ELSE 0 END, "
            "CASE WHEN f.first_loan AND f.bucket = 0 THEN 1 ELSE 0 END "
            f"FROM disbursement_fact f WHERE {scope} AND {between('f.occurred_on', period)}")
    reduced = ", ".join(f"MAX(u.{flag}) AS {flag}" for flag in flags)
    counts = ", ".join(f"COUNT(DISTINCT CASE WHEN g.{flag} = 1 THEN g.e END)" for flag in flags)
    materialized = "MATERIALIZED " if dialect == "postgres" else ""
    return (f"WITH g AS {materialized}(SELECT u.i, u.k, u.e, {reduced} FROM ({served} UNION ALL {met} UNION ALL {paid}) u "
            "GROUP BY u.i, u.k, u.e) "
            f"SELECT 'institution', CAST(g.i AS VARCHAR(20)), {counts} FROM g GROUP BY g.i "
            f"UNION ALL SELECT 'institution_kind', o.kind, {counts} FROM g JOIN organization o ON o.id = g.i "
            "GROUP BY o.kind "
            f"UNION ALL SELECT 'product_kind', g.k, {counts} FROM g GROUP BY g.k")  # nosec B608


def overdue_sql(scope: str, cutoff: date) -> str:
    """逾期未跟进: leads still open (not declined, withdrawn or disbursed, no disbursement at all)
    whose latest step (first contact, intent, approval) is before `cutoff`."""
    return f"SELECT COUNT(*) FROM lead_fact f WHERE {_overdue(scope, cutoff)}"  # nosec B608


def _overdue(scope: str, cutoff: date) -> str:
    never = _day(date(1, 1, 1))
    return (f"{scope} AND NOT f.declined AND NOT f.withdrawn "
            f"AND f.disbursements = 0 AND f.furthest < {FUNNEL_STAGES.index('disbursed')} "
            f"AND f.first_contact_on < {_day(cutoff)} AND COALESCE(f.intent_on, {never}) < {_day(cutoff)} "
            f"AND COALESCE(f.approved_on, {never}) < {_day(cutoff)}")
