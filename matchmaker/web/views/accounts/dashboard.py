"""The signed-in home: one dashboard per audience."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.services.mailing.notifications import inbox, notice_text
from matchmaker.web import i18n
from matchmaker.services.accounts import next_actions
from matchmaker.services.accounts.overview import platform_counts
from matchmaker.services.outcomes.pipeline import institution_counts
from matchmaker.web.auth import viewer_of
from matchmaker.web.pages import redirect, render
from matchmaker.web.views.accounts.account import KIND_LABELS
from matchmaker.web.views.events.setup import PHASE_LABELS
from matchmaker.web.views.matching.terms import catalogue_cache, matching_date

LATEST_NOTIFICATIONS = 10  # the rest are one click away on /inbox


async def dashboard(request: Request) -> Response:
    viewer = await viewer_of(request, staff_ok=True)
    if viewer.is_staff:  # event staff have one page: the check-in desks of their organizer's events
        return redirect("/organizer/checkin")
    context = {"viewer": viewer, "kind_labels": KIND_LABELS, "welcome": request.query_params.get("welcome") == "1"}
    if viewer.audience == "organizer":
        context["counts"] = await platform_counts()
        context["event_states"] = await next_actions.organizer_event_states(viewer.organization)
        context["phase_labels"] = PHASE_LABELS
    if viewer.audience == "institution":
        context["lead_counts"] = await institution_counts(viewer.organization)
        context["actions"] = await next_actions.institution_actions(viewer.organization)
    if viewer.audience == "enterprise":
        context["actions"] = await next_actions.enterprise_actions(viewer.organization, as_of=matching_date(),
                                                                   cache=catalogue_cache(request))
    if viewer.audience in ("enterprise", "institution"):
        context["notices"] = await inbox(viewer.organization, limit=LATEST_NOTIFICATIONS)
        context["notice_text"] = lambda notice: notice_text(notice, i18n.gettext)  # in the reader's language
    return render(request, f"accounts/dashboard/{viewer.audience}.html", context)
