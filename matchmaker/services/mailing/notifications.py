"""The in-app inbox. `notify` is the one door every event message goes through, so that the mail
issue can make it also queue an e-mail without touching the callers.

A notice is stored as a message code with its arguments (`Notification.message`) besides its
Chinese text: `notice_text` renders it in the reader's language when the inbox is shown, from the
Chinese template below through the app's catalog (messages.po holds the English). Arguments are
data (names, titles) except those in `TERMS`, which are translated too (a lead's stage).
Rows written before codes were stored have no message and show their stored text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from matchmaker.models import Event, Notification, Organization, User
from matchmaker.services.tenancy import get_scoped, scoped

#: code -> the Chinese template (a catalog msgid; %(name)s placeholders)
NOTICES: Mapping[str, str] = {
    "schedule.published": "“%(event)s”的洽谈日程第 %(number)s 版已发布：您共有 %(held)s 场洽谈",
    "schedule.published.none": "“%(event)s”的洽谈日程第 %(number)s 版已发布：您暂无洽谈安排",
    "need.claimed": "%(institution)s 以「%(product)s」认领了您的融资需求「%(need)s」，请在 %(deadline)s 前回复",
    "need.claim.accepted": "%(enterprise)s 接受了「%(product)s」对需求「%(need)s」的认领",
    "need.claim.declined": "%(enterprise)s 婉拒了「%(product)s」对需求「%(need)s」的认领",
    "request.received": "%(asker)s 在“%(event)s”向您发起约见",
    "request.accepted": "%(receiver)s 在“%(event)s”接受了您的约见",
    "request.declined": "%(receiver)s 在“%(event)s”婉拒了您的约见（%(reason)s）",
    "request.expired.asker": "您在“%(event)s”向 %(receiver)s 发起的约见未获答复，已过期",
    "request.expired.receiver": "%(asker)s 在“%(event)s”向您发起的约见未在截止前答复，已过期",
    "registration.approved": "您报名的“%(event)s”已通过",
    "registration.rejected": "您报名的“%(event)s”未通过（%(reason)s）",
    "pitch.selected": "您在“%(event)s”的路演申请已入选，安排在%(hall)s %(slot)s",
    "pitch.rejected": "您在“%(event)s”的路演申请未入选",
    "pitch.seat": "“%(pitch)s”路演有空位，您已从候补转为确认参加",
    "lead.recorded": "金融机构记录了融资进展“%(stage)s”，请确认或提出异议",
    "lead.reported": "企业报告了融资进展“%(stage)s”，请确认",
    "lead.confirmed": "对方确认了融资进展“%(stage)s”",
    "lead.disputed": "对方对融资进展“%(stage)s”提出异议：%(reason)s",
}
#: arguments that are words of the app's vocabulary (translated with the template), not data
TERMS = frozenset({"stage"})


def _render(code: str, args: Mapping[str, Any], translate: Callable[[str], str]) -> str:
    shown = {k: translate(v) if k in TERMS and isinstance(v, str) else v for k, v in args.items()}
    return translate(NOTICES[code]) % shown


def notice_text(notification: Notification, translate: Callable[[str], str] = lambda s: s) -> str:
    """The notice in the reader's language: `translate` is the page's gettext (identity: Chinese).
    A row without a (known) message code shows its stored text."""
    message = notification.message
    if not isinstance(message, dict) or message.get("code") not in NOTICES:
        return notification.text
    try:
        return _render(message["code"], message.get("args") or {}, translate)
    except (KeyError, TypeError, ValueError):  # a template and its stored arguments disagree
        return notification.text


async def notify(organization: Organization | int, *, kind: str, code: str, args: Mapping[str, Any], link: str = "",
                 event: Event | None = None, user: User | None = None) -> Notification:
    """Put a message in an organization's inbox: `code` (a key of NOTICES) with its `args`, and
    the Chinese text it reads as. Call it inside the caller's transaction: a message about a
    change is written exactly when the change is."""
    organization_id = organization if isinstance(organization, int) else organization.pk
    args = {k: v if isinstance(v, (int, float)) else str(v) for k, v in args.items()}
    text = _render(code, args, lambda s: s)
    return await Notification.create(organization_id=organization_id, user=user, event=event, kind=kind,
                                     text=text[:300], message={"code": code, "args": args}, link=link)


async def inbox(organization: Organization, *, limit: int = 100) -> list[Notification]:
    return await scoped(Notification, organization).order_by("-created_at", "-id").limit(limit)


async def unread_count(organization: Organization) -> int:
    return await scoped(Notification, organization).filter(read_at=None).count()


async def mark_read(organization: Organization, notification_id: object) -> Notification:
    notification = await get_scoped(Notification, organization, notification_id)
    if notification.read_at is None:
        notification.read_at = datetime.now(UTC)
        await notification.save(update_fields=["read_at"])
    return notification


async def mark_all_read(organization: Organization) -> int:
    return await scoped(Notification, organization).filter(read_at=None).update(read_at=datetime.now(UTC))
