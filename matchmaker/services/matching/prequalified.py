"""预授信: the members of the organizer's lists (名单) that fit one of an institution's products.

A list's members and their names are public list content; whether a member fits is judged on
its platform profile, so only members registered on the platform are judged. What the
institution reads follows the enterprise's consent like the open needs do
(services/matching/institution.py): the verdict is redacted and no figure is shown without the
financials grant; a draft product lists only the members that granted it. Members are listed in
USCC order (never by a score that could tell a withheld figure), paged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from matchmaker import matching
from matchmaker.models import EnterpriseProfile, ListMember, Organization, OrganizationKind, Product, PublicationStatus
from matchmaker.services.accounts.consent import visibility_for
from matchmaker.services.matching.catalogue import CatalogueCache, load_catalogue
from matchmaker.services.matching.inputs import enterprise_input, product_input
from matchmaker.services.matching.institution import Financials
from matchmaker.services.matching.redaction import redact_financials
from matchmaker.services.registry.lists import all_lists, memberships, valid_on
from matchmaker.services.tenancy import get_scoped

PAGE_SIZE = 30


@dataclass(frozen=True)
class ListedFit:
    uscc: str
    name: str
    lists: tuple[str, ...]  # names of the valid lists it is on
    verdict: matching.Verdict
    financials: Financials | None  # None without the enterprise's consent


@dataclass(frozen=True)
class PrequalifiedPage:
    product: Product
    fits: list[ListedFit]
    total: int
    page: int
    pages: int
    members: int          # distinct members of the valid lists considered
    unregistered: int     # of them, not registered on the platform (not judged)
    list_choices: list[tuple[int, str]]
    list_id: int | None


async def prequalified_members(institution_org: Organization, product_id: object, *, as_of: date,
                               list_id: int | None = None, page: int = 1,
                               cache: CatalogueCache | None = None) -> PrequalifiedPage:
    """Members of the lists valid on `as_of` (or of one of them) that fit the product.
    Another institution's product answers NotFound."""
    product = await get_scoped(Product, institution_org, product_id)
    catalogue = await load_catalogue(cache)
    published = {offer.id: offer for offer in catalogue.products}
    offer = published.get(str(product.pk)) or catalogue.compile(product_input(product, institution_org.name))
    valid = [row for row in await all_lists() if valid_on(row, as_of)]
    choices = [(row.pk, row.name) for row in valid]
    chosen = [row for row in valid if list_id is None or row.pk == list_id]
    names = {row.pk: row.name for row in chosen}
    member_names: dict[str, str] = {}
    on_lists: dict[str, list[str]] = {}
    if chosen:
        for list_pk, code, name in await ListMember.filter(registry_list_id__in=list(names)).order_by(
                "uscc").values_list("registry_list_id", "uscc", "name"):
            member_names.setdefault(code, name)
            on_lists.setdefault(code, []).append(names[list_pk])
    organizations = {o.uscc: o for o in await Organization.filter(kind=OrganizationKind.ENTERPRISE,
                                                                  uscc__in=list(member_names))} if member_names else {}
    codes = sorted(organizations)
    fits: list[ListedFit] = []
    if codes:
        profiles = {p.organization_id: p for p in await EnterpriseProfile.filter(
            organization_id__in=[o.pk for o in organizations.values()])}
        held = await memberships(codes)
        enterprises = [enterprise_input(profiles.get(organizations[c].pk), organizations[c], lists=held.get(c))
                       for c in codes]
        matrix = matching.MatchIndex(enterprises, as_of).evaluate([offer])
        rows = np.flatnonzero(matrix.eligible[0]).tolist()
        visible = await visibility_for(institution_org, [organizations[codes[r]].pk for r in rows])
        if product.status != PublicationStatus.PUBLISHED:
            rows = [r for r in rows if visible[organizations[codes[r]].pk].financials]
        for r in rows:
            code = codes[r]
            org = organizations[code]
            may = visible[org.pk]
            profile = profiles.get(org.pk)
            verdict = matrix.verdict(0, r)
            fits.append(ListedFit(
                uscc=code, name=member_names[code] or org.name, lists=tuple(on_lists[code]),
                verdict=verdict if may.financials else redact_financials(verdict, offer),
                financials=Financials(profile.revenue, profile.total_assets, profile.existing_debt, profile.valuation)
                if may.financials and profile else None))
    pages = max(1, -(-len(fits) // PAGE_SIZE))
    page = min(max(1, page), pages)
    return PrequalifiedPage(product, fits[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], len(fits), page, pages,
                            len(member_names), len(member_names) - len(organizations), choices,
                            list_id if list_id in names else None)
