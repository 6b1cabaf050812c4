"""Rendering helpers shared by views."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from matchmaker.config import Settings
from matchmaker.web.i18n import one_language


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


#: Context keys that carry service messages ("中文 (gloss)"): shown in the page's language only.
MESSAGE_KEYS = ("title", "message", "move_error", "error")


def _in_one_language(context: dict) -> dict:
    shown = dict(context)
    for key in MESSAGE_KEYS:
        if isinstance(shown.get(key), str):
            shown[key] = one_language(shown[key])
    problems = shown.get("problems")
    if isinstance(problems, dict):
        shown["problems"] = {k: one_language(v) if isinstance(v, str) else v for k, v in problems.items()}
    return shown


def render(request: Request, name: str, context: dict | None = None, *, status_code: int = 200,
           headers: dict[str, str] | None = None) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, _in_one_language(context or {}),
                                                        status_code=status_code,
                                                        headers=headers)


def redirect(path: str) -> RedirectResponse:
    """After a successful POST: see-other, so that reloading does not submit twice."""
    return RedirectResponse(path, status_code=303)
