"""Organizer tools: accounts created on someone's behalf, the audit trail."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import InvalidInput
from matchmaker.services.accounts import organizations as accounts
from matchmaker.services.accounts.overview import recent_audit
from matchmaker.web.auth import organizer_of
from matchmaker.web.i18n import N_
from matchmaker.web.forms import form_fields, redisplayable
from matchmaker.web.pages import redirect, render, settings_of
from matchmaker.web.views.accounts.account import KIND_LABELS, REGISTRABLE_KINDS, _draft


def _form(request: Request, values: dict, problems: dict, status_code: int = 200) -> Response:
    return render(request, "accounts/register.html", {
        "values": values, "problems": problems, "kinds": REGISTRABLE_KINDS, "kind_labels": KIND_LABELS,
        "action": "/organizer/accounts", "heading": N_("代为开户"), "submit_label": N_("创建账户"),
    }, status_code=status_code)


async def new_account_form(request: Request) -> Response:
    await organizer_of(request)
    return _form(request, {"kind": "enterprise"}, {})


async def create_account(request: Request) -> Response:
    viewer = await organizer_of(request)
    values = await form_fields(request)
    try:
        user = await accounts.create_account_for(viewer.user, _draft(values),
                                                 password_min_length=settings_of(request).security_password_min_length)
    except InvalidInput as error:
        return _form(request, redisplayable(values), error.problems, status_code=400)
    return redirect(f"/organizer/audit?created={user.email}")


async def audit_trail(request: Request) -> Response:
    await organizer_of(request)
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    action = request.query_params.get("action", "")
    rows, has_more = await recent_audit(page=page, action=action)
    return render(request, "accounts/audit.html", {"rows": rows, "page": page, "has_more": has_more,
                                                    "action": action,
                                                    "created": request.query_params.get("created", "")})
