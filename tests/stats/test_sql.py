"""The SQL text builders of stats.sql inline only what the code makes: integers and ISO dates."""

from __future__ import annotations

from datetime import date

import pytest

from matchmaker.stats import sql
from matchmaker.stats.indicators import Totals
from matchmaker.stats.periods import quarter


def test_the_scope_inlines_integers_and_refuses_anything_else():
    assert "IN (3,14)" in sql.scope(["3", 14])
    assert "IN (NULL)" in sql.scope([])  # an empty scope matches nothing
    with pytest.raises(ValueError):
        sql.scope(["1) OR (1=1"])


def test_periods_are_inlined_as_iso_dates():
    assert sql.between("f.occurred_on", quarter(2026, 4)) == "f.occurred_on BETWEEN '2026-10-01' AND '2026-12-31'"
    assert "'2027-01-01'" in sql.overdue_sql(sql.scope([1]), date(2027, 1, 1))


def test_a_timestamp_is_read_as_a_beijing_date_on_either_database():
    assert sql.shanghai_day("m.starts_at", "sqlite") == "date(m.starts_at, '+8 hours')"
    assert "AT TIME ZONE 'Asia/Shanghai'" in sql.shanghai_day("m.starts_at", "postgres")


def test_a_row_of_sums_lands_in_the_totals_slots_it_mirrors():
    total = Totals()
    # leads, reached by stage (5), intent by bucket (count, amount) ×3, approved by bucket ×3
    row = [4, 1, 1, 0, 1, 1, 2, 300, 1, 50, 1, 70, 1, 90, 0, 0, 0, 0]
    sql.add_leads(total, row)
    sql.add_approved(total, row)
    sql.add_paid(total, [1, 10, 0, 0, 0, 0, 1, 10, 0, 0, 0, 0, 10, 10, 4350, 10])

    assert (total.leads, total.reached, total.intent) == (4, [1, 1, 0, 1, 1], [2, 300, 1, 50, 1, 70])
    assert total.approved == [1, 90, 0, 0, 0, 0]
    assert (total.paid, total.first, total.credit_loan_share().ratio, total.average_rate()) == (
        [1, 10, 0, 0, 0, 0], [1, 10, 0, 0, 0, 0], 1.0, 4.35)
