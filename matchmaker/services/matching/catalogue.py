"""The published offers, compiled once and kept until the rows behind them change.

Compiling 2,000 products takes longer than the recommendation page may (DESIGN: ≤ 200 ms), so
the compiled catalogue is kept between requests in a `CatalogueCache` that the app owns. Each
use asks the database for a cheap fingerprint of what was published (counts, the latest
`updated_at`, the platform rules and custom fields themselves) and recompiles only when it
differs. Writers that bypass `Model.save()` (queryset `.update()`) must touch `updated_at`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from matchmaker import matching
from matchmaker.matching.formats import FormatError
from matchmaker.models import (CustomField, ListMember, Organization, PlatformRule, Policy, Product, PublicationStatus,
                               RegistryList)
from matchmaker.services.matching.inputs import field_registry, platform_rule_input, policy_input, product_input
from matchmaker.services.registry.lists import valid_on

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OfferCatalogue:
    """Published products and policies compiled with the active platform rules."""

    products: list[matching.CompiledOffer]
    policies: list[matching.CompiledOffer]
    rules: tuple[matching.PlatformRule, ...]
    fields: matching.FieldRegistry
    policy_validity: dict[str, tuple[date | None, date | None]] = field(default_factory=dict)
    left_out: tuple[str, ...] = ()  # offers whose stored criteria no longer compile
    #: uscc -> the lists (名单) it is on, read with the catalogue: the fingerprint follows every
    #: change of a list or its members, so the pages that judge needs read no membership rows
    members: dict[str, tuple[RegistryList, ...]] = field(default_factory=dict)

    def memberships(self, usccs: Iterable[str]) -> dict[str, dict[str, tuple[date | None, date | None]]]:
        """uscc -> {list key: (valid_from, valid_until)}, as `list.<key>` criteria read them."""
        return {code: {row.key: (row.valid_from, row.valid_until) for row in self.members[code]}
                for code in usccs if code in self.members}

    def priority_lists(self, usccs: Iterable[str], as_of: date) -> dict[str, list[str]]:
        """uscc -> names of the priority (red) lists it is on that are valid on `as_of`."""
        found = {code: [row.name for row in self.members.get(code, ()) if row.priority and valid_on(row, as_of)]
                 for code in usccs}
        return {code: names for code, names in found.items() if names}

    def policies_valid_on(self, as_of: date) -> list[matching.CompiledOffer]:
        def valid(offer: matching.CompiledOffer) -> bool:
            start, end = self.policy_validity.get(offer.id, (None, None))
            return (start is None or start <= as_of) and (end is None or as_of <= end)

        return [offer for offer in self.policies if valid(offer)]

    def compile(self, offer: matching.Product) -> matching.CompiledOffer:
        """One more offer (e.g. a draft product previewed by its institution) on the same terms."""
        return matching.compile_offer(offer, self.fields, self.rules)


#: One statement: what was published (count, latest change, id sum of products and policies)
#: and the active platform rules, custom fields and lists themselves, every value as text. A list's
#: updated_at moves with every change of its members, so results that read memberships are dropped too.
_FINGERPRINT_SQL = """
SELECT 'a' AS k, CAST(COUNT(id) AS TEXT) AS v1, CAST(MAX(updated_at) AS TEXT) AS v2, CAST(SUM(id) AS TEXT) AS v3,
       NULL AS v4, 0 AS o FROM product WHERE status = 'published'
UNION ALL
SELECT 'b', CAST(COUNT(id) AS TEXT), CAST(MAX(updated_at) AS TEXT), CAST(SUM(id) AS TEXT), NULL, 0
  FROM policy WHERE status = 'published'
UNION ALL
SELECT 'c', CAST(id AS TEXT), "text", CAST(criteria AS TEXT), CAST(applies_to_policies AS TEXT), id
  FROM platform_rule WHERE active
