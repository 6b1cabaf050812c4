"""Pages anyone can see: the home page, language choice, health and readiness; /metrics."""

from __future__ import annotations

import asyncio
import hmac

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from matchmaker.db import readiness_problems
from matchmaker.services.scheduling import workers
from matchmaker.services.mailing.outbox import mail_by_state
from matchmaker.services.scheduling.run_counts import runs_by_kind_and_state
from matchmaker.web import metrics
from matchmaker.web.ratelimit import is_shared

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


async def ready(request: Request) -> Response:
    """For load balancers and systemd: 200 when this process can serve (database reachable,
    every committed migration applied, Redis answering when it holds the rate limits, and, when the
    jobs are left to a worker process, a worker seen in the last minute), else 503 with the reasons. /healthz only says the process is up."""
    problems = await readiness_problems()
    settings = settings_of(request)
    if is_shared(settings.security_rate_limit_storage):
        try:
            answered = await asyncio.wait_for(request.app.state.rate_limit_storage.check(), timeout=2)
        except Exception:  # timeout or connection refused: the same to a load balancer
            answered = False
        if not answered:
            problems.append("rate-limit storage unreachable (redis)")
    if not settings.jobs_run_in_web and not problems and await workers.last_seen() is None:
        # The web processes leave solver runs, mail and the periodic jobs to a worker process.
        problems.append("no worker seen in the last minute (python -m matchmaker worker)")
    if problems:
        return JSONResponse({"status": "unavailable", "problems": problems}, status_code=503,
                            headers={"cache-control": "no-store"})
    return JSONResponse({"status": "ready"}, headers={"cache-control": "no-store"})


LOOPBACK = {"127.0.0.1", "::1", "localhost"}


async def prometheus_metrics(request: Request) -> Response:
    """Prometheus text format. With `[server] metrics_token`: that Bearer token only; without:
    loopback clients only (the scraper on the host itself)."""
    token = settings_of(request).server_metrics_token
    if token:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return PlainTextResponse("需要 metrics 令牌 (Bearer token required)\n", status_code=401,
                                     headers={"www-authenticate": "Bearer"})
    elif request.client is None or request.client.host not in LOOPBACK:
        return PlainTextResponse("仅限本机访问 (loopback only)\n", status_code=403)
    body = metrics.exposition(await mail_by_state(), await runs_by_kind_and_state())
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8",
                    headers={"cache-control": "no-store"})
