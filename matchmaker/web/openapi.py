"""The OpenAPI 3.1 document of /api/v1/ (served at /api/v1/openapi.json)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_ERROR = {"type": "object", "properties": {"error": {"type": "string"},
                                           "problems": {"type": "object", "additionalProperties": {"type": "string"}}}}
_KIND = {"type": "string", "enum": ["credit_loan", "ip_pledge_loan", "guaranteed_loan", "equity", "insurance",
                                    "leasing", "bond"]}
_NEED_IN = {
    "type": "object", "required": ["title", "kind", "amount", "term_months"],
    "properties": {
        "title": {"type": "string", "maxLength": 100}, "kind": _KIND,
        "amount": {"type": "integer", "minimum": 1, "description": "元"},
        "term_months": {"type": "integer", "minimum": 1, "maximum": 360},
        "purpose_category": {"type": "string"}, "purpose": {"type": "string"},
        "collateral": {"type": "array", "items": {"type": "string"}},
        "collateral_value": {"type": ["integer", "null"], "minimum": 0},
        "acceptable_rate": {"type": ["number", "null"], "minimum": 0, "maximum": 100},
        "pledged_ip_remaining_years": {"type": ["number", "null"], "minimum": 0, "maximum": 20},
        "pledged_ip_value": {"type": ["integer", "null"], "minimum": 0, "description": "元"},
        "urgency": {"type": "string", "enum": ["low", "normal", "high"]},
        "custom": {"type": "object", "description": "the organizer's need fields (custom fields with target need) "
                   "by key; money in 元; a key not declared is ignored"},
    },
}
_NEED = {"allOf": [_NEED_IN, {"type": "object", "properties": {
    "id": {"type": "integer"}, "status": {"type": "string", "enum": ["open", "in_talks", "granted", "withdrawn"]},
    "status_changed_at": {"type": ["string", "null"]}, "created_at": {"type": ["string", "null"]}}}]}
_PRODUCT_IN = {
    "type": "object", "required": ["name", "kind"],
    "properties": {
        "name": {"type": "string", "maxLength": 100}, "kind": _KIND, "description": {"type": "string"},
        "term_min_months": {"type": ["integer", "null"]}, "term_max_months": {"type": ["integer", "null"]},
        "rate_text": {"type": "string"}, "regions": {"type": "array", "items": {"type": "string"}},
        "industry_chains": {"type": "array", "items": {"type": "string"}},
        "policy_instruments": {"type": "array", "items": {"type": "string"}},
        "amount_rule": {"type": ["object", "null"], "description": "docs/formats.md: max / min / tiers / share (元)"},
        "criteria": {"type": ["object", "null"], "description": "criteria tree, docs/formats.md"},
    },
}
_PRODUCT = {"allOf": [_PRODUCT_IN, {"type": "object", "properties": {
    "id": {"type": "integer"}, "status": {"type": "string", "enum": ["draft", "published", "archived"]},
    "institution": {"type": "object"}}}]}
_POLICY_IN = {
    "type": "object", "required": ["name", "instrument"],
    "properties": {
        "name": {"type": "string", "maxLength": 100},
        "instrument": {"type": "string", "enum": ["贷款贴息", "保费补贴", "风险补偿", "担保费补贴", "股权投资", "奖励补助"]},
        "support": {"type": "string", "maxLength": 200}, "description": {"type": "string"},
        "regions": {"type": "array", "items": {"type": "string"}},
        "industry_chains": {"type": "array", "items": {"type": "string"}},
        "valid_from": {"type": ["string", "null"], "format": "date"},
        "valid_until": {"type": ["string", "null"], "format": "date"},
        "amount_rule": {"type": ["object", "null"], "description": "docs/formats.md: max / min / tiers / share (元)"},
        "criteria": {"type": ["object", "null"], "description": "criteria tree, docs/formats.md"},
    },
}
_POLICY = {"allOf": [_POLICY_IN, {"type": "object", "properties": {
    "id": {"type": "integer"}, "status": {"type": "string", "enum": ["draft", "published", "archived"]}}}]}
_CUSTOM_FIELD_EDIT = {
    "type": "object", "required": ["label"],
    "properties": {"label": {"type": "string", "maxLength": 60},
                   "options": {"type": "array", "items": {"type": "string"}, "description": "for type enum"},
                   "description": {"type": "string", "maxLength": 300}},
}
_CUSTOM_FIELD_IN = {"allOf": [_CUSTOM_FIELD_EDIT, {"type": "object", "required": ["key", "type"], "properties": {
    "key": {"type": "string", "maxLength": 40,
            "description": "fixed once created; criteria use custom.<key> (profile) or need.custom.<key> (need)"},
    "type": {"type": "string", "enum": ["number", "percent", "money", "bool", "date", "enum", "text"]},
    "target": {"type": "string", "enum": ["profile", "need"], "default": "profile",
               "description": "what the field describes; fixed once created"}}}]}
_CUSTOM_FIELD = {"allOf": [_CUSTOM_FIELD_IN, {"type": "object", "properties": {"id": {"type": "integer"}}}]}


_DATE_OR_NULL = {"type": ["string", "null"], "format": "date", "description": "YYYY-MM-DD; empty: open"}
_LIST_IN = {"type": "object", "required": ["key", "name", "kind"], "additionalProperties": False, "properties": {
    "key": {"type": "string", "maxLength": 40, "description": "fixed once created; criteria test list.<key>"},
    "name": {"type": "string", "maxLength": 100},
    "kind": {"type": "string", "enum": ["white", "key_support", "red", "black", "listing_reserve", "golden_seed",
                                        "other"]},
    "issuer": {"type": "string"}, "source_document": {"type": "string"},
    "valid_from": _DATE_OR_NULL, "valid_until": _DATE_OR_NULL,
    "priority": {"type": "boolean", "description": "scheduling and ranking priority (red and key-support lists)"}}}
_LIST = {"allOf": [_LIST_IN, {"type": "object", "properties": {
    "id": {"type": "integer"}, "field": {"type": "string", "description": "list.<key>"},
    "source_file": {"type": ["string", "null"]}, "members": {"type": "integer"}}}]}
_LIST_MEMBER = {"type": "object", "required": ["uscc"], "additionalProperties": False, "properties": {
    "uscc": {"type": "string", "description": "统一社会信用代码 (18 characters, valid check character)"},
    "name": {"type": "string"}, "note": {"type": "string"},
    "added_on": {"type": ["string", "null"], "format": "date", "description": "empty: the day of the import"}}}
_LIST_MEMBERS_IN = {"type": "object", "required": ["members"], "properties": {
    "members": {"type": "array", "items": _LIST_MEMBER, "minItems": 1, "maxItems": 10000},
    "replace": {"type": "boolean", "default": False,
                "description": "true removes the members not sent; otherwise they stay"}}}
_LIST_MEMBERS = {"type": "object", "properties": {
    "list": _LIST, "total": {"type": "integer"}, "page": {"type": "integer"}, "page_size": {"type": "integer"},
    "members": {"type": "array", "items": _LIST_MEMBER}}}
_LIST_IMPORTED = {"type": "object", "properties": {k: {"type": "integer"} for k in ("added", "updated", "removed")}}


def _conflict(op: dict[str, Any]) -> dict[str, Any]:
    op["responses"]["409"] = {"description": "still referenced", "content": {"application/json": {"schema": _ERROR}}}
    return op


def _query(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


_NEED_FILTERS = [_query("status", {"type": "string", "enum": ["open", "in_talks", "granted", "withdrawn"]}),
                 _query("kind", _KIND)]
_LIBRARY_FILTERS = [
    _query("kind", _KIND),
    _query("institution", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, "the institution's organization id"),
    _query("amount", {"type": "integer", "minimum": 0, "maximum": 10**12}, "元: products that can lend at least this"),
    _query("region", {"type": "string"}, "province/city/district, e.g. 浙江省/星河市"),
]


def _op(summary: str, schema: dict[str, Any] | None = None, *, body: dict[str, Any] | None = None,
        status: str = "200", params: tuple[str, ...] = (), query: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {status: {"description": "OK", "content": {"application/json": {"schema": schema or {}}}},
                      "400": {"description": "bad input", "content": {"application/json": {"schema": _ERROR}}},
                      "401": {"description": "not signed in", "content": {"application/json": {"schema": _ERROR}}},
                      "403": {"description": "not allowed", "content": {"application/json": {"schema": _ERROR}}},
                      "404": {"description": "not found", "content": {"application/json": {"schema": _ERROR}}}},
    }
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    parameters = [{"name": p, "in": "path", "required": True, "schema": {"type": "integer"}} for p in params]
    if parameters or query:
        op["parameters"] = [*parameters, *query]
    return op


_STAGE = {"type": "string", "enum": ["intent", "accepted", "approved", "disbursed", "declined", "withdrawn"]}
_LEAD_RECORD_IN = {
    "type": "object", "required": ["stage", "occurred_on"],
    "description": "One stage record, with the pages' rules: stages move forward, a correction names "
                   "corrects_id with a correction_reason; amounts in 元, rate in basis points.",
    "properties": {
        "stage": _STAGE, "occurred_on": {"type": "string", "format": "date"},
        "amount": {"type": "integer", "minimum": 0}, "product_id": {"type": "integer"},
        "rate_bp": {"type": "integer", "minimum": 0, "maximum": 10000}, "term_months": {"type": "integer"},
        "guarantee": {"type": "string", "enum": ["信用", "保证", "抵押", "质押", "担保公司担保", "其他"]},
        "next_step": {"type": "string", "maxLength": 200},
        "reason_category": {"type": "string", "enum": ["qualification", "amount", "collateral", "withdrawn", "other"]},
        "note": {"type": "string", "maxLength": 300},
        "amount_reason": {"type": "string", "maxLength": 200, "description": "required above ten times the need"},
        "corrects_id": {"type": "integer"}, "correction_reason": {"type": "string", "maxLength": 300}},
    "additionalProperties": False,
}
_LEAD_RECORD = {"allOf": [_LEAD_RECORD_IN, {"type": "object", "properties": {
    "id": {"type": "integer"}, "confirmation": {"type": "string", "enum": ["pending", "confirmed", "disputed"]},
    "recorded_side": {"type": "string"}, "superseded": {"type": "boolean"}, "first_loan": {"type": "boolean"}}}]}
_LEAD = {"type": "object", "properties": {
    "id": {"type": "integer"}, "enterprise": {"type": "object"}, "need": {"type": "object"},
    "stage": {"type": "string"}, "intent_amount": {"type": ["integer", "null"]},
    "approved_amount": {"type": ["integer", "null"]}, "disbursed_amount": {"type": "integer"},
    "records": {"type": "array", "items": _LEAD_RECORD}}}
_LEAD_FILTERS = [
    _query("event", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}),
    _query("stage", {"type": "string", "enum": ["contact", "intent", "accepted", "approved", "disbursed",
                                                "declined", "withdrawn"]}),
    _query("product", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}),
    _query("member", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, "leads with a record by this user"),
    _query("page", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, "50 leads a page"),
]

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "matchmaker registries API", "version": "1",
             "description": "企业画像、融资需求、产品库、政策库. Amounts in integer 元."},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                       "session": {"type": "apiKey", "in": "cookie", "name": "mm_session"}}},
    "security": [{"bearer": []}, {"session": []}],
    "paths": {
        "/api/v1/profile": {"get": _op("The enterprise's own profile", {"type": "object"}),
                            "put": _op("Replace the enterprise's profile", {"type": "object"},
                                       body={"type": "object"})},
        "/api/v1/needs": {"get": _op("The enterprise's needs", {"type": "array", "items": _NEED},
                                            query=_NEED_FILTERS),
                          "post": _op("Post a need", _NEED, body=_NEED_IN, status="201")},
        "/api/v1/needs/{need_id}": {"get": _op("One need", _NEED, params=("need_id",)),
                                    "put": _op("Replace a need", _NEED, body=_NEED_IN, params=("need_id",))},
        "/api/v1/products": {"get": _op("Published products", {"type": "array", "items": _PRODUCT},
                                             query=_LIBRARY_FILTERS)},
        "/api/v1/products/{product_id}": {"get": _op("A published product", _PRODUCT, params=("product_id",))},
        "/api/v1/my/products": {"get": _op("The institution's products", {"type": "array", "items": _PRODUCT}),
                                "post": _op("Create a product (draft)", _PRODUCT, body=_PRODUCT_IN, status="201")},
        "/api/v1/my/products/{product_id}": {"put": _op("Replace a product", _PRODUCT, body=_PRODUCT_IN,
                                                        params=("product_id",))},
        "/api/v1/policies": {"get": _op("Published policies", {"type": "array", "items": _POLICY})},
        "/api/v1/my/policies": {
            "get": _op("The organizer's policies (any status)", {"type": "array", "items": _POLICY}),
            "post": _op("Create a policy (draft)", _POLICY, body=_POLICY_IN, status="201")},
        "/api/v1/my/policies/{policy_id}": {
            "get": _op("One of the organizer's policies", _POLICY, params=("policy_id",)),
            "put": _op("Replace a policy", _POLICY, body=_POLICY_IN, params=("policy_id",))},
        "/api/v1/custom-fields": {
            "get": _op("Custom profile and need fields (everyone signed in)", {"type": "array", "items": _CUSTOM_FIELD}),
            "post": _op("Define a custom field (organizers)", _CUSTOM_FIELD, body=_CUSTOM_FIELD_IN, status="201")},
        "/api/v1/leads": {"get": _op("The institution's financing leads (对接线索), most recently moved first",
                                     {"type": "object", "properties": {"total": {"type": "integer"},
                                                                       "leads": {"type": "array", "items": _LEAD}}},
                                     query=_LEAD_FILTERS)},
        "/api/v1/leads/{lead_id}": {"get": _op("One lead with its whole history", _LEAD, params=("lead_id",))},
        "/api/v1/leads/{lead_id}/records": {
            "post": _op("Append a stage record (the enterprise is asked to confirm it)", _LEAD_RECORD,
                        body=_LEAD_RECORD_IN, status="201", params=("lead_id",))},
        "/api/v1/lists": {
            "get": _op("The organizer's lists (名单) with their member counts", {"type": "array", "items": _LIST}),
            "post": _op("Create a list (organizers)", _LIST, body=_LIST_IN, status="201")},
        "/api/v1/lists/{list_id}": {
            "get": _op("One of the organizer's lists", _LIST, params=("list_id",)),
            "put": _op("Replace a list (its key stays)", _LIST, body=_LIST_IN, params=("list_id",))},
        "/api/v1/lists/{list_id}/members": {
            "get": _op("One page of members (50), optionally searched by USCC or name", _LIST_MEMBERS,
                       params=("list_id",), query=[_query("page", {"type": "integer", "minimum": 1,
                                                                   "maximum": 100000}),
                                                   _query("q", {"type": "string", "maxLength": 60})]),
            "post": _op("Import members, all or nothing (members not sent stay unless replace)", _LIST_IMPORTED,
                        body=_LIST_MEMBERS_IN, params=("list_id",))},
        "/api/v1/custom-fields/{field_id}": {
            "put": _op("Change a custom field's label, options, description (organizers)", _CUSTOM_FIELD,
                       body=_CUSTOM_FIELD_EDIT, params=("field_id",))},
    },
}
