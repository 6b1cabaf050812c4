"""The organizer's outbox: how many messages are in each state, why some failed, resend them,
and see any message as its recipient does."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from matchmaker.mail.files import eml_filename
from matchmaker.mail.message import message_to_bytes
from matchmaker.services.mailing import outbox
from matchmaker.web.auth import organizer_of
from matchmaker.web.i18n import N_
from matchmaker.web.pages import redirect, render, settings_of

STATE_LABELS = {
    "queued": N_("排队中"),
    "sending": N_("发送中"),
    "inflight": N_("投递中"),
    "sent": N_("已发送"),
    "failed": N_("发送失败"),
    "dead": N_("多次重试后放弃"),
    "in_doubt": N_("无法确认是否送达"),
}

KIND_LABELS = {
    "agenda": N_("洽谈日程"),
    "request_received": N_("收到洽谈请求"),
    "request_answered": N_("洽谈请求已答复"),
    "request_expired": N_("洽谈请求已过期"),
    "meeting_cancelled": N_("洽谈取消"),
    "reminder": N_("会前提醒"),
}

#: The message body is the sender's HTML, shown inside the organizer's page: it gets a document
#: of its own with no scripts, no network, no same-origin rights (CSP `sandbox` without
#: allow-* tokens) and may be framed only by our own pages. Inline styles stay allowed because
#: e-mail HTML is styled inline; the rest of the site keeps its strict policy.
MESSAGE_BODY_POLICY = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                       "frame-ancestors 'self'")


def _mail_id(request: Request) -> int:
    return request.path_params["mail_id"]


def _delivery_target(request: Request) -> str:
    settings = settings_of(request)
    if settings.mail_smtp_host:
        return f"SMTP {settings.mail_smtp_host}:{settings.mail_smtp_port}"
    return str(settings.mail_dir)


async def outbox_page(request: Request) -> Response:
    viewer = await organizer_of(request)
    summary = await outbox.outbox_summary(viewer.organization)
    return render(request, "mailing/outbox.html", {
        "summary": summary, "state_labels": STATE_LABELS, "kind_labels": KIND_LABELS,
        "delivery_target": _delivery_target(request), "smtp": bool(settings_of(request).mail_smtp_host),
        "requeued": request.query_params.get("requeued", ""),
        "mails": await outbox.outbox_listing(viewer.organization, state=request.query_params.get("state", ""),
                                             page=request.query_params.get("page", 1)),
    })


async def resend_one(request: Request) -> Response:
    viewer = await organizer_of(request)
    await outbox.resend(viewer.organization, _mail_id(request), by=viewer.user)
    return redirect("/organizer/outbox?requeued=1")


async def mark_delivered(request: Request) -> Response:
    """The organizer checked with the recipient that a message in doubt arrived."""
    viewer = await organizer_of(request)
    await outbox.mark_delivered(viewer.organization, _mail_id(request), by=viewer.user)
    return redirect(f"/organizer/outbox/{_mail_id(request)}")


async def resend_failed(request: Request) -> Response:
    viewer = await organizer_of(request)
    count = await outbox.resend_all_failed(viewer.organization, by=viewer.user)
    return redirect(f"/organizer/outbox?requeued={count}")


async def message_page(request: Request) -> Response:
    viewer = await organizer_of(request)
    row = await outbox.outbox_row(viewer.organization, _mail_id(request))
    return render(request, "mailing/outbox_message.html", {
        "row": row, "state_labels": STATE_LABELS, "kind_labels": KIND_LABELS,
        "sender": settings_of(request).mail_from, "recipient": outbox.recipient_display(row),
    })


async def message_body(request: Request) -> Response:
    """The HTML body alone, for the sandboxed iframe on the message page."""
    viewer = await organizer_of(request)
    row = await outbox.outbox_row(viewer.organization, _mail_id(request))
    return HTMLResponse(row.html, headers={
        "content-security-policy": MESSAGE_BODY_POLICY,
        "x-frame-options": "SAMEORIGIN",
        "cache-control": "private, no-store",
    })


async def message_eml(request: Request) -> Response:
    """The whole message as an .eml file (what the SMTP server gets), to open in a mail client."""
    viewer = await organizer_of(request)
    row = await outbox.outbox_row(viewer.organization, _mail_id(request))
    message = outbox.outbox_message(row, sender=settings_of(request).mail_from)
    return Response(message_to_bytes(message), media_type="message/rfc822", headers={
        "content-disposition": f'attachment; filename="{eml_filename(row.message_id)}"',
        "cache-control": "private, no-store",
    })
