"""Verdicts an institution may read about an enterprise that has not consented to show its
financial figures (services/accounts/consent.py decides who may see what, not here).

The promise (README "Security"): without the enterprise's financials consent an institution
learns one bit per published product — eligible or not — and nothing else that depends on a
financial figure:

- a criterion on a financial field (FINANCIAL_FIELDS) keeps its requirement text but loses
  its outcome (✓/✗/待审核 would each be a threshold test): outcome ``withheld``; so does every
  group whose subtree reads a financial field;
- when the amount rule reads a financial field (a share of one, or any tier condition on one),
  the tier reached, its label, the amount granted, the fit score and its breakdown (the score
  is computed from the amount) are all withheld, and such rows are not ranked by score
  (`rank_key`): the order would tell the tier;
- a draft product is matched only against enterprises that consented (institution.py), so a
  series of drafts stepping a threshold cannot probe anyone else.
"""

from __future__ import annotations

from dataclasses import replace

from matchmaker import matching
from matchmaker.matching.compiled import CompiledNode, ExprTest, Group, Test
from matchmaker.matching.phrases import Phrasebook, say
from matchmaker.matching.render import computed_phrase, phrase
from matchmaker.services.accounts.consent import FINANCIAL_FIELDS

WITHHELD = "（企业未授权查看财务数据）"
#: The outcome shown instead of pass / fail / unknown for a criterion on withheld figures.
WITHHELD_OUTCOME = "withheld"
AMOUNT_WITHHELD = f"可贷额度按企业财务数据计算{WITHHELD}"
WITHHELD_EN = " (the enterprise has not authorised its financial figures)"
AMOUNT_WITHHELD_EN = f"The amount is computed from the enterprise's financial figures{WITHHELD_EN}"


def _withheld(book: Phrasebook) -> str:
    return WITHHELD_EN if book.english else WITHHELD


def reads_financials(node: CompiledNode | None) -> bool:
    """Whether judging `node` reads any financial field."""
    if isinstance(node, Test):
        return node.field.key in FINANCIAL_FIELDS
    if isinstance(node, ExprTest):
        return any(key in FINANCIAL_FIELDS for key in node.expr.fields)
    if isinstance(node, Group):
        return any(reads_financials(child) for child in node.children)
    return False


def _nodes_by_id(offer: matching.CompiledOffer) -> dict[str, CompiledNode]:
    found: dict[str, CompiledNode] = {}

    def walk(node: CompiledNode) -> None:
        found[node.node.id] = node
        if isinstance(node, Group):
            for child in node.children:
                walk(child)

    for unit in offer.units:
        if unit.tree is not None:
            walk(unit.tree)
    return found


def amount_reads_financials(offer: matching.CompiledOffer) -> bool:
    """Whether the amount granted (hence the fit score) depends on a financial figure."""
    amount = offer.amount
    if amount is None:
        return False
    if amount.share_field is not None and amount.share_field.key in FINANCIAL_FIELDS:
        return True
    if amount.expr is not None and any(key in FINANCIAL_FIELDS for key in amount.expr.fields):
        return True
    return any(reads_financials(tier.when) for tier in amount.tiers)


def redact_financials(verdict: matching.Verdict, offer: matching.CompiledOffer) -> matching.Verdict:
    """`verdict` as an institution without financials consent may read it (module docstring)."""
    nodes = _nodes_by_id(offer)
    amount_hidden = amount_reads_financials(offer)
    reasons = []
    for reason in verdict.reasons:
        node = nodes.get(reason.criterion_id)
        if isinstance(node, Test) and reads_financials(node):
            reason = replace(reason, outcome=WITHHELD_OUTCOME, text=say(
                lambda b, node=node: f"{phrase(node.field, node.node.op, node.threshold, book=b)}{_withheld(b)}"))
        elif isinstance(node, ExprTest) and reads_financials(node):
            reason = replace(reason, outcome=WITHHELD_OUTCOME, text=say(
                lambda b, node=node: f"{computed_phrase(node.expr, node.node.op, node.threshold, book=b)}{_withheld(b)}"))
        elif isinstance(node, Group) and reads_financials(node):
            own = node.node.text
            reason = replace(reason, outcome=WITHHELD_OUTCOME, text=say(
                lambda b, own=own: f"{own or ('Combined condition' if b.english else '组合条件')}{_withheld(b)}"))
        elif reason.source == "amount" and amount_hidden:
            reason = replace(reason, outcome=WITHHELD_OUTCOME,
                             text=say(lambda b: AMOUNT_WITHHELD_EN if b.english else AMOUNT_WITHHELD))
        reasons.append(reason)
    if not amount_hidden:
        return replace(verdict, reasons=tuple(reasons))
    caveats = tuple(c for c in verdict.caveats if c not in {r.text for r in verdict.reasons if r.source == "amount"})
    return replace(verdict, reasons=tuple(reasons), caveats=caveats, max_amount=None, score=None, breakdown=None)
