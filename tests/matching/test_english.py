"""Reasons, previews and labels in English (issue 15): the engine writes each reason in Chinese
and, asked for the English phrasebook, the same sentence in English, with the same inclusive /
exclusive meaning of every boundary word (以上 / 以下 include the number, 超过 / 不满 exclude it)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from matchmaker.matching.criteria import parse_criteria
from matchmaker.matching.evaluate import Subject, explain
from matchmaker.matching.fields import list_field, qualification_age_field
from matchmaker.matching.model import AmountRule, TermRule
from matchmaker.matching.phrases import EN, ZH, Said, in_language
from matchmaker.matching.recommend import near_misses
from matchmaker.matching.render import render_tree
from tests.matching.factories import AS_OF, FIELDS, leaf, make_enterprise, make_need, make_product

CJK = re.compile(r"[\u3400-\u9fff]")


def english(verdict, node_id: str = "c1") -> str:
    reason = next(r for r in verdict.reasons if r.criterion_id == node_id)
    assert isinstance(reason.text, Said)
    return reason.text.in_book(EN)


def judge(tree, need=None, fields=FIELDS, **profile):
    return explain(Subject(make_enterprise(**profile), need, AS_OF), make_product(tree, fields=fields))


@pytest.mark.parametrize(("op", "value", "passed", "text"), [
    ("ge", 3.0, True, "R&D spending share 3% ≥ required ≥ 3% ✓"),  # 以上(含): the number itself passes
    ("ge", 2.8, False, "R&D spending share 2.8% < required ≥ 3% ✗"),
    ("gt", 3.0, False, "R&D spending share 3% ≤ required > 3% ✗"),  # 超过: the number itself fails
    ("le", 3.0, True, "R&D spending share 3% ≤ required ≤ 3% ✓"),  # 以下(含)
    ("lt", 3.0, False, "R&D spending share 3% ≥ required < 3% ✗"),  # 不满
    ("lt", 2.5, True, "R&D spending share 2.5% < required < 3% ✓"),
])
def test_numeric_boundaries_read_in_english_with_the_same_meaning(op, value, passed, text):
    verdict = judge(leaf("rd_ratio", op, 3), rd_ratio=value)

    assert verdict.eligible is passed
    assert english(verdict) == text


def test_the_chinese_reason_is_unchanged_and_is_what_the_text_equals():
    verdict = judge(leaf("rd_ratio", "ge", 3), rd_ratio=2.8)

    reason = verdict.reasons[0]
    assert reason.text == "研发投入占比 2.8% < 要求 ≥ 3% ✗" == reason.text.in_book(ZH)
    assert in_language(reason.text, "zh") == "研发投入占比 2.8% < 要求 ≥ 3% ✓".replace("✓", "✗")
    assert in_language(reason.text, "en") == "R&D spending share 2.8% < required ≥ 3% ✗"


def test_units_money_and_a_missing_value_in_english():
    assert english(judge(leaf("years_established", "ge", 2), established=date(2025, 6, 30))) == (
        "Years since establishment 1 year < required ≥ 2 years ✗")
    assert english(judge(leaf("revenue", "ge", 5_000_000), revenue=3_000_000)) == (
        "Revenue 300 ×10k yuan < required ≥ 500 ×10k yuan ✗")
    assert english(judge(leaf("revenue", "ge", 5_000_000))) == "Revenue not filled in, required ≥ 500 ×10k yuan ✗"


def test_sets_read_with_translated_names():
    held = {"高新技术企业": date(2025, 1, 1)}
    assert english(judge(leaf("qualifications", "contains", "高新技术企业"), qualifications=held)) == (
        "Valid qualifications High-tech enterprise, required: includes High-tech enterprise ✓")
    assert english(judge(leaf("qualifications", "in", ["专精特新中小企业", "瞪羚企业"]), qualifications=held)) == (
        "Valid qualifications High-tech enterprise, required: includes one of Specialised and innovative SME, "
        "Gazelle enterprise ✗")
    assert english(judge(leaf("qualifications", "nin", ["瞪羚企业"]))) == (
        "Valid qualifications none, required: includes none of Gazelle enterprise ✓")


def test_booleans_enums_and_dates():
    assert english(judge(leaf("dishonest_debtor", "false"))) == "Dishonest judgment debtor: no, required: no ✓"
    assert english(judge(leaf("tax_rating", "in", ["A", "B"]), tax_rating="M")) == (
        "Tax credit rating M, required: is one of A, B ✗")
    assert english(judge(leaf("established", "le", "2020-01-01"), established=date(2021, 5, 1))) == (
        "Date established 2021-05-01 > required ≤ 2020-01-01 ✗")


def test_a_list_and_a_qualification_age_carry_english_labels():
    registry = FIELDS.with_lists([list_field("red", label="守信红名单")])
    verdict = judge(leaf("list.red", "true"), fields=registry, lists={"red": (None, None)})
    assert english(verdict) == "On the list “守信红名单” (valid on the assessment date): yes, required: yes ✓"
    field = qualification_age_field("高新技术企业")
    assert field.label_en == "Years since obtaining High-tech enterprise"


def test_formulas_in_english_passed_failed_missing_and_zero():
    expr = {"op": "div", "args": [{"op": "add", "args": [{"field": "existing_debt"}, {"field": "need.amount"}]},
                                  {"field": "revenue"}]}
    rule = {"id": "debt", "text": "", "expr": expr, "op": "le", "value": 50}
    passed = judge(rule, make_need(amount=2_000_000), existing_debt=2_720_000, revenue=10_000_000)
    failed = judge(rule, make_need(amount=3_000_000), existing_debt=2_720_000, revenue=10_000_000)
    missing = judge(rule, make_need(), revenue=10_000_000)
    zero = judge(rule, make_need(), existing_debt=1, revenue=0)

    formula = "(Existing debt + Amount sought) ÷ Revenue"
    assert english(passed, "debt") == f"{formula} = 47.2% ≤ 50% ✓"
    assert english(failed, "debt") == f"{formula} = 57.2% > 50%, required ≤ 50% ✗"
    assert english(missing, "debt") == f"{formula}: Existing debt not filled in, required ≤ 50% ✗"
    assert english(zero, "debt") == f"{formula}: Revenue is 0, cannot be computed, required ≤ 50%, not judged"
    assert [in_language(c, "en") for c in zero.caveats] == [english(zero, "debt")]
    smaller = {"id": "m", "expr": {"op": "min", "args": [{"field": "valuation"}, 1000]}, "op": "ge", "value": 10_000_000}
    assert render_tree(parse_criteria(smaller), FIELDS, book=EN) == (
        "· min(Latest valuation, 1000) at least 1000 ×10k yuan")


def test_a_need_criterion_on_another_kind_says_why_in_english():
    verdict = judge(leaf("need.amount", "le", 5_000_000), make_need(kind="equity"))

    assert english(verdict) == ("Amount sought at most 500 ×10k yuan: the need's kind (Equity financing) is not "
                                "of the product's family, not judged")
    assert [in_language(c, "en") for c in verdict.caveats] == [
        "Amount sought at most 500 ×10k yuan (the need's kind (Equity financing) is not of the product's family, "
        "not judged)"]


def test_amount_and_term_truth_in_english():
    share = AmountRule(share_field="revenue", share_percent=10, min=500_000)
    above = explain(Subject(make_enterprise(revenue=30_000_000), make_need(amount=8_000_000), AS_OF),
                    make_product(None, amount=share))
    assert english(above, "product.amount") == (
        "Need 800 ×10k yuan > this product's maximum for your company 300 ×10k yuan (10% of Revenue: "
        "3000 ×10k yuan); you may apply for 300 ×10k yuan ✗")
    below = explain(Subject(make_enterprise(), make_need(amount=999_999), AS_OF),
                    make_product(None, amount=AmountRule(max=10_000_000, min=1_000_000)))
    assert english(below, "product.amount") == (
        "Need 99.9999 ×10k yuan < minimum loan 100 ×10k yuan; you may apply for 100 ×10k yuan–1000 ×10k yuan ✗")
    within = explain(Subject(make_enterprise(), make_need(amount=2_000_000), AS_OF),
                     make_product(None, amount=AmountRule(max=10_000_000)))
    assert english(within, "product.amount") == (
        "Amount available up to 1000 ×10k yuan (the product's maximum); need 200 ×10k yuan is within it ✓")

    offer = make_product(None, term=TermRule(min_months=6, max_months=36))
    long = explain(Subject(make_enterprise(), make_need(term_months=48), AS_OF), offer)
    fits = explain(Subject(make_enterprise(), make_need(term_months=36), AS_OF), offer)
    assert english(long, "product.term") == (
        "Term sought 48 months > this product's longest 36 months; you may apply for 6–36 months ✗")
    assert english(fits, "product.term") == "Term sought 36 months, within this product's term 6–36 months ✓"


def test_groups_process_steps_and_the_preview_in_english():
    tree = {"id": "root", "all": [{"id": "g", "any": [{"id": "h", "all": [leaf("rd_ratio", "ge", 3, id="a"),
                                                                          leaf("employees", "ge", 10, id="e")]},
                                                      leaf("first_loan", "true", id="b"),
                                                      leaf("overdue_count_2y", "lt", 1, id="c")]},
                                  {"id": "n", "not": leaf("serious_violation", "true", id="d")},
                                  {"id": "p", "basis": "process", "text": "名单制管理"}]}
    verdict = judge(tree, rd_ratio=1.0, employees=20, first_loan=False, overdue_count_2y=0, serious_violation=False)

    assert english(verdict, "h") == "All of: 1 not met ✗"
    assert english(verdict, "g") == "Any of: one is met ✓"
    assert english(verdict, "n") == "None of: not an excluded case ✓"
    assert english(verdict, "p") == "名单制管理: reviewed by the institution, not judged automatically"
    assert render_tree(parse_criteria(tree), FIELDS, book=EN) == "\n".join([
        "All of the following:",
        "  · Any of the following:",
        "    · All of the following:",
        "      · R&D spending share at least 3%",
        "      · Employees at least 10 people",
        "    · First-time borrower: yes",
        "    · Overdue payments in two years less than 1 time",
        "  · None of the following:",
        "    · Serious violation of trust: yes",
        "  · 名单制管理 (reviewed by the institution)",
    ])
    assert render_tree(None, FIELDS, book=EN) == "No conditions"


def test_every_reason_of_a_near_miss_has_no_chinese_in_english_but_the_data_names():
    offer = make_product({"id": "root", "all": [leaf("rd_ratio", "ge", 3, id="a"), leaf("employees", "gt", 50, id="b"),
                                                leaf("tax_rating", "in", ["A"], id="t")]},
                         amount=AmountRule(max=3_000_000), term=TermRule(max_months=24))
    [miss] = near_misses(make_enterprise(rd_ratio=2.0, employees=50, tax_rating="A"), [offer], AS_OF,
                         need=make_need(amount=1_000_000, term_months=12))

    improve = [in_language(r.text, "en") for r in miss.to_improve]
    assert improve == ["R&D spending share 2% < required ≥ 3% ✗", "Employees 50 people ≤ required > 50 people ✗"]
    assert [t for r in miss.verdict.reasons if CJK.search(t := in_language(r.text, "en"))] == []
