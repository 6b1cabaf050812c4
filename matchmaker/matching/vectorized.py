"""The vectorised path: every enterprise × every offer at once, over numpy columns.

`MatchIndex(enterprises, as_of, needs=…)` turns the rows (one enterprise with one need, or
none) into columns, one per field, built lazily through the same `Field.value` getters the
explaining path uses. `index.evaluate(offers)` then evaluates each offer's compiled criteria
over whole columns (no per-pair tree walks) with three-valued logic held as two masks (rows
that definitely pass, rows that definitely fail), and returns an `EligibilityMatrix`: the
failed-criteria bitmask of every pair (bit u = the offer's unit u failed), eligibility, max
amount and fit score; kind_match per offer on demand. Reasons are computed lazily, per pair
shown, by the explaining path (`EligibilityMatrix.verdict`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import numpy as np

from matchmaker.matching import scoring
from matchmaker.matching.amounts import amount_columns, term_columns
from matchmaker.matching.compiled import (
    Caveat,
    CompiledAmount,
    CompiledNode,
    CompiledOffer,
    ExprTest,
    Group,
    Test,
    compile_offers,
)
from matchmaker.matching.expressions import evaluate_columns
from matchmaker.matching.criteria import AllOf, AnyOf
from matchmaker.matching.evaluate import Subject, Verdict, explain
from matchmaker.matching.fields import INNOVATION_SCORE, NUMERIC_TYPES, Field, FieldRegistry, FieldType
from matchmaker.matching.innovation import InnovationWeights, innovation_score
from matchmaker.matching.model import KIND_FAMILY, EnterpriseProfile, FinancingNeed, Offer, PlatformRule
from matchmaker.matching.regions import served_depth
from matchmaker.matching.scoring import FitWeights


class Column:
    """One field's values for every row: floats (NaN missing) for numbers and dates, flags for
    booleans, integer codes (-1 missing) for enums and text, raw values for sets and text."""

    def __init__(self, field: Field, raw: list[Any]) -> None:
        self.field, self.raw = field, raw
        self.present = np.fromiter((v is not None for v in raw), bool, len(raw))
        kind = field.type
        if kind is FieldType.DATE:
            self.numbers = np.array([np.nan if v is None else float(v.toordinal()) for v in raw], np.float64)
        elif kind in NUMERIC_TYPES:
            self.numbers = np.array([np.nan if v is None else float(v) for v in raw], np.float64)
        elif kind is FieldType.BOOL:
            self.flags = np.fromiter((v is True for v in raw), bool, len(raw))
        elif kind in (FieldType.ENUM, FieldType.TEXT):
            self.vocabulary: dict[Any, int] = {}
            self.codes = np.array([-1 if v is None else self.vocabulary.setdefault(v, len(self.vocabulary))
                                   for v in raw], np.int64)
        self._members: dict[str, np.ndarray] = {}

    def number(self, threshold: Any) -> float:
        return float(threshold.toordinal()) if isinstance(threshold, date) else float(threshold)

    def code(self, value: Any) -> int:
        return self.vocabulary.get(value, -2)  # -2 matches no row (missing rows are -1)

    def holds(self, item: str) -> np.ndarray:
        """Rows whose set holds `item`, or whose text contains it (cached)."""
        if item not in self._members:
            self._members[item] = np.fromiter((v is not None and item in v for v in self.raw), bool, len(self.raw))
        return self._members[item]


def raw_passes(column: Column, op: str, threshold: Any) -> np.ndarray:
    """Rows where the comparison holds; a missing value never holds (same as evaluate.compare)."""
    kind = column.field.type
    present = column.present
    if kind in NUMERIC_TYPES:
        values = column.numbers
        if op in ("in", "nin"):
            hit = np.isin(values, [column.number(t) for t in threshold])
            return hit if op == "in" else present & ~hit
        x = column.number(threshold)
        return {"ge": lambda: values >= x, "gt": lambda: values > x, "le": lambda: values <= x,
                "lt": lambda: values < x, "eq": lambda: values == x, "ne": lambda: present & (values != x)}[op]()
    if kind is FieldType.BOOL:
        flags = column.flags
        if op == "true" or (op == "eq" and threshold is True) or (op == "ne" and threshold is False):
            return flags
        return present & ~flags
    if kind is FieldType.SET or op == "contains":
        if op == "contains":
            return column.holds(threshold)
        hit = np.logical_or.reduce([column.holds(t) for t in threshold])
        return hit if op == "in" else present & ~hit
    codes = column.codes
    if op in ("eq", "ne"):
        hit = codes == column.code(threshold)
        return hit if op == "eq" else present & ~hit
    hit = np.isin(codes, [column.code(t) for t in threshold])
    return hit if op == "in" else present & ~hit


class Tri:
    """Three-valued results: `passes` and `fails` masks; rows in neither are unknown.
    `fails` None means no row is unknown (fails = ~passes), the common, cheaper case."""

    __slots__ = ("passes", "fails", "_fail_mask")

    def __init__(self, passes: np.ndarray, fails: np.ndarray | None = None) -> None:
        self.passes, self.fails = passes, fails
        self._fail_mask: np.ndarray | None = fails

    def fail_mask(self) -> np.ndarray:
        if self._fail_mask is None:
            self._fail_mask = ~self.passes
        return self._fail_mask

    def negate(self) -> Tri:
        return Tri(self.fail_mask()) if self.fails is None else Tri(self.fails, self.passes)


def all_of(parts: list[Tri]) -> Tri:
    passes = np.logical_and.reduce([p.passes for p in parts]) if len(parts) > 1 else parts[0].passes
    if all(p.fails is None for p in parts):
        return Tri(passes)
    return Tri(passes, np.logical_or.reduce([p.fail_mask() for p in parts]))


def any_of(parts: list[Tri]) -> Tri:
    passes = np.logical_or.reduce([p.passes for p in parts]) if len(parts) > 1 else parts[0].passes
    if all(p.fails is None for p in parts):
        return Tri(passes)
    return Tri(passes, np.logical_and.reduce([p.fail_mask() for p in parts]))


class MatchIndex:
    """Columns of every row (enterprise + need or None) on `as_of`, for vectorised matching.

    `needs`, when given, is aligned with `enterprises` (repeat an enterprise once per need).
    """

    def __init__(self, enterprises: Sequence[EnterpriseProfile], as_of: date, *,
                 needs: Sequence[FinancingNeed | None] | None = None,
                 innovation_weights: InnovationWeights = InnovationWeights()) -> None:
        if needs is not None and len(needs) != len(enterprises):
            raise ValueError("needs must be aligned with enterprises")
        self.enterprises = list(enterprises)
        self.needs = list(needs) if needs is not None else [None] * len(self.enterprises)
        self.as_of, self.innovation_weights = as_of, innovation_weights
        self.size = len(self.enterprises)
        self._columns: dict[str, Column] = {}
        self.has_need = np.array([n is not None for n in self.needs], bool)
        families = [KIND_FAMILY.get(n.kind) if n is not None else None for n in self.needs]
        self._family = {f: np.array([x == f for x in families], bool) for f in set(KIND_FAMILY.values())}
        paths = [e.region.path for e in self.enterprises]
        self._path_codes: dict[tuple[str, ...], int] = {}
        self._path_index = np.array([self._path_codes.setdefault(p, len(self._path_codes)) for p in paths], np.int64)
        self.innovation = np.array([innovation_score(e, as_of, innovation_weights).total for e in self.enterprises])
        self._depths: dict[tuple[tuple[str, ...], ...], np.ndarray] = {}
        self._chains: dict[frozenset[str], np.ndarray] = {}

    def rows(self) -> Iterable[tuple[EnterpriseProfile, FinancingNeed | None]]:
        return zip(self.enterprises, self.needs)

    def column(self, field: Field) -> Column:
        if field.key == INNOVATION_SCORE and field.key not in self._columns:  # with the index's weights
            self._columns[field.key] = Column(field, self.innovation.tolist())
        if field.key not in self._columns:
            self._columns[field.key] = Column(field, [field.value(e, n, self.as_of) for e, n in self.rows()])
        return self._columns[field.key]

    def numbers(self, field: Field) -> tuple[np.ndarray, np.ndarray]:
        column = self.column(field)
        return column.numbers, column.present

    def need_applies(self, family: str | None) -> np.ndarray:
        """Rows whose need is of `family` (need fields are judged only there)."""
        if family is None:
            return np.zeros(self.size, bool)
        return self._family.get(family, np.zeros(self.size, bool))

    def kind_match(self, family: str | None) -> np.ndarray:
        if family is None:
            return np.ones(self.size, bool)
        return ~self.has_need | self.need_applies(family)

    def served_depth(self, regions: tuple[tuple[str, ...], ...]) -> np.ndarray:
        if regions not in self._depths:
            table = np.zeros(len(self._path_codes), np.int64)
            for path, code in self._path_codes.items():
                table[code] = served_depth(path, regions)
            self._depths[regions] = table[self._path_index]
        return self._depths[regions]

    def on_chain(self, chains: frozenset[str]) -> np.ndarray:
        if chains not in self._chains:
            column = self.column(_CHAINS)
            self._chains[chains] = np.logical_or.reduce([column.holds(c) for c in sorted(chains)])
        return self._chains[chains]

    def evaluate(self, offers: Sequence[CompiledOffer] | Sequence[Offer], *, rules: Sequence[PlatformRule] = (),
                 fields: FieldRegistry | None = None, fit_weights: FitWeights = FitWeights()) -> EligibilityMatrix:
        """Verdicts (failed-criteria bits, max amount, fit score) of every offer × row.

        `offers` may be compiled already (`compile_offers`, with the platform rules) — the app
        keeps them compiled between requests; otherwise they are compiled here with `rules`.
        """
        compiled = [o for o in offers if isinstance(o, CompiledOffer)]
        if len(compiled) != len(offers):
            compiled = compile_offers(offers, fields, rules)  # type: ignore[arg-type]
        n_offers = len(compiled)
        n_bytes = (max((len(o.units) for o in compiled), default=0) + 7) // 8 or 1
        matrix = EligibilityMatrix(self, compiled, np.zeros((n_offers, n_bytes, self.size), np.uint8),
                                   np.ones((n_offers, self.size), bool), np.empty((n_offers, self.size)),
                                   np.full((n_offers, self.size), np.nan, np.float32), fit_weights)
        cache: dict[Any, Any] = {}
        for start in range(0, n_offers, _CHUNK):
            self._evaluate_chunk(matrix, start, compiled[start:start + _CHUNK], cache)
        return matrix

    def _evaluate_chunk(self, matrix: EligibilityMatrix, start: int, chunk: list[CompiledOffer],
                        cache: dict[Any, Any]) -> None:
        """Evaluate a chunk of offers: unit by unit per offer, then pack, judge and score the
        whole chunk in a few array operations (per-offer numpy calls dominate for few rows)."""
        fails: list[np.ndarray] = []
        units_per_offer = np.array([len(o.units) for o in chunk], np.int64)
        depth = np.zeros((len(chunk), self.size), np.int64)
        on_chain = np.zeros((len(chunk), self.size), bool)
        for j, offer in enumerate(chunk):
            walker = _Walker(self, offer.family, self.need_applies(offer.family), cache)
            granted = None
            for unit in offer.units:
                if unit.kind == "region":
                    depth[j] = self.served_depth(offer.regions)
                    fails.append(depth[j] == 0)
                elif unit.kind == "amount":
                    assert offer.amount is not None
                    granted, fail = walker.amount(offer.amount)
                    fails.append(fail)
                elif unit.kind == "term":
                    assert offer.term is not None
                    fails.append(term_columns(offer.term, self.numbers, walker.applies))
                else:
                    assert unit.tree is not None
                    fails.append(walker.tri(unit.tree).fail_mask())
            matrix.max_amount[start + j] = np.nan if granted is None else granted
            if offer.chains:
                on_chain[j] = self.on_chain(offer.chains)
        if fails:
            self._pack(matrix, start, np.concatenate(fails).reshape(len(fails), self.size), units_per_offer)
        offer_of, rows = np.nonzero(matrix.eligible[start:start + len(chunk)])
        if rows.size:
            inputs = self._pair_inputs(chunk, offer_of, rows, matrix.max_amount[start + offer_of, rows],
                                       depth[offer_of, rows], on_chain[offer_of, rows])
            matrix.score[start + offer_of, rows] = scoring.fit_scores(matrix.fit_weights, inputs)[0]

    @staticmethod
    def _pack(matrix: EligibilityMatrix, start: int, stacked: np.ndarray, units_per_offer: np.ndarray) -> None:
        """Write the chunk's failed units as bits (bit u % 8 of byte u // 8 is unit u) and its
        eligibility. `stacked` holds the fail mask of every unit of every offer, in order."""
        offer_of_unit = np.repeat(np.arange(units_per_offer.size), units_per_offer)
        first_unit = np.cumsum(units_per_offer) - units_per_offer
        position = np.arange(offer_of_unit.size) - first_unit[offer_of_unit]
        byte_of_unit = position // 8
        # units of one (offer, byte) are contiguous rows of `stacked`: OR in the k-th unit of every
        # group in one gather per k (reduceat along axis 0 is several times slower)
        new_group = np.ones(offer_of_unit.size, bool)
        new_group[1:] = (offer_of_unit[1:] != offer_of_unit[:-1]) | (byte_of_unit[1:] != byte_of_unit[:-1])
        group_start = np.flatnonzero(new_group)
        matrix.failed_bits[start + offer_of_unit[group_start], byte_of_unit[group_start]] = _or_runs(
            stacked.view(np.uint8) * _BIT_VALUES[position % 8][:, None], group_start, offer_of_unit.size)
        with_units = np.flatnonzero(units_per_offer)
        failing = _or_runs(stacked.view(np.uint8), first_unit[with_units], offer_of_unit.size)
        matrix.eligible[start + with_units] = failing == 0

    def _pair_inputs(self, offers: list[CompiledOffer], offer_of: np.ndarray, rows: np.ndarray,
                     max_amount: np.ndarray, depth: np.ndarray, on_chain: np.ndarray) -> scoring.PairInputs:
        """Scoring inputs of eligible pairs at once: per-offer values spread by `offer_of`."""
        def per_offer(values: list[float | None]) -> np.ndarray:
            return np.array([np.nan if v is None else float(v) for v in values])[offer_of]

        row_family, family_codes = self._family_codes()
        offer_family = np.array([family_codes.get(o.family, -2) for o in offers])  # -2: a policy, never
        terms = [o.term for o in offers]
        need_amount, _ = self.numbers(_NEED_AMOUNT)
        need_term, _ = self.numbers(_NEED_TERM)
        return scoring.PairInputs(
            has_need=self.has_need[rows],
            kind_applies=row_family[rows] == offer_family[offer_of],
            need_amount=need_amount[rows],
            need_term=need_term[rows],
            amount_low=per_offer([(o.amount.rule.min or 0) if o.amount else 0 for o in offers]),
            max_amount=max_amount,
            term_min=per_offer([t.min_months if t else None for t in terms]),
            term_max=per_offer([t.max_months if t else None for t in terms]),
            targets_chain=np.array([bool(o.chains) for o in offers])[offer_of],
            on_chain=on_chain,
            region_restricted=np.array([bool(o.regions) for o in offers])[offer_of],
            region_depth=depth,
            innovation=self.innovation[rows],
        )

    def _family_codes(self) -> tuple[np.ndarray, dict[str, int]]:
        """Each row's need family as a small integer (-1: no need), and the codes."""
        codes = {family: code for code, family in enumerate(sorted(self._family))}
        row_family = np.full(self.size, -1)
        for family, mask in self._family.items():
            row_family[mask] = codes[family]
        return row_family, codes


