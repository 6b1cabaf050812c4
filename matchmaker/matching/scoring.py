"""Fit score (0–100) of an eligible enterprise–offer pair, with its breakdown.

Components, each in [0, 1], weighted by `FitWeights` (normalised to 100):
- amount: the need's amount against the offer's [min, max for this enterprise]: 1 inside,
  max/amount above it, amount/min below it;
- term: the need's term against the offer's term range, likewise;
- industry_chain: 1 if the enterprise is on a chain the offer targets, 0 if not;
- region: how specifically the offer serves the enterprise's region (district 1, city 0.8,
  province 0.6);
- innovation: the 科创积分 / 100.
Unknown inputs score a neutral 0.5 (no need posted, offer without a term range or target
chains, nationwide offer); a need of another kind family scores 0 on amount and term.

The formulas are written once, over numpy arrays: the vectorised path calls them with a
column per offer, the explaining path with arrays of one element, so both give the same score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchmaker.matching.innovation import InnovationScore
from matchmaker.matching.regions import REGION_FIT, UNRESTRICTED_REGION_FIT

NEUTRAL = 0.5


@dataclass(frozen=True)
class FitWeights:
    amount: float = 25.0
    term: float = 15.0
    industry_chain: float = 15.0
    region: float = 10.0
    innovation: float = 35.0


@dataclass(frozen=True)
class FitBreakdown:
    """Points each component contributed (they add up to `total`)."""

    total: float
    amount: float
    term: float
    industry_chain: float
    region: float
    innovation: float
    innovation_detail: InnovationScore | None = None


def _ratio_fit(wanted: np.ndarray, low: float, high: np.ndarray | float) -> np.ndarray:
    """1 inside [low, high]; high/wanted above; wanted/low below; NaN `wanted` is neutral."""
    with np.errstate(divide="ignore", invalid="ignore"):
        below = np.where(low > 0, wanted / low, 1.0)
        above = high / wanted
        fit = np.where(wanted < low, below, np.where(wanted > high, above, 1.0))
    return np.where(np.isnan(wanted), NEUTRAL, fit)


def amount_fit(need_amount: np.ndarray, has_need: np.ndarray, kind_applies: np.ndarray,
               low: float, max_amount: np.ndarray) -> np.ndarray:
    """Amount component; `max_amount` NaN (unknown) puts no upper limit."""
    high = np.where(np.isnan(max_amount), np.inf, max_amount)
    fit = _ratio_fit(need_amount, low, high)
    return np.where(~has_need, NEUTRAL, np.where(kind_applies, fit, 0.0))


def term_fit(need_term: np.ndarray, has_need: np.ndarray, kind_applies: np.ndarray,
             min_months: float | None, max_months: float | None) -> np.ndarray:
    if min_months is None and max_months is None:
        fit = np.full(need_term.shape, NEUTRAL)
    else:
        fit = _ratio_fit(need_term, float(min_months or 0), np.inf if max_months is None else float(max_months))
    return np.where(~has_need, NEUTRAL, np.where(kind_applies, fit, 0.0))


def chain_fit(on_target_chain: np.ndarray | None, n: int) -> np.ndarray:
    """`on_target_chain` None means the offer targets no chain."""
    if on_target_chain is None:
        return np.full(n, NEUTRAL)
    return on_target_chain.astype(np.float64)


def region_fit(depth: np.ndarray | None, n: int) -> np.ndarray:
    """`depth` None means the offer serves every region."""
    if depth is None:
        return np.full(n, UNRESTRICTED_REGION_FIT)
    table = np.array([0.0, REGION_FIT[1], REGION_FIT[2], REGION_FIT[3]])
    return table[np.minimum(depth, 3)]


def combine(weights: FitWeights, amount: np.ndarray, term: np.ndarray, chain: np.ndarray,
            region: np.ndarray, innovation: np.ndarray) -> tuple[np.ndarray, ...]:
    """(total, points per component) with the weights normalised so that a perfect fit is 100."""
    scale = 100.0 / (weights.amount + weights.term + weights.industry_chain + weights.region + weights.innovation)
    parts = (weights.amount * scale * amount, weights.term * scale * term, weights.industry_chain * scale * chain,
             weights.region * scale * region, weights.innovation * scale * (innovation / 100.0))
    total = parts[0] + parts[1] + parts[2] + parts[3] + parts[4]
    return (total, *parts)
