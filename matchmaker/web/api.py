"""JSON API /api/v1/: the registries for programs (session cookie or `Authorization: Bearer <token>`).

Every answer is JSON; errors are {"error": message, "problems": {field: message}} with the
status the web pages use (400 bad input, 401 not signed in, 403 not allowed, 404 not found or
another tenant's). JSON bodies carry money in integer 元 (docs/formats.md, registry section).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from matchmaker.errors import DomainError, InvalidInput, NotAllowed
from matchmaker.matching.model import KINDS
from matchmaker.models import CustomField, NeedStatus, Organization, Policy, Role, User
from matchmaker.services.accounts import organizations
from matchmaker.services.registry import needs, policies, products, profiles, provenance
from matchmaker.services.accounts.api_tokens import authenticate_token
from matchmaker.services.registry.custom_fields import (CustomFieldDraft, custom_fields, define_custom_field,
                                               update_custom_field)
from matchmaker.services.registry.io.registries import json_value
from matchmaker.services.registry.columns import MAX_WAN
from matchmaker.services.tenancy import MAX_ID
from matchmaker.web.auth import Viewer
from matchmaker.web.guards import json_body
from matchmaker.web.openapi import OPENAPI
from matchmaker.web.pages import settings_of


class _Unauthorized(DomainError):
    status_code = 401


async def api_viewer(request: Request) -> Viewer:
    header = request.headers.get("authorization", "")
    if header.startswith("Bearer "):
        token = await authenticate_token(header[7:].strip())
        if token is None:
            raise _Unauthorized("API 令牌无效或已撤销 (invalid token)")
        request.state.api_token_name = token.name  # profile values written with it say so
        return Viewer(user=token.created_by, organization=token.organization, role=Role.MEMBER)
    user: User | None = request.state.user
    if user is None:
        raise _Unauthorized("请登录或使用 API 令牌 (authentication required)")
    membership = await organizations.membership_of(user)
    if membership is None:
        raise _Unauthorized("请登录或使用 API 令牌 (authentication required)")
    return Viewer(user=user, organization=membership.organization, role=membership.role)


Handler = Callable[[Request, Viewer], Awaitable[Any]]


def endpoint(handler: Handler, *, status_code: int = 200) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        try:
            viewer = await api_viewer(request)
            return JSONResponse(await handler(request, viewer), status_code=status_code)
        except DomainError as error:
            problems = error.problems if isinstance(error, InvalidInput) else {}
            message = error.message or "出错了"
            return JSONResponse({"error": message, "problems": problems}, status_code=error.status_code)

    return run


async def _body(request: Request) -> dict[str, Any]:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise InvalidInput({"": "请求体应为 JSON 对象"})
    return body


def _require(viewer: Viewer, audience: str) -> Organization:
    if viewer.audience != audience:
        raise NotAllowed({"enterprise": "仅限企业", "institution": "仅限金融机构", "organizer": "仅限组织方"}[audience])
    return viewer.organization


def _product_json(product) -> dict[str, Any]:
    return {"id": product.id, "institution": {"id": product.organization_id,
                                              "name": getattr(product.organization, "name", None)},
            "name": product.name, "kind": str(product.kind), "description": product.description,
            "amount_rule": product.amount_rule, "term_min_months": product.term_min_months,
            "term_max_months": product.term_max_months, "rate_text": product.rate_text, "regions": product.regions,
            "industry_chains": product.industry_chains, "policy_instruments": product.policy_instruments,
            "criteria": product.criteria, "status": str(product.status)}


#: The largest amount (元) a JSON body may carry; a larger filter could never match anyway.
MAX_AMOUNT = int(MAX_WAN) * 10_000


class _QueryFilters:
    """Optional list filters from the query string. Empty means any; a bad value is refused with 400 rather
    than ignored, so that a typo in a client does not silently return everything. Every bad filter is
    reported at once, like the fields of a body."""

    def __init__(self, request: Request) -> None:
        self.query = request.query_params
        self.problems: dict[str, str] = {}

    def text(self, name: str) -> str:
        return self.query.get(name, "").strip()

    def choice(self, name: str, allowed: Sequence[str]) -> str:
        value = self.text(name)
        if value and value not in allowed:
            self.problems[name] = f"{name} 应为 {'、'.join(allowed)} 之一"
            return ""
        return value

    def integer(self, name: str, *, maximum: int) -> int | None:
        """The maximum keeps the value inside its database column: PostgreSQL answers an id beyond
        32 bits with an error, not with an empty result."""
        value = self.text(name)
        if not value:
            return None
        if not value.isdigit() or int(value) > maximum:
            self.problems[name] = f"{name} 应为不超过 {maximum} 的非负整数"
            return None
        return int(value)

    def checked(self) -> None:
        if self.problems:
            raise InvalidInput(self.problems)


def _product_draft(body: dict[str, Any]) -> products.ProductDraft:
    plain = {k: v for k, v in body.items() if k not in ("criteria", "amount_rule")}
    rule = body.get("amount_rule")
    if rule is not None and not isinstance(rule, dict):
        raise InvalidInput({"amount_rule": "amount_rule 应为 JSON 对象"})
    return products.ProductDraft(raw=plain, criteria=body.get("criteria"), amount_rule=rule)


async def get_profile(request: Request, viewer: Viewer) -> dict[str, Any]:
    org = _require(viewer, "enterprise")
    profile = await profiles.profile_of(org)
    values = profiles.flat_values(profile, await custom_fields())
    return {key: json_value(value) for key, value in values.items()}


async def put_profile(request: Request, viewer: Viewer) -> dict[str, Any]:
    org = _require(viewer, "enterprise")
    settings = profiles.ProfileSettings(industry_chains=settings_of(request).registry_industry_chains)
    source = provenance.Source.api(getattr(request.state, "api_token_name", ""))
    await profiles.save_profile(org, raw=await _body(request), settings=settings, by=viewer.user, json=True,
                                source=source)
    return await get_profile(request, viewer)


async def list_needs(request: Request, viewer: Viewer) -> list[dict[str, Any]]:
    org = _require(viewer, "enterprise")
    query = _QueryFilters(request)
    status, kind = query.choice("status", [str(s) for s in NeedStatus]), query.choice("kind", list(KINDS))
    query.checked()
    return [needs.json_values(n) for n in await needs.needs_of(org, status=status, kind=kind)]


async def create_need(request: Request, viewer: Viewer) -> dict[str, Any]:
    need = await needs.create_need(_require(viewer, "enterprise"), raw=await _body(request), by=viewer.user,
                                   json=True)
    return needs.json_values(need)


async def get_need(request: Request, viewer: Viewer) -> dict[str, Any]:
    return needs.json_values(await needs.need_of(_require(viewer, "enterprise"), request.path_params["need_id"]))


async def put_need(request: Request, viewer: Viewer) -> dict[str, Any]:
    need = await needs.update_need(_require(viewer, "enterprise"), request.path_params["need_id"],
                                   raw=await _body(request), by=viewer.user, json=True)
    return needs.json_values(need)


async def library(request: Request, viewer: Viewer) -> list[dict[str, Any]]:
    """The same filters as the library page; the amount is in 元 here (万元 on the page)."""
    query = _QueryFilters(request)
    filters = products.LibraryFilter(kind=query.choice("kind", list(products.KINDS)),
                                     institution_id=query.integer("institution", maximum=MAX_ID),
                                     amount=query.integer("amount", maximum=MAX_AMOUNT), region=query.text("region"))
    query.checked()
    rows, _ = await products.library(filters)
    return [_product_json(p) for p in rows]


async def published_product(request: Request, viewer: Viewer) -> dict[str, Any]:
    return _product_json(await products.published_product(request.path_params["product_id"]))


async def my_products(request: Request, viewer: Viewer) -> list[dict[str, Any]]:
    org = _require(viewer, "institution")
    return [_product_json(p) for p in await products.products_of(org)]


async def create_product(request: Request, viewer: Viewer) -> dict[str, Any]:
    org = _require(viewer, "institution")
    product = await products.create_product(org, draft=_product_draft(await _body(request)),
                                            chains=settings_of(request).registry_industry_chains, by=viewer.user,
                                            json=True)
    return _product_json(product)


async def put_product(request: Request, viewer: Viewer) -> dict[str, Any]:
    org = _require(viewer, "institution")
    product = await products.update_product(org, request.path_params["product_id"],
                                            draft=_product_draft(await _body(request)),
                                            chains=settings_of(request).registry_industry_chains, by=viewer.user,
                                            json=True)
    return _product_json(product)


def _policy_json(policy: Policy) -> dict[str, Any]:
    return {"id": policy.id, "name": policy.name, "instrument": policy.instrument, "support": policy.support,
            "description": policy.description, "regions": policy.regions,
            "industry_chains": policy.industry_chains, "criteria": policy.criteria,
            "amount_rule": policy.amount_rule, "valid_from": json_value(policy.valid_from),
            "valid_until": json_value(policy.valid_until), "status": str(policy.status)}


async def list_policies(request: Request, viewer: Viewer) -> list[dict[str, Any]]:
    return [_policy_json(p) for p in await policies.published_policies()]


async def my_policies(request: Request, viewer: Viewer) -> list[dict[str, Any]]:
    return [_policy_json(p) for p in await policies.policies_of(_require(viewer, "organizer"))]


async def create_policy(request: Request, viewer: Viewer) -> dict[str, Any]:
    org = _require(viewer, "organizer")
    policy = await policies.save_policy(org, None, draft=_product_draft(await _body(request)),
                                        chains=settings_of(request).registry_industry_chains, by=viewer.user,
                                        json=True)
    return _policy_json(policy)


async def get_policy(request: Request, viewer: Viewer) -> dict[str, Any]:
    org = _require(viewer, "organizer")
    return _policy_json(await policies.policy_of(org, request.path_params["policy_id"]))


async def put_policy(request: Request, viewer: Viewer) -> dict[str, Any]:
    org = _require(viewer, "organizer")
    policy = await policies.save_policy(org, request.path_params["policy_id"],
                                        draft=_product_draft(await _body(request)),
                                        chains=settings_of(request).registry_industry_chains, by=viewer.user,
                                        json=True)
    return _policy_json(policy)


def _custom_field_json(field: CustomField) -> dict[str, Any]:
    return {"id": field.id, "key": field.key, "label": field.label, "type": field.type, "options": field.options,
            "description": field.description, "target": field.target}


def _custom_field_draft(body: dict[str, Any], *, editing: bool = False) -> CustomFieldDraft:
    """Read the body into the form's draft: options come as a list of strings (the form's 、-separated text
    is accepted too). An edit does not read key and type: the service keeps the stored ones, because
    criteria and profile values depend on them."""
    problems: dict[str, str] = {}
    text: dict[str, str] = {"key": "", "type": "", "target": "profile"}
    for name in ("label", "description") if editing else ("key", "label", "type", "description", "target"):
        value = body.get(name, "")
        if not isinstance(value, str):
            problems[name] = f"{name} 应为字符串"
        text[name] = value if isinstance(value, str) else ""
    options = body.get("options", [])
    if isinstance(options, list) and all(isinstance(o, str) for o in options):
        options = "、".join(options)
    elif not isinstance(options, str):
        problems["options"] = "options 应为字符串数组"
        options = ""
    if problems:
        raise InvalidInput(problems)
    return CustomFieldDraft(key=text["key"], label=text["label"], type=text["type"], options=options,
                            description=text["description"], target=text["target"] or "profile")


async def list_custom_fields(request: Request, viewer: Viewer) -> list[dict[str, Any]]:
    return [_custom_field_json(f) for f in await custom_fields(None)]


async def create_custom_field(request: Request, viewer: Viewer) -> dict[str, Any]:
    org = _require(viewer, "organizer")
    field = await define_custom_field(org, draft=_custom_field_draft(await _body(request)), by=viewer.user)
    return _custom_field_json(field)


async def put_custom_field(request: Request, viewer: Viewer) -> dict[str, Any]:
    org = _require(viewer, "organizer")
    field = await update_custom_field(org, request.path_params["field_id"],
                                      draft=_custom_field_draft(await _body(request), editing=True), by=viewer.user)
    return _custom_field_json(field)


async def openapi(request: Request) -> Response:
    return JSONResponse(OPENAPI)


api_routes = [
    Route("/api/v1/openapi.json", openapi, methods=["GET"]),
    Route("/api/v1/profile", endpoint(get_profile), methods=["GET"]),
    Route("/api/v1/profile", endpoint(put_profile), methods=["PUT"]),
    Route("/api/v1/needs", endpoint(list_needs), methods=["GET"]),
    Route("/api/v1/needs", endpoint(create_need, status_code=201), methods=["POST"]),
    Route("/api/v1/needs/{need_id}", endpoint(get_need), methods=["GET"]),
    Route("/api/v1/needs/{need_id}", endpoint(put_need), methods=["PUT"]),
    Route("/api/v1/products", endpoint(library), methods=["GET"]),
    Route("/api/v1/products/{product_id}", endpoint(published_product), methods=["GET"]),
    Route("/api/v1/my/products", endpoint(my_products), methods=["GET"]),
    Route("/api/v1/my/products", endpoint(create_product, status_code=201), methods=["POST"]),
    Route("/api/v1/my/products/{product_id}", endpoint(put_product), methods=["PUT"]),
    Route("/api/v1/policies", endpoint(list_policies), methods=["GET"]),
    Route("/api/v1/my/policies", endpoint(my_policies), methods=["GET"]),
    Route("/api/v1/my/policies", endpoint(create_policy, status_code=201), methods=["POST"]),
    Route("/api/v1/my/policies/{policy_id}", endpoint(get_policy), methods=["GET"]),
    Route("/api/v1/my/policies/{policy_id}", endpoint(put_policy), methods=["PUT"]),
    Route("/api/v1/custom-fields", endpoint(list_custom_fields), methods=["GET"]),
    Route("/api/v1/custom-fields", endpoint(create_custom_field, status_code=201), methods=["POST"]),
    Route("/api/v1/custom-fields/{field_id}", endpoint(put_custom_field), methods=["PUT"]),
]