def _or_runs(values: np.ndarray, starts: np.ndarray, total: int) -> np.ndarray:
    """Bitwise OR of the rows of `values` over each run [starts[i], starts[i+1]) (the last run
    ends at `total`): one row gather per position in the longest run."""
    lengths = np.append(starts[1:], total) - starts
    out = values[starts].copy()
    for k in range(1, int(lengths.max(initial=1))):
        longer = np.flatnonzero(lengths > k)
        out[longer] |= values[starts[longer] + k]
    return out


#: offers evaluated between two packing passes: bounds the memory of the stacked fail masks
_CHUNK = 256


def _builtin(key: str) -> Field:
    from matchmaker.matching.fields import default_fields

    field = default_fields().get(key)
    assert field is not None
    return field


_BIT_VALUES = np.array([1 << k for k in range(8)], np.uint8)
#: set bits per byte value (np.bitwise_count needs numpy 2; the project allows 1.26)
_POPCOUNT = np.array([bin(value).count("1") for value in range(256)], np.uint8)
_CHAINS = _builtin("industry_chains")
_NEED_AMOUNT = _builtin("need.amount")
_NEED_TERM = _builtin("need.term_months")


class _Walker:
    """Evaluates compiled trees over the index's columns for one offer family."""

    def __init__(self, index: MatchIndex, family: str | None, applies: np.ndarray, cache: dict[Any, Any]) -> None:
        self.index, self.family, self.applies, self.cache = index, family, applies, cache
        self.amounts = cache  # keys of amount rules start with "amount": no clash with trees

    def tri(self, node: CompiledNode) -> Tri:
        # Tests and whole subtrees repeat across offers (platform rules, common thresholds):
        # cache by structure, and by need family when the result depends on the need.
        key = (node.key, self.family) if node.uses_need else node.key
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._compute(node)
        return found

    def amount(self, amount: CompiledAmount) -> tuple[np.ndarray, np.ndarray]:
        """(max amount, fail mask) of an amount rule; equal rules of other offers share it."""
        key = (amount.key, self.family) if amount.uses_need else amount.key
        found = self.amounts.get(key)
        if found is None:
            found = self.amounts[key] = amount_columns(amount, self.index.numbers, self.applies,
                                                       lambda node: self.tri(node).passes)
        return found

    def _compute(self, node: CompiledNode) -> Tri:
        if isinstance(node, Caveat):
            nothing = np.zeros(self.index.size, bool)
            return Tri(nothing, nothing)
        if isinstance(node, Test):
            passes = raw_passes(self.index.column(node.field), node.node.op, node.threshold)
            if not node.field.needs_need:
                return Tri(passes)
            return Tri(passes & self.applies, ~passes & self.applies)
        if isinstance(node, ExprTest):
            return self._computed(node)
        assert isinstance(node, Group)
        parts = [self.tri(child) for child in node.children]
        if isinstance(node.node, AllOf):
            return all_of(parts)
        if isinstance(node.node, AnyOf):
            return any_of(parts)
        return parts[0].negate()


    def _computed(self, test: ExprTest) -> Tri:
        # the values of one formula serve every threshold compared with it (cache keys of trees
        # start with "test", "exprtest" or a node type: no clash)
        key = ("exprvalues", test.expr.key)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = evaluate_columns(test.expr, self.index.numbers, self.index.size)
        values, missing, zero = found
        x = test.threshold
        with np.errstate(invalid="ignore"):
            holds = {"ge": lambda: values >= x, "gt": lambda: values > x, "le": lambda: values <= x,
                     "lt": lambda: values < x, "eq": lambda: values == x, "ne": lambda: values != x}[test.node.op]()
        judged = ~missing & ~zero
        passes, fails = judged & holds, missing | (judged & ~holds)
        if test.uses_need:
            passes, fails = passes & self.applies, fails & self.applies
        return Tri(passes, fails)


