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


def _ratio_fit(wanted: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """1 inside [low, high]; high/wanted above; wanted/low below; NaN `wanted` is neutral."""
    with np.errstate(divide="ignore", invalid="ignore"):
        below = np.where(low > 0, wanted / low, 1.0)
        above = high / wanted
        fit = np.where(wanted < low, below, np.where(wanted > high, above, 1.0))
    return np.where(np.isnan(wanted), NEUTRAL, fit)


@dataclass(frozen=True)
class PairInputs:
    """Everything the fit score reads, one array element per (enterprise row, offer) pair.

    NaN means unknown/open: need_amount, need_term (not filled), max_amount (no upper limit),
    term_min / term_max (open end; both NaN: the offer states no term).
    """

    has_need: np.ndarray
    kind_applies: np.ndarray
    need_amount: np.ndarray
    need_term: np.ndarray
    amount_low: np.ndarray
    max_amount: np.ndarray
    term_min: np.ndarray
    term_max: np.ndarray
    targets_chain: np.ndarray  # the offer targets industry chains
    on_chain: np.ndarray  # the enterprise is on one of them
    region_restricted: np.ndarray  # the offer serves listed regions only
    region_depth: np.ndarray  # 1 province, 2 city, 3 district (0 outside)
    innovation: np.ndarray  # 科创积分, 0–100


def _need_component(fit: np.ndarray, inputs: PairInputs) -> np.ndarray:
    return np.where(~inputs.has_need, NEUTRAL, np.where(inputs.kind_applies, fit, 0.0))


def fit_scores(weights: FitWeights, inputs: PairInputs) -> tuple[np.ndarray, ...]:
    """(total, amount, term, industry_chain, region, innovation) points per pair.

    Weights are normalised so that a perfect fit scores 100.
    """
    high = np.where(np.isnan(inputs.max_amount), np.inf, inputs.max_amount)
    amount = _need_component(_ratio_fit(inputs.need_amount, inputs.amount_low, high), inputs)
    no_term = np.isnan(inputs.term_min) & np.isnan(inputs.term_max)
    term_fit = _ratio_fit(inputs.need_term, np.nan_to_num(inputs.term_min, nan=0.0),
                          np.where(np.isnan(inputs.term_max), np.inf, inputs.term_max))
    term = _need_component(np.where(no_term, NEUTRAL, term_fit), inputs)
    chain = np.where(inputs.targets_chain, inputs.on_chain.astype(np.float64), NEUTRAL)
    region = np.where(inputs.region_restricted, _REGION_TABLE[np.clip(inputs.region_depth, 0, 3)],
                      UNRESTRICTED_REGION_FIT)
    scale = 100.0 / (weights.amount + weights.term + weights.industry_chain + weights.region + weights.innovation)
    parts = (weights.amount * scale * amount, weights.term * scale * term, weights.industry_chain * scale * chain,
             weights.region * scale * region, weights.innovation * scale * (inputs.innovation / 100.0))
    total = parts[0] + parts[1] + parts[2] + parts[3] + parts[4]
    return (total, *parts)


_REGION_TABLE = np.array([0.0, REGION_FIT[1], REGION_FIT[2], REGION_FIT[3]])
