"""Matching pages: the enterprise's recommendations and 科创积分, the institution's fitting needs
and 抢单, the organizer's overview. Each view: who asks -> one service -> render."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.models import FinancingKind
from matchmaker.services import matching as service
from matchmaker.services.matching.prequalified import prequalified_members
from matchmaker.web.auth import enterprise_of, institution_of, organizer_of
from matchmaker.web.forms import form_fields
from matchmaker.web.i18n import N_
from matchmaker.web.pages import redirect, render, settings_of
from matchmaker.web.views.matching.terms import catalogue_cache, innovation_weights, matching_date

FINANCING_KIND_LABELS = {
    FinancingKind.CREDIT_LOAN: N_("信用贷款"),
    FinancingKind.IP_PLEDGE_LOAN: N_("知识产权质押贷款"),
    FinancingKind.GUARANTEED_LOAN: N_("担保贷款"),
    FinancingKind.EQUITY: N_("股权融资"),
    FinancingKind.INSURANCE: N_("科技保险"),
    FinancingKind.LEASING: N_("融资租赁"),
    FinancingKind.BOND: N_("债券融资"),
}


def _now() -> datetime:
    return datetime.now(UTC)


def _page(request: Request, name: str, context: dict) -> Response:
    return render(request, name, {"kind_labels": FINANCING_KIND_LABELS, **context})


# ---- enterprise -----------------------------------------------------------------------------

async def enterprise_matches(request: Request) -> Response:
    viewer = await enterprise_of(request)
    needs = await service.needs_with_match_counts(viewer.organization, as_of=matching_date(),
                                                  cache=catalogue_cache(request))
    claims = await service.claims_of_enterprise(viewer.organization, now=_now())
    return _page(request, "matching/enterprise_index.html", {"viewer": viewer, "needs": needs, "claims": claims})


async def enterprise_need_matches(request: Request) -> Response:
    viewer = await enterprise_of(request)
    result = await service.recommendations_for_need(viewer.organization, request.path_params["need_id"],
                                                    as_of=matching_date(), cache=catalogue_cache(request),
                                                    innovation_weights=innovation_weights(request))
    return _page(request, "matching/enterprise_need.html", {"viewer": viewer, "result": result})


async def enterprise_innovation(request: Request) -> Response:
    viewer = await enterprise_of(request)
    report = await service.innovation_report(viewer.organization, as_of=matching_date(),
                                             weights=innovation_weights(request))
    return _page(request, "matching/innovation.html", {"viewer": viewer, "report": report, "as_of": matching_date()})


async def enterprise_answer_claim(request: Request) -> Response:
    viewer = await enterprise_of(request)
    values = await form_fields(request)
    await service.answer_claim(viewer.organization, request.path_params["claim_id"],
                               accept=values.get("answer") == "accept", by=viewer.user, now=_now())
    return redirect("/enterprise/matches#claims")


# ---- institution ----------------------------------------------------------------------------

async def institution_matches(request: Request) -> Response:
    viewer = await institution_of(request)
    products = await service.products_with_match_counts(viewer.organization, as_of=matching_date(),
                                                        cache=catalogue_cache(request))
    return _page(request, "matching/institution_index.html", {"viewer": viewer, "products": products})


async def institution_product_matches(request: Request) -> Response:
    viewer = await institution_of(request)
    result = await service.matching_needs_for_product(viewer.organization, request.path_params["product_id"],
                                                      as_of=matching_date(), cache=catalogue_cache(request),
                                                      innovation_weights=innovation_weights(request))
    return _page(request, "matching/institution_product.html", {
        "viewer": viewer, "result": result, "claimed": request.query_params.get("claimed", ""), "now": _now()})


async def institution_product_lists(request: Request) -> Response:
    """预授信: the members of the valid lists (名单) that fit the product, as consent allows."""
    viewer = await institution_of(request)
    try:
        list_id = int(request.query_params.get("list", "")) if request.query_params.get("list") else None
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        list_id, page = None, 1
    result = await prequalified_members(viewer.organization, request.path_params["product_id"],
                                        as_of=matching_date(), list_id=list_id, page=page,
                                        cache=catalogue_cache(request))
    return _page(request, "matching/institution_lists.html", {"viewer": viewer, "result": result,
                                                               "as_of": matching_date()})


async def institution_claim(request: Request) -> Response:
    viewer = await institution_of(request)
    values = await form_fields(request)
    product_id = request.path_params["product_id"]
    claim = await service.claim_need(viewer.organization, product_id=product_id, need_id=values.get("need_id"),
                                     by=viewer.user, as_of=matching_date(), now=_now(),
                                     response_days=settings_of(request).matching_claim_response_days,
                                     cache=catalogue_cache(request))
    return redirect(f"/institution/products/{product_id}/matches?claimed={claim.need_id}#need-{claim.need_id}")


# ---- organizer ------------------------------------------------------------------------------

async def organizer_matching(request: Request) -> Response:
    viewer = await organizer_of(request)
    overview = await service.match_overview(as_of=matching_date(), cache=catalogue_cache(request))
    claims = await service.all_claims(now=_now())
    return _page(request, "matching/organizer.html", {"viewer": viewer, "overview": overview, "claims": claims})
