"""Pages anyone can see: the home page, language choice, health."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from matchmaker.services.accounts.organizations import set_language
from matchmaker.web.auth import safe_next
from matchmaker.web.forms import form_fields
from matchmaker.web.middleware import LANGUAGE_COOKIE
from matchmaker.web.pages import redirect, render, settings_of


async def home(request: Request) -> Response:
    return render(request, "accounts/home.html")


async def choose_language(request: Request) -> Response:
    fields = await form_fields(request)
    language = fields.get("language", "")
    settings = settings_of(request)
    if language not in settings.i18n_languages:
        return render(request, "errors/message.html",
                      {"title": "不支持的语言 (unsupported language)",
                       "message": f"不支持的语言代码“{language}”，可选：{'、'.join(settings.i18n_languages)}"},
                      status_code=400)
    if request.state.user is not None:
        await set_language(request.state.user, language)
    response = redirect(safe_next(fields.get("next")))
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, samesite="lax",
                        secure=settings.server_https, httponly=True)
    return response


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})
