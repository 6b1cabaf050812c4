"""API tokens page: an admin issues a token (shown once) or revokes one."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import InvalidInput
from matchmaker.services.accounts import api_tokens
from matchmaker.web.auth import viewer_of
from matchmaker.web.forms import form_fields
from matchmaker.web.pages import redirect, render


async def token_page(request: Request, *, token: str = "", problems: dict | None = None,
                     status_code: int = 200) -> Response:
    viewer = await viewer_of(request)
    return render(request, "accounts/api_tokens.html", {
        "viewer": viewer, "tokens": await api_tokens.tokens_of(viewer.organization), "token": token,
        "problems": problems or {}, "values": {}}, status_code=status_code)


async def issue(request: Request) -> Response:
    viewer = await viewer_of(request)
    values = await form_fields(request)
    try:
        token = await api_tokens.issue_token(viewer.organization, name=values.get("name", ""), by=viewer.user)
    except InvalidInput as error:
        return await token_page(request, problems=error.problems, status_code=400)
    return await token_page(request, token=token)


async def revoke(request: Request) -> Response:
    viewer = await viewer_of(request)
    await api_tokens.revoke_token(viewer.organization, request.path_params["token_id"], by=viewer.user)
    return redirect("/account/api-tokens")
