"""CSRF for file uploads (multipart/form-data).

asgi-csrf 0.11 parses multipart bodies with a python-multipart API that newer python-multipart
releases removed (FormParser's FileClass), so an upload would crash it. This middleware runs just
outside asgi-csrf: for a multipart POST without an x-csrftoken header it reads the first form
part, which our templates always make the csrftoken field, copies its value into the
x-csrftoken header and replays the body. asgi-csrf then checks the header against its signed
cookie as for any other request. A token that does not equal the cookie is refused here already:
asgi-csrf would otherwise fall back to parsing the multipart body itself, and crash.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matchmaker.web.middleware import SESSION_COOKIE, read_cookie

CSRF_COOKIE = "csrftoken"  # asgi-csrf's default cookie name, as configured in app.py
#: The first part is small; reading this much is enough to see all of it.
FIRST_PART_BYTES = 16 * 1024
_BOUNDARY = re.compile(rb'boundary="?([^";]+)"?')


def first_part_token(body: bytes, boundary: bytes) -> str | None:
    """The csrftoken value if the body's first part is the csrftoken field, else None."""
    opening = b"--" + boundary + b"\r\n"
    if not body.startswith(opening):
        return None
    headers_end = body.find(b"\r\n\r\n", len(opening))
    if headers_end < 0:
        return None
    headers = body[len(opening):headers_end].lower()
    if b'name="csrftoken"' not in headers or b"filename=" in headers:
        return None
    value_end = body.find(b"\r\n--" + boundary, headers_end + 4)
    if value_end < 0:
        return None
    try:
        return body[headers_end + 4:value_end].decode("ascii")
    except UnicodeDecodeError:
        return None


class MultipartCsrfHeader:
    def __init__(self, app: ASGIApp, *, on_failure: Callable[[Scope, Send, object], Awaitable[None]]) -> None:
        self.app = app
        self.on_failure = on_failure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"")
        if (scope["type"] != "http" or scope["method"] != "POST" or b"x-csrftoken" in headers
                or not content_type.startswith(b"multipart/form-data")):
            await self.app(scope, receive, send)
            return
        match = _BOUNDARY.search(content_type)
        messages: list[Message] = []
        body = b""
        more = True
        while more and len(body) < FIRST_PART_BYTES:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            more = message.get("more_body", False)
        token = first_part_token(body, match.group(1)) if match else None
        cookie = read_cookie(scope, CSRF_COOKIE)
        if token is None or not cookie or not secrets.compare_digest(token, cookie):
            await self.on_failure(scope, send, "multipart csrftoken missing or not first")
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        scope = {**scope, "headers": [*scope["headers"], (b"x-csrftoken", token.encode("ascii"))]}
        await self.app(scope, replay, send)


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _host_of(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return "?"


class CsrfOriginCheck:
    """Runs outside asgi-csrf, on every unsafe request:

    - an Origin (or, without one, a Referer) naming another host than the request's Host is refused
      (a browser always sends one of them on a cross-site form or fetch; `Origin: null` is refused too);
    - a form route's request that carries the session cookie loses its Authorization header, so
      that asgi-csrf, which skips its check for any `Authorization: Bearer`, checks the token
      whenever a session cookie authenticates the request. The JSON API keeps the header: there
      the bearer token, never the cookie, authenticates a request that has one (web/api.py).
    """

    def __init__(self, app: ASGIApp, *, on_failure: Callable[[Scope, Send, object], Awaitable[None]]) -> None:
        self.app = app
        self.on_failure = on_failure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {key.lower(): value for key, value in scope.get("headers") or []}
        host = headers.get(b"host", b"").decode("latin-1").lower()
        origin = headers.get(b"origin", b"").decode("latin-1")
        referer = headers.get(b"referer", b"").decode("latin-1")
        source = origin or referer
        if source and (source == "null" or _host_of(source) != host):
            await self.on_failure(scope, send, "cross-origin unsafe request")
            return
        if (read_cookie(scope, SESSION_COOKIE) and b"authorization" in headers
                and not scope["path"].startswith("/api/")):
            scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"authorization"]}
        await self.app(scope, receive, send)


def fresh_csrf_token(secret: str) -> str:
    """A new signed token as asgi-csrf makes them: set at login, so that no token seen before the
    login (e.g. planted in a shared browser) is valid after it."""
    from asgi_csrf import DEFAULT_SIGNING_NAMESPACE
    from itsdangerous.url_safe import URLSafeSerializer

    return URLSafeSerializer(secret).dumps(secrets.token_hex(16), DEFAULT_SIGNING_NAMESPACE)