UNION ALL
SELECT 'd', "key", "type" || ':' || "target", "label", CAST(options AS TEXT), id FROM custom_field
UNION ALL
SELECT 'e', "key", "name", CAST(updated_at AS TEXT), NULL, id FROM registry_list
ORDER BY 1, 6"""


async def _fingerprint() -> tuple[Any, ...]:
    rows = await Product._meta.db.execute_query_dict(_FINGERPRINT_SQL)
    return tuple((row["k"], row["v1"], row["v2"], row["v3"], row["v4"]) for row in rows)


def _compile_each(offers: list[Any], fields: matching.FieldRegistry, rules: tuple[matching.PlatformRule, ...],
                  left_out: list[str]) -> list[matching.CompiledOffer]:
    """All at once (fast); if any fails, one by one so that one bad row does not hide the rest."""
    try:
        return matching.compile_offers(offers, fields, rules)
    except matching.CriteriaError:
        compiled = []
        for offer in offers:
            try:
                compiled.append(matching.compile_offer(offer, fields, rules))
            except matching.CriteriaError as error:
                log.warning("offer %s left out of matching: %s", offer.id, error.problems)
                left_out.append(offer.id)
        return compiled


async def build_catalogue() -> OfferCatalogue:
    lists = {row.pk: row for row in await RegistryList.all().order_by("id")}
    fields = field_registry(await CustomField.all(), list(lists.values()))
    members: dict[str, list[RegistryList]] = {}
    if lists:
        for code, list_id in await ListMember.all().order_by("id").values_list("uscc", "registry_list_id"):
            members.setdefault(code, []).append(lists[list_id])
    rules = []
    for row in await PlatformRule.filter(active=True).order_by("id"):
        try:
            rules.append(platform_rule_input(row))
        except matching.CriteriaError as error:
            log.warning("platform rule %s ignored: %s", row.pk, error.problems)
    names = dict(await Organization.all().values_list("id", "name"))
    left_out: list[str] = []
    products, policies, validity = [], [], {}
    for row in await Product.filter(status=PublicationStatus.PUBLISHED).order_by("id"):
        try:
            products.append(product_input(row, names.get(row.organization_id, "")))
        except (matching.CriteriaError, FormatError) as error:
            log.warning("product %s left out of matching: %s", row.pk, error)
            left_out.append(str(row.pk))
    for row in await Policy.filter(status=PublicationStatus.PUBLISHED).order_by("id"):
        try:
            policies.append(policy_input(row, names.get(row.organization_id, "")))
            validity[str(row.pk)] = (row.valid_from, row.valid_until)
        except (matching.CriteriaError, FormatError) as error:
            log.warning("policy %s left out of matching: %s", row.pk, error)
    frozen_rules = tuple(rules)
    return OfferCatalogue(_compile_each(products, fields, frozen_rules, left_out),
                          _compile_each(policies, fields, frozen_rules, left_out),
                          frozen_rules, fields, validity, tuple(left_out),
                          {code: tuple(rows) for code, rows in members.items()})


class CatalogueCache:
    """Holds the last compiled catalogue and the fingerprint it was built from (one per app),
    and the latest results computed against it (`remember`), dropped when it is rebuilt."""

    RESULTS_KEPT = 512

    def __init__(self) -> None:
        self._fingerprint: tuple[Any, ...] | None = None
        self._catalogue: OfferCatalogue | None = None
        self._lock = asyncio.Lock()
        self._results: OrderedDict[Hashable, Any] = OrderedDict()

    async def get(self) -> OfferCatalogue:
        fingerprint = await _fingerprint()
        if fingerprint != self._fingerprint or self._catalogue is None:
            async with self._lock:  # one request compiles, the others wait for its result
                if fingerprint != self._fingerprint or self._catalogue is None:
                    self._catalogue = await build_catalogue()
                    self._fingerprint = fingerprint
                    self._results.clear()
        return self._catalogue

    async def remember(self, catalogue: OfferCatalogue, key: Hashable, compute: Callable[[], Awaitable[Any]]) -> Any:
        """`compute()` for `key` against `catalogue`, reused until the catalogue changes. The key
        must name everything else the result depends on (e.g. the rows' updated_at, the date)."""
        full_key = (id(catalogue), key)
        if catalogue is self._catalogue and full_key in self._results:
            self._results.move_to_end(full_key)
            return self._results[full_key]
        result = await compute()
        if catalogue is self._catalogue:
            self._results[full_key] = result
            while len(self._results) > self.RESULTS_KEPT:
                self._results.popitem(last=False)
        return result


async def load_catalogue(cache: CatalogueCache | None = None) -> OfferCatalogue:
    """The compiled catalogue: from `cache` when given (the app's), else built afresh (tests, CLI)."""
    return await cache.get() if cache is not None else await build_catalogue()
