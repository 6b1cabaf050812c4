"""The organizer's registry pages: the policy library, custom profile fields, platform rules."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import InvalidInput
from matchmaker.models import CustomField, PlatformRule
from matchmaker.services.registry import custom_fields, policies
from matchmaker.services.registry.offers import load_json_field
from matchmaker.services.tenancy import get_scoped
from matchmaker.web.auth import organizer_of
from matchmaker.web.forms import form_fields
from matchmaker.web.pages import redirect, render, settings_of
from matchmaker.web.views.registry.offer_forms import amount_form_values, editor_context, read_offer_form


async def _policy_draft(request: Request) -> tuple[policies.PolicyDraft, dict[str, str]]:
    values, criteria, rule, problems = await read_offer_form(request, ("regions", "industry_chains"))
    return policies.PolicyDraft(raw=values, criteria=criteria, amount_rule=rule, problems=problems), values


async def _policy_form(request: Request, viewer, *, policy=None, values: dict, problems: dict,
                       status_code: int = 200) -> Response:
    chains = settings_of(request).registry_industry_chains
    return render(request, "registry/organizer/policy_form.html", {
        "viewer": viewer, "policy": policy, "columns": policies.policy_columns(chains), "values": values,
        "problems": problems, **await editor_context()}, status_code=status_code)


async def policy_list(request: Request) -> Response:
    viewer = await organizer_of(request)
    return render(request, "registry/organizer/policies.html", {
        "viewer": viewer, "policies": await policies.policies_of(viewer.organization),
        "status_labels": policies.STATUS_LABELS, "notice": request.query_params.get("notice", "")})


async def new_policy_form(request: Request) -> Response:
    viewer = await organizer_of(request)
    return await _policy_form(request, viewer, values={"amount_mode": "none"}, problems={})


async def edit_policy_form(request: Request) -> Response:
    viewer = await organizer_of(request)
    policy = await policies.policy_of(viewer.organization, request.path_params["policy_id"])
    columns = policies.policy_columns(())
    values = {col.key: str(col.show(getattr(policy, col.key))) for col in columns}
    values["criteria"] = json.dumps(policy.criteria, ensure_ascii=False) if policy.criteria else ""
    values.update(amount_form_values(policy.amount_rule))
    return await _policy_form(request, viewer, policy=policy, values=values, problems={})


async def save_policy(request: Request) -> Response:
    viewer = await organizer_of(request)
    policy_id = request.path_params.get("policy_id")
    policy = await policies.policy_of(viewer.organization, policy_id) if policy_id else None
    draft, values = await _policy_draft(request)
    try:
        await policies.save_policy(viewer.organization, policy_id, draft=draft,
                                   chains=settings_of(request).registry_industry_chains, by=viewer.user)
    except InvalidInput as error:
        return await _policy_form(request, viewer, policy=policy, values=values, problems=error.problems,
                                  status_code=400)
    return redirect("/organizer/policies?notice=saved")


async def policy_status(request: Request) -> Response:
    viewer = await organizer_of(request)
    values = await form_fields(request)
    await policies.set_policy_status(viewer.organization, request.path_params["policy_id"],
                                     status=values.get("status", ""), by=viewer.user)
    return redirect("/organizer/policies?notice=status")


async def registry_settings(request: Request, *, problems: dict | None = None, values: dict | None = None,
                            status_code: int = 200) -> Response:
    viewer = await organizer_of(request)
    return render(request, "registry/organizer/registry.html", {
        "viewer": viewer, "fields": await custom_fields.custom_fields(None), "rules": await policies.platform_rules(),
        "type_labels": custom_fields.TYPE_LABELS, "targets": custom_fields.TARGETS, "problems": problems or {},
        "values": values or {}, "notice": request.query_params.get("notice", ""), **await editor_context()}, status_code=status_code)


async def define_custom_field(request: Request) -> Response:
    viewer = await organizer_of(request)
    values = await form_fields(request)
    draft = custom_fields.CustomFieldDraft(key=values.get("key", ""), label=values.get("label", ""),
                                           type=values.get("type", ""), options=values.get("options", ""),
                                           description=values.get("description", ""),
                                           target=values.get("target", "profile"))
    try:
        await custom_fields.define_custom_field(viewer.organization, draft=draft, by=viewer.user)
    except InvalidInput as error:
        return await registry_settings(request, problems=error.problems, values=values, status_code=400)
    return redirect("/organizer/registry?notice=field")


async def _custom_field_form(request: Request, viewer, *, field: CustomField, values: dict, problems: dict,
                             status_code: int = 200) -> Response:
    return render(request, "registry/organizer/custom_field.html", {
        "viewer": viewer, "field": field, "type_labels": custom_fields.TYPE_LABELS, "targets": custom_fields.TARGETS, "values": values,
        "problems": problems}, status_code=status_code)


async def edit_custom_field_form(request: Request) -> Response:
    viewer = await organizer_of(request)
    # Scoped to the organizer that declared the field: another organizer's field answers 404.
    field = await get_scoped(CustomField, viewer.organization, request.path_params["field_id"], via="created_by")
    values = {"label": field.label, "options": "、".join(field.options), "description": field.description}
    return await _custom_field_form(request, viewer, field=field, values=values, problems={})


async def update_custom_field(request: Request) -> Response:
    viewer = await organizer_of(request)
    field = await get_scoped(CustomField, viewer.organization, request.path_params["field_id"], via="created_by")
    values = await form_fields(request)
    # Key and type are not on the form: the service keeps the stored ones.
    draft = custom_fields.CustomFieldDraft(key=field.key, label=values.get("label", ""), type=field.type,
                                           options=values.get("options", ""),
                                           description=values.get("description", ""))
    try:
        await custom_fields.update_custom_field(viewer.organization, field.id, draft=draft, by=viewer.user)
    except InvalidInput as error:
        return await _custom_field_form(request, viewer, field=field, values=values, problems=error.problems,
                                        status_code=400)
    return redirect("/organizer/registry?notice=field")


async def save_platform_rule(request: Request) -> Response:
    viewer = await organizer_of(request)
    values = await form_fields(request)
    rule_id = request.path_params.get("rule_id")
    criteria, bad = load_json_field(values.get("criteria", ""), "criteria")
    try:
        await policies.save_platform_rule(viewer.organization, rule_id, raw=values, criteria=criteria, problems=bad,
                                          by=viewer.user)
    except InvalidInput as error:
        return await registry_settings(request, problems=error.problems, values=values, status_code=400)
    return redirect("/organizer/registry?notice=rule")


async def edit_platform_rule(request: Request) -> Response:
    viewer = await organizer_of(request)
    rule = await get_scoped(PlatformRule, viewer.organization, request.path_params["rule_id"], via="created_by")
    return render(request, "registry/organizer/platform_rule.html", {
        "viewer": viewer, "rule": rule, "problems": {},
        "values": {"text": rule.text, "criteria": json.dumps(rule.criteria, ensure_ascii=False),
                   "active": rule.active, "applies_to_policies": rule.applies_to_policies},
        **await editor_context()})


