"""CSRF for file uploads. asgi-csrf cannot read multipart bodies with the installed
python-multipart (its FormParser lost the FileClass argument), so the few upload paths are
skipped by the middleware and checked here instead, the same double-submit way: the form's
csrftoken field must equal the csrftoken cookie, which another site can neither read nor set."""

from __future__ import annotations

import secrets

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import Scope

from matchmaker.errors import NotAllowed

#: POST paths whose multipart bodies the view checks itself with `require_form_token`.
UPLOAD_PATHS = frozenset({"/organizer/import"})


def is_checked_upload(scope: Scope) -> bool:
    """For asgi-csrf's skip_if_scope: a multipart POST to one of UPLOAD_PATHS."""
    headers = dict(scope.get("headers") or [])
    content_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip()
    return scope.get("path") in UPLOAD_PATHS and content_type == b"multipart/form-data"


def require_form_token(request: Request, form: FormData) -> None:
    submitted = form.get("csrftoken")
    cookie = request.cookies.get("csrftoken", "")
    if not isinstance(submitted, str) or not cookie or not secrets.compare_digest(submitted, cookie):
        raise NotAllowed("表单已失效，请刷新页面后重试 (CSRF token missing or wrong)")