class EligibilityMatrix:
    """Verdicts of every offer (axis 0) × row (axis 1) from `MatchIndex.evaluate`.

    `failed_bits[o, b, r]` holds bits 8b..8b+7 of pair (o, r): bit u set = the offer's unit u
    (`offers[o].units[u]`) failed. `eligible[o, r]` is True when no bit is set. `max_amount`
    is float64 元 (NaN unknown), `score` float32 (NaN when not eligible).
    """

    def __init__(self, index: MatchIndex, offers: list[CompiledOffer], failed_bits: np.ndarray,
                 eligible: np.ndarray, max_amount: np.ndarray, score: np.ndarray, fit_weights: FitWeights) -> None:
        self.index, self.offers = index, offers
        self.failed_bits, self.eligible, self.max_amount, self.score = failed_bits, eligible, max_amount, score
        self.fit_weights = fit_weights

    def kind_match(self, offer: int) -> np.ndarray:
        """Rows whose need is of the offer's kind family (or who posted no need)."""
        return self.index.kind_match(self.offers[offer].family)

    def failed_count(self, offer: int | slice = slice(None)) -> np.ndarray:
        """Number of failed criteria per pair (for near misses)."""
        return _POPCOUNT[self.failed_bits[offer]].sum(axis=-2, dtype=np.int64)

    def failed_criteria(self, offer: int, row: int) -> tuple[str, ...]:
        bits = int.from_bytes(self.failed_bits[offer, :, row].tobytes(), "little")
        return tuple(unit.id for u, unit in enumerate(self.offers[offer].units) if bits >> u & 1)

    def amount(self, offer: int, row: int) -> int | None:
        value = self.max_amount[offer, row]
        return None if np.isnan(value) else int(value)

    def verdict(self, offer: int, row: int) -> Verdict:
        """The full verdict with reasons for one pair (explaining path, computed on demand)."""
        subject = Subject(self.index.enterprises[row], self.index.needs[row], self.index.as_of)
        return explain(subject, self.offers[offer], innovation_weights=self.index.innovation_weights,
                       fit_weights=self.fit_weights)

    def kind_exact(self, row: int) -> np.ndarray:
        """Per offer: the row's need asks for exactly the offer's kind (no need, or a policy: True)."""
        need = self.index.needs[row]
        if need is None:
            return np.ones(len(self.offers), bool)
        return np.array([getattr(o.offer, "kind", need.kind) == need.kind for o in self.offers], bool)

    def ranked(self, row: int) -> list[int]:
        """Offer positions eligible for `row`: the need's exact kind first (a credit-loan need
        sees credit loans before guarantee loans of the same family), then best fit first
        (ties in offer order)."""
        eligible = np.flatnonzero(self.eligible[:, row])
        order = np.lexsort((-self.score[eligible, row], ~self.kind_exact(row)[eligible]))
        return eligible[order].tolist()

    def near_misses(self, row: int, max_failed: int = 2) -> list[tuple[int, tuple[str, ...]]]:
        """Offers `row` fails on 1..max_failed criteria, fewest first, with the failed ids."""
        counts = _POPCOUNT[self.failed_bits[:, :, row]].sum(axis=1, dtype=np.int64)
        close = np.flatnonzero((counts >= 1) & (counts <= max_failed))
        order = close[np.argsort(counts[close], kind="stable")]
        return [(int(i), self.failed_criteria(int(i), row)) for i in order]
