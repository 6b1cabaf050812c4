"""create_app(settings) -> Starlette: routes, middleware, lifespan (database, mail worker unless a
worker process does the background work: matchmaker/worker.py)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from asgi_csrf import asgi_csrf
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import Scope, Send
from tortoise.contrib.starlette import RegisterTortoise

from matchmaker.config import Settings, load_settings
from matchmaker.db import tortoise_config
from matchmaker import uploads
from matchmaker.errors import DomainError, InvalidInput
from matchmaker.services.matching import CatalogueCache
from matchmaker.services.mailing.worker import running_worker, worker_from_settings
from matchmaker.services.mailing.identity import configure as configure_mail_identity
from matchmaker.services.mailing.identity import identity_from_settings
from matchmaker.services.scheduling.solver_runs import configure as configure_solver_runs
from matchmaker.services.jobs import configure as configure_jobs
from matchmaker.web.auth import LoginRequired
from matchmaker.web.csrf_multipart import CsrfOriginCheck, MultipartCsrfHeader
from matchmaker.web.guards import checked_ids
from matchmaker.web.middleware import (SECURITY_HEADERS, BodyLimitByPathMiddleware, RequestContextMiddleware,
                                       SecurityHeadersMiddleware, TextInputMiddleware)
from matchmaker.web import metrics
from matchmaker.web.metrics import StatementScope
from matchmaker.web.observability import AccessLogMiddleware
from matchmaker.web.pages import render
from matchmaker.web.ratelimit import LoginThrottle, close_rate_limit_storage, rate_limit_storage
from matchmaker.web.routes import routes, upload_body_limits
from matchmaker.web.templating import build_templates
from matchmaker.worker import running_in_web

log = logging.getLogger("matchmaker")

ERROR_TITLES = {
    400: "请求有误 (bad request)",
    403: "没有权限 (forbidden)",
    404: "页面不存在 (not found)",
    405: "不支持的请求方式 (method not allowed)",
    413: "提交的内容过大 (too large)",
    500: "服务器出错了 (server error)",
}


#: Registrations per client address (and per email tried).
REGISTRATION_LIMIT = "10/hour"


class _ProtectEveryPath:
    """asgi-csrf skips cookie-less POSTs unless their path is 'always protected': protect all, so a
    cross-site form (which SameSite=Lax strips of cookies) cannot log a victim in either."""

    def __contains__(self, path: object) -> bool:
        return True


async def _csrf_failed(scope: Scope, send: Send, message_id: object) -> None:
    page = (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<link rel='stylesheet' href='/static/css/app.css'><title>表单已失效</title></head>"
        "<body><main class='container narrow'><h1>表单已失效，请刷新页面后重试</h1>"
        "<p>为了您的账户安全，每个表单都带有校验码；校验码缺失或不匹配时提交会被拒绝。</p>"
        "<p lang='en'>The form's security token was missing or did not match. Reload the page and try again.</p>"
        "<p><a href='/'>返回首页 Home</a></p></main></body></html>"
    )
    async def no_body() -> dict:
        return {"type": "http.disconnect"}

    await HTMLResponse(page, status_code=403)(scope, no_body, send)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    title = ERROR_TITLES.get(exc.status_code, str(exc.detail))
    return render(request, "errors/message.html", {"title": title, "message": ""},
                  status_code=exc.status_code, headers=exc.headers)


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    message = exc.message
    if isinstance(exc, InvalidInput):
        message = "；".join(exc.problems.values()) or exc.message
    return render(request, "errors/message.html",
                  {"title": ERROR_TITLES.get(exc.status_code, "出错了"), "message": message},
                  status_code=exc.status_code)


async def _login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return RedirectResponse(exc.location, status_code=303)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error (request %s)", getattr(request.state, "request_id", "?"))
    # Starlette answers an unhandled error outside every middleware: the headers are set here.
    headers = {**SECURITY_HEADERS, "cache-control": "no-store"}
    if getattr(request.state, "request_id", None):
        headers["x-request-id"] = request.state.request_id
    if request.app.state.settings.server_https:
        headers["strict-transport-security"] = "max-age=31536000"
    return HTMLResponse(
        "<!doctype html><meta charset='utf-8'><title>服务器出错了</title>"
        "<h1>服务器出错了，请稍后再试 (server error)</h1>", status_code=500, headers=headers)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            async with RegisterTortoise(app, config=tortoise_config(settings)):
                if not settings.jobs_run_in_web:  # a worker process does the background work
                    yield
                    return
                if settings.jobs_worker_in_web:  # this process is the worker too
                    async with running_in_web(settings) as worker:
                        app.state.worker = worker
                        yield
                    return
                if not settings.mail_worker_enabled:
                    yield
                    return
                async with running_worker(worker_from_settings(settings)) as worker:
                    app.state.mail_worker = worker
                    yield
        finally:
            uploads.shutdown()  # the workbook workers (matchmaker/uploads.py), started on first upload
            close_rate_limit_storage(app.state.rate_limit_storage)

    app = Starlette(
        routes=checked_ids(routes),
        middleware=[
            Middleware(SecurityHeadersMiddleware, https=settings.server_https),
            # Inside the security headers so that its 413 gets them and a Chinese body too.
            Middleware(BodyLimitByPathMiddleware, max_body_size=settings.server_max_body_bytes,
                       larger=upload_body_limits(settings)),
            Middleware(CsrfOriginCheck, on_failure=_csrf_failed),
            Middleware(MultipartCsrfHeader, on_failure=_csrf_failed),
            Middleware(asgi_csrf, signing_secret=settings.security_secret_key, cookie_secure=settings.server_https,
                       always_protect=_ProtectEveryPath(), send_csrf_failed=_csrf_failed),
            Middleware(TextInputMiddleware),
            Middleware(RequestContextMiddleware, settings=settings),
            Middleware(StatementScope),
            Middleware(AccessLogMiddleware, routes=routes, observers=[metrics.observe]),
        ],
        exception_handlers={
            HTTPException: _http_error,
            DomainError: _domain_error,
            LoginRequired: _login_required,
            Exception: _server_error,
        },
        lifespan=lifespan,
    )
    app.state.settings = settings
    metrics.count_statements()
    configure_mail_identity(identity_from_settings(settings))
    configure_solver_runs(in_process=settings.jobs_run_in_web, lease_seconds=settings.jobs_lease_seconds)
    configure_jobs(in_process=settings.jobs_run_in_web, lease_seconds=settings.jobs_lease_seconds)
    app.state.templates = build_templates()
    app.state.offer_catalogue = CatalogueCache()  # compiled products, kept between requests
    # One storage for every limit (memory://: this process only; redis://: shared by all processes).
    app.state.rate_limit_storage = rate_limit_storage(settings.security_rate_limit_storage,
                                                      settings.security_rate_limit_key_prefix)
    app.state.login_throttle = LoginThrottle(settings.security_login_limit, app.state.rate_limit_storage)
    # Registration answers whether an address is taken: limited per address (its own rule, so its
    # counts never mix with the login's in a shared storage).
    app.state.registration_throttle = LoginThrottle(REGISTRATION_LIMIT, app.state.rate_limit_storage)
    return app
