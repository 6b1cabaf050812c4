"""The institution's product pages: list, create, edit, publish, archive."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import InvalidInput
from matchmaker.services import matching
from matchmaker.services.registry import products
from matchmaker.web.auth import institution_of
from matchmaker.web.forms import form_fields
from matchmaker.web.pages import redirect, render, settings_of
from matchmaker.web.views.matching.terms import catalogue_cache, innovation_weights, matching_date
from matchmaker.web.views.registry.offer_forms import amount_form_values, editor_context, read_offer_form

LIST_COLUMNS = ("regions", "industry_chains", "policy_instruments")


async def _draft(request: Request) -> tuple[products.ProductDraft, dict[str, str]]:
    """The product draft from the form, and the form's values to show again after an error."""
    values, criteria, amount_rule, problems = await read_offer_form(request, LIST_COLUMNS)
    return products.ProductDraft(raw=values, criteria=criteria, amount_rule=amount_rule, problems=problems), values


async def _form(request: Request, viewer, *, product=None, values: dict, problems: dict,
                status_code: int = 200) -> Response:
    chains = settings_of(request).registry_industry_chains
    return render(request, "registry/products/product_form.html", {
        "viewer": viewer, "product": product, "columns": products.product_columns(chains), "values": values,
        "problems": problems, **await editor_context(),
    }, status_code=status_code)


def _form_values(product) -> dict[str, str]:
    chains = ()
    values = {col.key: str(col.show(getattr(product, col.key))) for col in products.product_columns(chains)}
    values["kind"] = products.KINDS[product.kind]
    values["criteria"] = json.dumps(product.criteria, ensure_ascii=False) if product.criteria else ""
    values.update(amount_form_values(product.amount_rule))
    return values


async def _unmatched(request: Request, viewer, product_id: int) -> str:
    """"&unmatched=N" (N registered needs, none of which fits) for the list's warning, else ""."""
    fitting, registered = await matching.fitting_need_count(
        viewer.organization, product_id, as_of=matching_date(), cache=catalogue_cache(request),
        innovation_weights=innovation_weights(request))
    return f"&unmatched={registered}" if registered and not fitting else ""


async def product_list(request: Request) -> Response:
    viewer = await institution_of(request)
    items = await products.products_of(viewer.organization)
    unmatched = None
    wanted = request.query_params.get("id", "")
    if request.query_params.get("unmatched", "").isdigit() and wanted.isdigit():
        unmatched = next((p for p in items if p.id == int(wanted)), None)  # only the viewer's own product
    return render(request, "registry/products/products.html", {
        "viewer": viewer, "products": items, "kinds": products.KINDS,
        "status_labels": products.STATUS_LABELS, "notice": request.query_params.get("notice", ""),
        "unmatched": unmatched, "registered_needs": request.query_params.get("unmatched", ""),
    })


async def new_product_form(request: Request) -> Response:
    viewer = await institution_of(request)
    return await _form(request, viewer, values={"amount_mode": "fixed"}, problems={})


async def create_product(request: Request) -> Response:
    viewer = await institution_of(request)
    draft, values = await _draft(request)
    try:
        product = await products.create_product(viewer.organization, draft=draft,
                                                chains=settings_of(request).registry_industry_chains, by=viewer.user)
    except InvalidInput as error:
        return await _form(request, viewer, values=values, problems=error.problems, status_code=400)
    return redirect(f"/institution/products?notice=created&id={product.id}{await _unmatched(request, viewer, product.id)}")


async def edit_product_form(request: Request) -> Response:
    viewer = await institution_of(request)
    product = await products.product_of(viewer.organization, request.path_params["product_id"])
    return await _form(request, viewer, product=product, values=_form_values(product), problems={})


async def update_product(request: Request) -> Response:
    viewer = await institution_of(request)
    product = await products.product_of(viewer.organization, request.path_params["product_id"])
    draft, values = await _draft(request)
    try:
        await products.update_product(viewer.organization, product.id, draft=draft,
                                      chains=settings_of(request).registry_industry_chains, by=viewer.user)
    except InvalidInput as error:
        return await _form(request, viewer, product=product, values=values, problems=error.problems,
                           status_code=400)
    return redirect(f"/institution/products?notice=updated&id={product.id}{await _unmatched(request, viewer, product.id)}")


async def change_status(request: Request) -> Response:
    viewer = await institution_of(request)
    values = await form_fields(request)
    await products.set_status(viewer.organization, request.path_params["product_id"],
                              status=values.get("status", ""), by=viewer.user)
    return redirect("/institution/products?notice=status")
