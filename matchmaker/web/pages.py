"""Rendering helpers shared by views."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from matchmaker.config import Settings


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def render(request: Request, name: str, context: dict | None = None, *, status_code: int = 200,
           headers: dict[str, str] | None = None) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context or {}, status_code=status_code,
                                                        headers=headers)


def redirect(path: str) -> RedirectResponse:
    """After a successful POST: see-other, so that reloading does not submit twice."""
    return RedirectResponse(path, status_code=303)
