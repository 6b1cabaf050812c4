"""Verdicts an institution may read: the reasons print the enterprise's value beside each
threshold, so for financial fields (services.consent.FINANCIAL_FIELDS) the value is withheld
unless the enterprise consented to show its figures. The requirement itself stays readable.
Who may see what is decided in services/consent.py, not here.
"""

from __future__ import annotations

from dataclasses import replace

from matchmaker import matching
from matchmaker.matching.compiled import CompiledNode, Group, Test
from matchmaker.matching.outcomes import PASS
from matchmaker.matching.render import FAIL_MARK, PASS_MARK, phrase
from matchmaker.services.accounts.consent import FINANCIAL_FIELDS

WITHHELD = "（企业未授权查看财务数据）"


def _tests_by_id(offer: matching.CompiledOffer) -> dict[str, Test]:
    found: dict[str, Test] = {}

    def walk(node: CompiledNode) -> None:
        if isinstance(node, Test):
            found[node.node.id] = node
        elif isinstance(node, Group):
            for child in node.children:
                walk(child)

    for unit in offer.units:
        if unit.tree is not None:
            walk(unit.tree)
    return found


def _amount_reads_financials(offer: matching.CompiledOffer) -> bool:
    amount = offer.amount
    return bool(amount and amount.share_field and amount.share_field.key in FINANCIAL_FIELDS)


def redact_financials(verdict: matching.Verdict, offer: matching.CompiledOffer) -> matching.Verdict:
    """`verdict` with the enterprise's financial figures taken out of every reason (and the
    maximum amount, when it is a share of a financial figure): the requirement stays readable."""
    tests = _tests_by_id(offer)
    reasons = []
    for reason in verdict.reasons:
        test = tests.get(reason.criterion_id)
        if test is not None and test.field.key in FINANCIAL_FIELDS:
            mark = PASS_MARK if reason.outcome == PASS else (FAIL_MARK if reason.outcome == "fail" else "")
            reason = replace(reason, text=f"{phrase(test.field, test.node.op, test.threshold)}{WITHHELD}{mark}")
        elif reason.source == "amount" and _amount_reads_financials(offer):
            reason = replace(reason, text=f"可贷额度按企业财务数据计算{WITHHELD}")
        reasons.append(reason)
    max_amount = None if _amount_reads_financials(offer) else verdict.max_amount
    return replace(verdict, reasons=tuple(reasons), max_amount=max_amount)
