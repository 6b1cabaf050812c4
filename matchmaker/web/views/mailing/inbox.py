"""The in-app inbox of the viewer's organization."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.services.mailing import notifications
from matchmaker.web import i18n
from matchmaker.web.auth import viewer_of
from matchmaker.web.pages import redirect, render


async def inbox(request: Request) -> Response:
    viewer = await viewer_of(request)
    return render(request, "mailing/inbox.html", {
        "viewer": viewer, "messages": await notifications.inbox(viewer.organization),
        # each notice in the reader's language (its code and arguments; older rows their stored text)
        "notice_text": lambda notice: notifications.notice_text(notice, i18n.gettext)})


async def open_message(request: Request) -> Response:
    """Mark one message read and follow its link (a POST: reading changes state)."""
    viewer = await viewer_of(request)
    message = await notifications.mark_read(viewer.organization, request.path_params["notification_id"])
    return redirect(message.link or "/inbox")


async def read_all(request: Request) -> Response:
    viewer = await viewer_of(request)
    await notifications.mark_all_read(viewer.organization)
    return redirect("/inbox")
