"""Request guards shared by every route: one id parser for path ids, depth-limited JSON bodies.

`checked_ids(routes)` wraps each route so that every path parameter named `…_id` is parsed by
`tenancy.row_id` before the view runs: an id that cannot name a row (not a number, 0, or past
the 32-bit column, which would overflow the driver) answers 404 on every route, present and future,
instead of reaching the ORM. API routes answer it in JSON like their other errors.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from matchmaker import jsondepth
from matchmaker.errors import InvalidInput, NotFound
from matchmaker.services.tenancy import row_id


def _checking(app: ASGIApp) -> ASGIApp:
    async def run(scope: Scope, receive: Receive, send: Send) -> None:
        params = scope.get("path_params") or {}
        try:
            for name, value in list(params.items()):
                if name.endswith("_id"):
                    params[name] = row_id(value)
        except NotFound as error:
            if scope["path"].startswith("/api/"):
                await JSONResponse({"error": error.message, "problems": {}}, status_code=404)(scope, receive, send)
                return
            raise
        await app(scope, receive, send)

    run.checks_ids = True  # type: ignore[attr-defined]  - create_app may run more than once
    return run


def checked_ids(routes: list[BaseRoute]) -> list[BaseRoute]:
    for route in routes:
        if (isinstance(route, Route) and any(name.endswith("_id") for name in route.param_convertors)
                and not getattr(route.app, "checks_ids", False)):
            route.app = _checking(route.app)
    return routes


async def json_body(request: Request) -> Any:
    """The request's JSON body; InvalidInput (400) when it is not JSON or nests too deep."""
    try:
        return jsondepth.loads(await request.body())
    except jsondepth.TooDeep:
        raise InvalidInput({"": f"JSON 嵌套层数超过上限 {jsondepth.MAX_DEPTH} 层"}) from None
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        raise InvalidInput({"": "请求体应为 JSON"}) from None
