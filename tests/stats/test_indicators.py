"""Every §9 figure of the hand-computed fixture (tests/stats/fixture.py), asserted exactly."""

from __future__ import annotations

from datetime import date

import pytest

from matchmaker.stats import indicators as ind
from matchmaker.stats.assessment import DEFAULT_WEIGHTS, assess, formula, raw_values
from matchmaker.stats.indicators import Split, Tally
from matchmaker.stats.periods import BadPeriod, Period, date_range, month, months_of, parse_period, quarter
from matchmaker.stats.summary import breakdown, headline, monthly_trend
from tests.stats.fixture import DATASET, NOW

Q4 = quarter(2026, 4)


def test_periods_parse_months_quarters_years_and_ranges():
    assert parse_period("2026-Q4") == Period(date(2026, 10, 1), date(2026, 12, 31), "2026-Q4")
    assert parse_period("2026-02") == Period(date(2026, 2, 1), date(2026, 2, 28), "2026-02")
    assert parse_period("2026") == Period(date(2026, 1, 1), date(2026, 12, 31), "2026")
    assert parse_period("2026-10-08..2026-11-03") == date_range(date(2026, 10, 8), date(2026, 11, 3))
    assert [m.label for m in months_of(parse_period("2026-10-08..2026-12-02"))] == ["2026-10", "2026-11", "2026-12"]
    assert months_of(parse_period("2026-10-08..2026-12-02"))[0].start == date(2026, 10, 8)
    assert Q4.title == "2026年第四季度" and month(2026, 11).title == "2026年11月"
    assert date(2026, 9, 30) not in Q4 and date(2026, 10, 1) in Q4 and date(2027, 1, 1) not in Q4
    for bad in ("2026-Q5", "2026-13", "next year", "2026-12-01..2026-11-01"):
        with pytest.raises(BadPeriod):
            parse_period(bad)


def test_activity_and_attendance():
    facts = ind.lead_facts(DATASET.leads, DATASET.records)
    assert ind.events_held(DATASET.events, Q4) == 2
    assert ind.events_held(DATASET.events, month(2026, 11)) == 0
    assert ind.meetings_held(DATASET.meetings, Q4) == 4
    assert ind.enterprises_served(DATASET.meetings, facts, Q4) == 6
    assert ind.leads_created(facts, Q4) == 10
    att = ind.attendance(DATASET.events, DATASET.participants, DATASET.meetings, Q4)
    assert (att.checked_in, att.approved, att.no_show, att.planned) == (7, 9, 2, 7)
    assert att.checkin_rate == 7 / 9 and att.no_show_rate == 2 / 7


def test_amounts_keep_confirmed_one_sided_and_disputed_apart():
    facts = ind.lead_facts(DATASET.leads, DATASET.records)
    assert ind.intent(facts, Q4) == Split(Tally(4, 12_500_000), Tally(4, 10_000_000), Tally(1, 2_000_000))
    assert ind.intent(facts, Q4).recorded == Tally(8, 22_500_000)
    assert ind.approved(facts, Q4) == Split(Tally(4, 6_500_000), Tally(1, 4_000_000), Tally(1, 5_000_000))
    paid = ind.disbursed(facts, Q4)
    assert paid.split == Split(Tally(3, 4_000_000), Tally(1, 1_500_000), Tally(1, 2_500_000))
    assert (paid.enterprises, paid.confirmed_enterprises) == (4, 3)
    first = ind.first_loans(facts, Q4)
    assert first.split == Split(Tally(1, 1_000_000), Tally(), Tally())
    assert (first.enterprises, first.confirmed_enterprises) == (1, 1)
    assert ind.credit_loan_share(facts, Q4) == ind.Share(4_000_000, 5_500_000)
    assert ind.average_rate(facts, Q4) == (410 * 2_000_000 + 450 * 1_500_000 + 380 * 1_000_000
                                           + 420 * 1_000_000) / 5_500_000 / 100
    assert ind.days_to_disburse(facts, Q4) == 28.5  # median of 1, 21, 36, 61


def test_responsiveness_satisfaction_and_funnel():
    facts = ind.lead_facts(DATASET.leads, DATASET.records)
    assert ind.responsiveness(DATASET.responses, Q4, now=NOW) == ind.Responsiveness(5, 3, 24.0)
    assert ind.responsiveness(DATASET.responses, Q4, now=NOW, answerer="institution") == ind.Responsiveness(4, 2, 24.0)
    assert ind.satisfaction(DATASET.feedback, Q4) == 4.0
    assert [(s.stage, s.leads) for s in ind.funnel(facts, Q4)] == [
        ("contact", 10), ("intent", 8), ("accepted", 5), ("approved", 4), ("disbursed", 3)]


