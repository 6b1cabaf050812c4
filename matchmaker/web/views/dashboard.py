"""The signed-in home: one dashboard per audience."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.services.matching import notices_for
from matchmaker.services.overview import platform_counts
from matchmaker.web.auth import viewer_of
from matchmaker.web.pages import render
from matchmaker.web.views.accounts import KIND_LABELS


async def dashboard(request: Request) -> Response:
    viewer = await viewer_of(request)
    context = {"viewer": viewer, "kind_labels": KIND_LABELS, "welcome": request.query_params.get("welcome") == "1"}
    if viewer.audience == "organizer":
        context["counts"] = await platform_counts()
    if viewer.audience in ("enterprise", "institution"):
        context["notices"] = await notices_for(viewer.organization)
    return render(request, f"dashboard/{viewer.audience}.html", context)
