"""Per-request observability: one structured (JSON) access-log line per request, carrying the
request id that the `x-request-id` header and the audit trail also carry, the worker's process
id and the route template (never the raw path with its ids, so that lines and metrics group by
page)."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("matchmaker.access")

#: prometheus-client's multiprocess mode (matchmaker/web/metrics.py) reads it when imported.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_metrics_directory(var_dir: Path) -> Path:
    """For `serve`, before prometheus_client is imported anywhere in the process (it picks its
    storage at import) and before any worker starts: a fresh directory the workers write their
    metrics to. An operator's own PROMETHEUS_MULTIPROC_DIR is kept, and emptied likewise."""
    folder = Path(os.environ.get(MULTIPROC_ENV) or var_dir / "prometheus")
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(folder)
    return folder


def route_templates(routes: Iterable[BaseRoute], prefix: str = "") -> dict[Any, str]:
    """endpoint -> its path template ("/events/{event_id}"), through mounts."""
    templates: dict[Any, str] = {}
    for route in routes:
        if isinstance(route, Route):
            templates.setdefault(route.endpoint, prefix + route.path)
        elif isinstance(route, Mount):
            if route.routes:
                templates.update(route_templates(route.routes, prefix + route.path))
            else:
                templates.setdefault(route.app, prefix + route.path)
    return templates


class AccessLogMiddleware:
    """Innermost: runs after RequestContextMiddleware has given the request its id, and sees the
    endpoint the router picked once the call returns. `observers` get (route, method, status,
    seconds) for every request, e.g. the Prometheus histogram."""

    def __init__(self, app: ASGIApp, *, routes: Iterable[BaseRoute], observers: Iterable = ()) -> None:
        self.app = app
        self.templates = route_templates(routes)
        self.observers = tuple(observers)
        self.pid = os.getpid()

    def route_of(self, scope: Scope) -> str:
        return self.templates.get(scope.get("endpoint"), "unmatched")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            elapsed = time.perf_counter() - started
            route = self.route_of(scope)
            for observe in self.observers:
                observe(route, scope["method"], status, elapsed)
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(json.dumps({
                    "request_id": scope.get("state", {}).get("request_id", ""),
                    "pid": self.pid, "method": scope["method"], "route": route, "status": status,
                    "ms": round(elapsed * 1000, 1),
                }, ensure_ascii=False))


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line for the app's own loggers: time, level, process, logger, the id
    of the request being served (the same id as its access line and its audit rows; empty outside
    a request, e.g. in the worker), the message and the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        from matchmaker.services.audit import current_origin

        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                 "pid": record.process, "logger": record.name, "request_id": current_origin.get().request_id,
                 "message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def log_config() -> dict:
    """uvicorn's logging plus the app's: `matchmaker.access` lines are bare JSON on standard
    output, the rest of the `matchmaker` loggers JSON lines (JsonLogFormatter) on standard error."""
    from uvicorn.config import LOGGING_CONFIG

    config = json.loads(json.dumps(LOGGING_CONFIG))
    config["formatters"]["matchmaker"] = {"()": f"{__name__}.JsonLogFormatter"}
    config["formatters"]["json"] = {"format": "%(message)s"}
    config["handlers"]["matchmaker"] = {"class": "logging.StreamHandler", "formatter": "matchmaker",
                                        "stream": "ext://sys.stderr"}
    config["handlers"]["matchmaker_access"] = {"class": "logging.StreamHandler", "formatter": "json",
                                               "stream": "ext://sys.stdout"}
    config["loggers"]["matchmaker"] = {"handlers": ["matchmaker"], "level": "INFO", "propagate": False}
    config["loggers"]["matchmaker.access"] = {"handlers": ["matchmaker_access"], "level": "INFO",
                                              "propagate": False}
    return config
