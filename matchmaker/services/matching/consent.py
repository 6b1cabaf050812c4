"""What an institution may see of an enterprise (PIPL): contact details and financial figures
only under a live ConsentGrant that covers it. When a grant cannot be checked (audience "event"
before the events module can tell who is registered), the answer is no: the institution sees
the enterprise's name, industry chain and need, and nothing else.

Reasons of the explaining path print the enterprise's value beside the threshold; for fields in
FINANCIAL_FIELDS those values are withheld without consent (the requirement is still shown).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from matchmaker import matching
from matchmaker.matching.compiled import CompiledNode, Group, Test
from matchmaker.matching.outcomes import PASS
from matchmaker.matching.render import FAIL_MARK, PASS_MARK, phrase
from matchmaker.models import ConsentAudience, ConsentGrant, ConsentScope, Organization

#: fields whose values are the enterprise's financial figures (ConsentScope.FINANCIALS)
FINANCIAL_FIELDS = frozenset({"revenue", "total_assets", "existing_debt", "valuation", "debt_ratio",
                              "debt_ratio_after_loan", "profitable"})
WITHHELD = "（企业未授权查看财务数据）"


@dataclass(frozen=True)
class Visibility:
    contact: bool = False
    financials: bool = False


async def visibility_for(institution: Organization, enterprise_ids: Iterable[int]) -> dict[int, Visibility]:
    """Per enterprise id: which scopes `institution` may see now (revoked grants do not count)."""
    ids = list(set(enterprise_ids))
    scopes: dict[int, set[str]] = {i: set() for i in ids}
    for grant in await ConsentGrant.filter(enterprise_id__in=ids, revoked_at=None):
        covers = (grant.audience == ConsentAudience.ALL_INSTITUTIONS
                  or (grant.audience == ConsentAudience.NAMED and grant.institution_id == institution.pk))
        # ConsentAudience.EVENT: not provable here yet (no registrations) -> not shown
        if covers:
            scopes[grant.enterprise_id].add(str(grant.scope))
    return {i: Visibility(ConsentScope.CONTACT in s, ConsentScope.FINANCIALS in s) for i, s in scopes.items()}


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
