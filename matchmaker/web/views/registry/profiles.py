"""The enterprise's own pages: its profile (with history and consent) and, for institutions and
the organizer, the consented view of an enterprise's profile."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import InvalidInput
from matchmaker.models import OrganizationKind
from matchmaker.services.accounts import organizations
from matchmaker.services.accounts import consent
from matchmaker.services.registry import profiles, provenance
from matchmaker.services.registry.custom_fields import custom_fields
from matchmaker.services.registry.industries import industry_classes, industry_label
from matchmaker.web.auth import enterprise_of, institution_or_organizer_of
from matchmaker.web.forms import form_fields
from matchmaker.web.pages import redirect, render, settings_of


def _profile_settings(request: Request) -> profiles.ProfileSettings:
    return profiles.ProfileSettings(industry_chains=settings_of(request).registry_industry_chains)


async def _profile_page(request: Request, viewer, *, values: dict, problems: dict, status_code: int = 200,
                        notice: str = "") -> Response:
    declared = await custom_fields()
    chains = settings_of(request).registry_industry_chains
    columns = {col.key: col for col in profiles.profile_columns(chains, declared)}
    sections = {title: [columns[col.key] for col in section] for title, section in profiles.SECTIONS.items()}
    sections["资质认定"] = [columns[col.key] for col in profiles.QUALIFICATION_COLUMNS]
    if declared:
        sections["地方特色指标"] = [columns[f"custom.{field.key}"] for field in declared]
    institutions = await organizations.institutions()
    sources = await provenance.sources_of(await profiles.profile_of(viewer.organization))
    return render(request, "registry/enterprise/profile.html", {
        "viewer": viewer, "sections": sections, "values": values, "problems": problems, "notice": notice,
        "sources": sources,
        "industries": industry_classes(), "revisions": await profiles.revisions_of(viewer.organization),
        "consents": await consent.consents_of(viewer.organization), "institutions": institutions,
        "scope_labels": consent.SCOPE_LABELS, "audience_labels": consent.AUDIENCE_LABELS,
    }, status_code=status_code)


async def profile_form(request: Request) -> Response:
    viewer = await enterprise_of(request)
    profile = await profiles.profile_of(viewer.organization)
    values = profiles.form_values(profile, await custom_fields())
    return await _profile_page(request, viewer, values=values, problems={},
                               notice=request.query_params.get("notice", ""))


async def save_profile(request: Request) -> Response:
    viewer = await enterprise_of(request)
    values = await form_fields(request)
    values["industry_chains"] = "、".join((await request.form()).getlist("industry_chains"))
    try:
        await profiles.save_profile(viewer.organization, raw=values, settings=_profile_settings(request),
                                    by=viewer.user)
    except InvalidInput as error:
        return await _profile_page(request, viewer, values=values, problems=error.problems, status_code=400)
    return redirect("/profile?notice=saved")


async def grant_consent(request: Request) -> Response:
    viewer = await enterprise_of(request)
    values = await form_fields(request)
    draft = consent.ConsentDraft(scope=values.get("scope", ""), audience=values.get("audience", ""),
                                 institution_id=values.get("institution_id", ""), event_id=values.get("event_id", ""))
    try:
        await consent.grant_consent(viewer.organization, draft=draft, by=viewer.user)
    except InvalidInput as error:
        profile = await profiles.profile_of(viewer.organization)
        return await _profile_page(request, viewer, values=profiles.form_values(profile, await custom_fields()),
                                   problems={f"consent_{k}": v for k, v in error.problems.items()}, status_code=400)
    return redirect("/profile?notice=consent#consent")


async def revoke_consent(request: Request) -> Response:
    viewer = await enterprise_of(request)
    await consent.revoke_consent(viewer.organization, request.path_params["grant_id"], by=viewer.user)
    return redirect("/profile?notice=revoked#consent")


async def enterprise_list(request: Request) -> Response:
    """Institutions and the organizer browse the enterprise library (public part of each profile)."""
    viewer = await institution_or_organizer_of(request)
    chains = settings_of(request).registry_industry_chains
    listing = await profiles.enterprise_listing(chain=request.query_params.get("chain", ""),
                                                page=request.query_params.get("page", 1), chains=chains)
    return render(request, "registry/enterprise/list.html", {
        "viewer": viewer, "listing": listing, "chains": {name: name for name in chains},
        "industry_label": industry_label,
    })


async def enterprise_detail(request: Request) -> Response:
    viewer = await institution_or_organizer_of(request)
    view = await consent.view_profile(request.path_params["enterprise_id"], viewer=viewer.organization,
                                      by=viewer.user)
    declared = await custom_fields()
    rows = []
    if view.profile is not None:
        sources = await provenance.sources_of(view.profile)
        values = profiles.flat_values(view.profile, declared)
        columns = profiles.profile_columns((), declared)
        for col in columns:
            hidden = view.visibility.hides(col.key)
            shown = col.show(values.get(col.key))
            if col.key == "industry_code" and shown:
                shown = industry_label(shown)
            rows.append({"header": col.header, "value": shown, "hidden": hidden,
                         "source": None if hidden else sources.get(col.key)})
    return render(request, "registry/enterprise/detail.html", {"viewer": viewer, "view": view, "rows": rows,
                                                      "kind": OrganizationKind})
