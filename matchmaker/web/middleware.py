"""Pure ASGI middleware: request context (id, client IP, user, language) and security headers."""

from __future__ import annotations

import uuid
from datetime import timedelta
from http.cookies import SimpleCookie

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matchmaker.config import Settings
from matchmaker.services.audit import RequestOrigin, current_origin
from matchmaker.services.accounts.sessions import resume_session
from matchmaker.web import i18n

SESSION_COOKIE = "mm_session"
LANGUAGE_COOKIE = "mm_lang"

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
}


def read_cookie(scope: Scope, name: str) -> str:
    raw = Headers(scope=scope).get("cookie")
    if not raw:
        return ""
    cookie = SimpleCookie()
    try:
        cookie.load(raw)
    except Exception:  # a malformed Cookie header is the client's problem, not a 500
        return ""
    morsel = cookie.get(name)
    return morsel.value if morsel else ""


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if self.https:
                    headers.setdefault("strict-transport-security", "max-age=31536000")
                if message["status"] == 413 and headers.get("content-type", "").startswith("text/plain"):
                    headers["content-type"] = "text/plain; charset=utf-8"
                    headers["content-length"] = str(len(TOO_LARGE_BODY))
                    scope["matchmaker.too_large"] = True
            elif message["type"] == "http.response.body" and scope.get("matchmaker.too_large"):
                message = {**message, "body": TOO_LARGE_BODY}
            await send(message)

        await self.app(scope, receive, send_with_headers)


#: Starlette's body limit answers 'Content Too Large' in plain text; users read Chinese first.
TOO_LARGE_BODY = "提交的内容过大，请缩小文件或分批提交 (request body too large)".encode()


class RequestContextMiddleware:
    """Give every request an id, its client IP, the signed-in user (server-side session) and a
    language, and expose IP and id to services for the audit trail."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.idle = timedelta(minutes=settings.security_session_idle_minutes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        request_id = str(uuid.uuid4())
        client_ip = self._client_ip(scope)
        session_key = read_cookie(scope, SESSION_COOKIE)
        user = await resume_session(session_key, idle=self.idle)
        state.update(request_id=request_id, client_ip=client_ip, user=user, session_key=session_key if user else "",
                     session_expired=bool(session_key) and user is None)
        language = i18n.pick_language(
            [user.language if user else None, read_cookie(scope, LANGUAGE_COOKIE),
             i18n.from_accept_language(Headers(scope=scope).get("accept-language", ""))],
            self.settings.i18n_languages, self.settings.i18n_default_language,
        )
        state["language"] = language
        origin_token = current_origin.set(RequestOrigin(ip=client_ip, request_id=request_id))
        language_token = i18n.current_language.set(language)

        authenticated = user is not None or bool(Headers(scope=scope).get("authorization"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("x-request-id", request_id)
                if authenticated:  # private pages and exports stay out of every cache
                    headers["cache-control"] = "no-store"
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            current_origin.reset(origin_token)
            i18n.current_language.reset(language_token)

    def _client_ip(self, scope: Scope) -> str:
        peer = (scope.get("client") or ("", 0))[0]
        if peer in self.settings.server_trusted_proxies:
            forwarded = Headers(scope=scope).get("x-forwarded-for", "")
            if forwarded:
                return forwarded.split(",")[-1].strip()
        return peer


class BodyLimitByPathMiddleware:
    """The request body limit, larger on the few upload routes that need it.

    Starlette's per-route `max_body_size` can only take effect after the CSRF middleware has read
    the start of the body, by which time the app-wide limit would already have refused a large
    upload (it checks Content-Length at the first read). So the app-wide limit itself looks up
    the route's limit by path: `larger` maps a compiled path pattern to its limit.
    """

    def __init__(self, app: ASGIApp, *, max_body_size: int, larger: dict) -> None:
        from starlette.middleware.body_limit import RequestBodyLimitMiddleware

        self.default = RequestBodyLimitMiddleware(app, max_body_size=max_body_size)
        self.larger = [(pattern, RequestBodyLimitMiddleware(app, max_body_size=limit))
                       for pattern, limit in larger.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for pattern, limited in self.larger:
                if pattern.fullmatch(scope["path"]):
                    await limited(scope, receive, send)
                    return
        await self.default(scope, receive, send)


#: Form fields that hold one line (names and titles go into mail headers and file names).
SINGLE_LINE_FIELDS = frozenset({"name", "organization_name", "admin_name", "licence_name", "email", "title",
                                "contact_name", "institution_name"})
#: Never checked (nor echoed): a password may hold any character.
SECRET_FIELDS = frozenset({"password", "current_password", "new_password", "csrftoken"})


class TextInputMiddleware:
    """Every urlencoded form passes the one text sanitiser (matchmaker/text.py)
    before any view reads it: a control character anywhere, or a line break in a one-line field,
    answers 400 naming the field, and nothing is written. (Multipart forms carry files; their
    text fields are checked by the service that takes them.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        content_type = Headers(scope=scope).get("content-type", "") if scope["type"] == "http" else ""
        # JSON bodies go to the API, whose every text passes the column parser (the same sanitiser),
        # which names the column in its message.
        kind = "form" if content_type.startswith("application/x-www-form-urlencoded") else ""
        if not kind or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        body = b""
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        problems = _text_problems(kind, body)
        if problems:
            from starlette.responses import HTMLResponse

            from html import escape

            items = "".join(f"<li>{escape(field)}：{escape(message)}</li>" for field, message in problems.items())
            response = HTMLResponse(
                "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
                "<meta name='viewport' content='width=device-width, initial-scale=1'>"
                "<link rel='stylesheet' href='/static/css/app.css'><title>提交的内容有误</title></head>"
                "<body><main class='container narrow'><h1>提交的内容有误，请返回修改</h1>"
                f"<ul>{items}</ul><p><a href='/'>返回首页 Home</a></p></main></body></html>",
                status_code=400)
            await response(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


def _text_problems(kind: str, body: bytes) -> dict[str, str]:
    from urllib.parse import parse_qsl

    from matchmaker.text import text_problems

    if kind == "form":  # the only kind checked here
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return {"": "提交的内容不是有效的 UTF-8 文本"}
        values: dict[str, object] = {}
        for key, value in pairs:
            if key not in SECRET_FIELDS:
                values.setdefault(key, []).append(value)  # type: ignore[union-attr]
        problems = text_problems({k: v[0] if len(v) == 1 else v for k, v in values.items()},  # type: ignore[index]
                                 single_line=SINGLE_LINE_FIELDS)
        return {key.split("[")[0]: message for key, message in problems.items()}
    return {}