def test_headline_and_monthly_trend():
    figures = headline(DATASET, Q4, now=NOW)
    assert (figures.events_held, figures.meetings_held, figures.enterprises_served, figures.leads) == (2, 4, 6, 10)
    assert figures.disbursed.split.recorded == Tally(4, 5_500_000)
    trend = monthly_trend(DATASET, Q4)
    assert [(p.month, p.meetings_held, p.leads) for p in trend] == [("2026-10", 3, 5), ("2026-11", 0, 1),
                                                                     ("2026-12", 1, 4)]
    assert [p.intent.recorded for p in trend] == [Tally(4, 10_500_000), Tally(1, 2_500_000), Tally(3, 9_500_000)]
    assert [p.approved.recorded for p in trend] == [Tally(2, 3_000_000), Tally(1, 4_000_000), Tally(2, 3_500_000)]
    assert [p.disbursed for p in trend] == [Split(Tally(1, 1_000_000)),
                                            Split(Tally(1, 2_000_000), Tally(1, 1_500_000)),
                                            Split(Tally(1, 1_000_000), Tally(), Tally(1, 2_500_000))]


def test_breakdown_by_institution_and_by_first_loan():
    by_bank = breakdown(DATASET, Q4, "institution")
    assert [(r.label, r.meetings_held, r.no_show, r.enterprises_served, r.leads) for r in by_bank.rows] == [
        ("甲银行", 3, 0, 4, 4), ("乙银行", 1, 1, 3, 3), ("丙担保", 0, 1, 3, 3)]
    assert [r.intent.recorded for r in by_bank.rows] == [Tally(4, 15_500_000), Tally(2, 1_500_000),
                                                         Tally(2, 5_500_000)]
    assert [r.approved.recorded for r in by_bank.rows] == [Tally(3, 7_000_000), Tally(1, 1_000_000),
                                                           Tally(1, 2_500_000)]
    assert [r.disbursed.split.recorded for r in by_bank.rows] == [Tally(3, 4_500_000), Tally(1, 1_000_000), Tally()]
    assert by_bank.rows[2].disbursed.split.disputed == Tally(1, 2_500_000)
    assert [r.first_loans.enterprises for r in by_bank.rows] == [0, 1, 0]
    assert by_bank.total.disbursed.split.recorded == Tally(4, 5_500_000) and by_bank.additive

    by_first = {r.label: r for r in breakdown(DATASET, Q4, "first_loan").rows}
    first = by_first["首贷户"]
    assert (first.meetings_held, first.no_show, first.leads, first.enterprises_served) == (0, 1, 2, 1)
    assert first.intent.recorded == Tally(2, 2_500_000) and first.disbursed.split.recorded == Tally(1, 1_000_000)
    assert by_first["非首贷户"].disbursed.split.recorded == Tally(3, 4_500_000)

    by_kind = {r.label: r.disbursed.split.recorded for r in breakdown(DATASET, Q4, "institution_kind").rows}
    assert by_kind == {"银行": Tally(4, 5_500_000), "融资担保": Tally()}
    by_district = {r.label: r.leads for r in breakdown(DATASET, Q4, "district").rows}
    assert by_district == {"滨江区": 6, "西湖区": 3, "未填写": 1}
    chains = breakdown(DATASET, Q4, "chain")
    assert {r.label: r.leads for r in chains.rows} == {"集成电路": 4, "人工智能": 4, "新材料": 3, "未填写": 1}
    assert not chains.additive  # 企业二 sits in two chains
    assert {r.label: r.disbursed.split.recorded.amount for r in breakdown(DATASET, Q4, "product_kind").rows} == {
        "信用贷款": 4_000_000, "知识产权质押贷款": 1_500_000, "担保贷款": 0}
    assert {r.label: r.leads for r in breakdown(DATASET, Q4, "size_class").rows} == {
        "小": 5, "中": 2, "微": 2, "未填写": 1}


def test_assessment_ranks_with_the_default_weights_and_shows_the_formula():
    raw = raw_values(DATASET, Q4, now=NOW)
    assert raw[101] == {"on_time_rate": 66.67, "response_hours": 24.0, "meetings_held": 3.0, "no_show_rate": 0.0,
                        "intent_amount": 1550.0, "approved_amount": 700.0, "disbursed_amount": 450.0,
                        "first_loans": 0.0, "credit_share": 66.67, "satisfaction": 13 / 3}
    assert raw[103]["no_show_rate"] == 50.0 and raw[103]["on_time_rate"] is None
    ranking = assess(DATASET, Q4, now=NOW)
    assert [(s.name, s.score, s.rank) for s in ranking] == [("甲银行", 85.0, 1), ("乙银行", 28.89, 2),
                                                            ("丙担保", 6.61, 3)]
    assert ranking[1].normalised["meetings_held"] == 33.33 and ranking[2].normalised["intent_amount"] == 28.57
    only_first_loans = assess(DATASET, Q4, {"first_loans": 1}, now=NOW)
    assert [(s.name, s.rank) for s in only_first_loans] == [("乙银行", 1), ("丙担保", 2), ("甲银行", 2)]
    assert sum(DEFAULT_WEIGHTS.values()) == 100
    assert formula({"disbursed_amount": 60, "first_loans": 40}).startswith("综合得分 = (60×放款金额 + 40×首贷户数) ÷ 100")
