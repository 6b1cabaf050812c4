"""The public product library (产品库): filters, and a detail page saying who qualifies."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.services.accounts import organizations
from matchmaker.services.registry import products
from matchmaker.services.registry.columns import MONEY, Column
from matchmaker.services.registry.custom_fields import criteria_fields
from matchmaker.services.registry.offers import describe_amount, describe_criteria
from matchmaker.web.auth import viewer_of
from matchmaker.web.pages import render

_AMOUNT = Column("amount", "额度", MONEY)
#: Cards per page: a phone scrolls through 20 comfortably, and the page stays fast with 1,000 products.
PER_PAGE = 20


async def _viewer_or_none(request: Request):
    return await viewer_of(request) if request.state.user is not None else None


def _filters(request: Request) -> tuple[products.LibraryFilter, dict[str, str], dict[str, str]]:
    query = request.query_params
    shown = {key: query.get(key, "").strip() for key in ("kind", "institution", "amount", "region")}
    problems: dict[str, str] = {}
    amount = None
    if shown["amount"]:
        try:
            amount = _AMOUNT.parse(shown["amount"])
        except ValueError as error:
            problems["amount"] = f"额度（万元）：{error}"
    institution = int(shown["institution"]) if shown["institution"].isdigit() else None
    kind = shown["kind"] if shown["kind"] in products.KINDS else ""
    return products.LibraryFilter(kind=kind, institution_id=institution, amount=amount,
                                  region=shown["region"]), shown, problems


async def library(request: Request) -> Response:
    filters, shown, problems = _filters(request)
    page = max(1, int(request.query_params["page"])) if request.query_params.get("page", "").isdigit() else 1
    rows, total = await products.library(filters, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    fields = await criteria_fields()
    institutions = await organizations.institutions()
    return render(request, "registry/catalog/library.html", {
        "viewer": await _viewer_or_none(request), "rows": rows, "values": shown, "problems": problems,
        "kinds": products.KINDS, "institutions": institutions, "total": total, "page": page,
        "has_more": page * PER_PAGE < total, "query": urlencode({k: v for k, v in shown.items() if v}),
        "amount_lines": {p.id: describe_amount(p.amount_rule, fields) for p in rows},
    }, status_code=400 if problems else 200)


async def product_detail(request: Request) -> Response:
    product = await products.published_product(request.path_params["product_id"])
    fields = await criteria_fields()
    return render(request, "registry/catalog/detail.html", {
        "viewer": await _viewer_or_none(request), "product": product, "kinds": products.KINDS,
        "criteria_text": describe_criteria(product.criteria, fields),
        "amount_lines": describe_amount(product.amount_rule, fields),
    })
