"""Prometheus metrics (prometheus-client): request counts and latency by route template, SQL
statements per request, and at scrape time the outbox by state and the solver runs by kind and
state (read from the database, so every process reports the same).

Several processes (`serve --workers N`): `serve` points PROMETHEUS_MULTIPROC_DIR at
`var/prometheus` (emptied at start) before the workers import this module, each worker writes
its counters there and /metrics, whichever worker answers, adds them all up
(prometheus_client.multiprocess). Without the variable (tests, `make run` under another
server) the process's own registry is used."""

from __future__ import annotations

import logging
import os
from contextvars import ContextVar

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector
from starlette.types import ASGIApp, Receive, Scope, Send

from matchmaker.web.observability import MULTIPROC_ENV

REQUESTS = Counter("matchmaker_http_requests_total", "HTTP requests answered", ["route", "method", "status"])
LATENCY = Histogram("matchmaker_http_request_duration_seconds", "Time to answer, by route template",
                    ["route", "method"], buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10))
STATEMENTS = Counter("matchmaker_db_statements_total", "SQL statements sent, by the route that sent them "
                     "(background: outside any request)", ["route"])
REQUEST_STATEMENTS = Histogram("matchmaker_http_request_db_statements", "SQL statements per request",
                               ["route"], buckets=(1, 2, 4, 6, 8, 10, 12, 15, 20, 30, 50, 100))

_statements: ContextVar[list[int] | None] = ContextVar("matchmaker_request_statements", default=None)


class _StatementCounter(logging.Handler):
    """Tortoise logs every statement it sends at DEBUG on `tortoise.db_client`: count, never format."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, str) and record.msg.startswith("Created connection pool"):
            return
        counts = _statements.get()
        if counts is not None:
            counts[0] += 1
        else:
            STATEMENTS.labels("background").inc()


def count_statements() -> None:
    """Install the counter once per process. The query log then stops at this logger (it is not
    passed on to the root handlers, which would print every statement)."""
    logger = logging.getLogger("tortoise.db_client")
    if not any(isinstance(h, _StatementCounter) for h in logger.handlers):
        logger.addHandler(_StatementCounter())
        logger.setLevel(logging.DEBUG)
        logger.propagate = False


class StatementScope:
    """Outermost-but-one middleware: gives each HTTP request its own statement count, read by
    `observe` when AccessLogMiddleware reports the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _statements.set([0])
        try:
            await self.app(scope, receive, send)
        finally:
            _statements.reset(token)


def observe(route: str, method: str, status: int, seconds: float) -> None:
    """An AccessLogMiddleware observer."""
    REQUESTS.labels(route, method, str(status)).inc()
    LATENCY.labels(route, method).observe(seconds)
    counts = _statements.get()
    if counts is not None:
        REQUEST_STATEMENTS.labels(route).observe(counts[0])
        STATEMENTS.labels(route).inc(counts[0])


class _Snapshot(Collector):
    def __init__(self, mail: dict[str, int], runs: dict[tuple[str, str], int]) -> None:
        self.mail, self.runs = mail, runs

    def collect(self):
        mail = GaugeMetricFamily("matchmaker_outbox_mail", "Outbox messages by state", labels=["state"])
        for state, n in sorted(self.mail.items()):
            mail.add_metric([state], n)
        yield mail
        runs = GaugeMetricFamily("matchmaker_solver_runs", "Solver runs by kind and state", labels=["kind", "state"])
        for (kind, state), n in sorted(self.runs.items()):
            runs.add_metric([kind, state], n)
        yield runs


def exposition(mail: dict[str, int], runs: dict[tuple[str, str], int]) -> bytes:
    """The text format: every process's counters (multiprocess) or this one's, then the snapshot."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    snapshot = CollectorRegistry()
    snapshot.register(_Snapshot(mail, runs))
    return generate_latest(registry) + generate_latest(snapshot)
