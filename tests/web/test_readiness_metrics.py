"""/readyz (database, migrations, Redis) and /metrics (Prometheus text, protected)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import httpx
import pytest
from asgi_lifespan import LifespanManager
from prometheus_client.parser import text_string_to_metric_families
from tortoise import connections

from matchmaker.app import create_app
from matchmaker.db import committed_migrations
from matchmaker.models import OutboxMail
from tests.conftest import Client


def samples(text: str, name: str) -> dict[tuple, float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


async def _client(settings, address: str = "127.0.0.1"):
    app = create_app(settings)
    manager = LifespanManager(app)
    await manager.__aenter__()
    client = Client(transport=httpx.ASGITransport(app=app, client=(address, 50000)), base_url="http://testserver")
    return manager, client


async def test_ready_on_a_migrated_database_and_503_naming_a_missing_migration(client):
    assert (await client.get("/healthz")).status_code == 200
    response = await client.get("/readyz")
    assert response.status_code == 200 and response.json() == {"status": "ready"}

    latest = committed_migrations()[-1]
    await connections.get("default").execute_query(f"DELETE FROM tortoise_migrations WHERE name = '{latest}'")
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["problems"] == [f"migrations not applied: {latest}"]
    assert (await client.get("/healthz")).status_code == 200  # alive, just not ready


async def test_ready_checks_redis_when_it_holds_the_rate_limits(settings):
    for url, expected in (("redis://127.0.0.1:6379", 200), ("redis://127.0.0.1:1", 503)):
        manager, client = await _client(dataclasses.replace(settings, security_rate_limit_storage=url,
                                                            security_rate_limit_key_prefix="mm_test_readyz"))
        try:
            response = await client.get("/readyz")
            assert response.status_code == expected, response.text
            if expected == 503:
                assert response.json()["problems"] == ["rate-limit storage unreachable (redis)"]
        finally:
            await client.aclose()
            await manager.__aexit__(None, None, None)


async def test_metrics_count_requests_by_route_template_with_statements_and_the_outbox(settings):
    manager, client = await _client(settings)
    try:
        before = samples((await client.get("/metrics")).text, "matchmaker_http_requests_total")
        key = (("method", "GET"), ("route", "/events/{event_id}"), ("status", "404"))
        for event_id in (901, 902, 903):  # three paths, one template
            assert (await client.get(f"/events/{event_id}")).status_code in (303, 404)
        await OutboxMail.create(idempotency_key="metrics-test", kind="test", recipient_email="a@example.cn",
                                subject="s", text="t", html="<p>t</p>", message_id="<m1@example.cn>",
                                next_attempt_at=datetime.now(UTC), created_at=datetime.now(UTC))
        text = (await client.get("/metrics")).text
        counted = samples(text, "matchmaker_http_requests_total")
        redirected = (("method", "GET"), ("route", "/events/{event_id}"), ("status", "303"))
        grown = (counted.get(key, 0) - before.get(key, 0)) + (counted.get(redirected, 0) - before.get(redirected, 0))
        assert grown == 3
        assert not any("901" in dict(labels)["route"] for labels in counted)
        per_request = samples(text, "matchmaker_http_request_db_statements_count")
        assert per_request[(("route", "/metrics"),)] >= 1
        assert samples(text, "matchmaker_outbox_mail")[(("state", "queued"),)] == 1
        assert samples(text, "matchmaker_solver_runs")[(("kind", "solve"), ("state", "running"))] == 0
        latency = samples(text, "matchmaker_http_request_duration_seconds_count")
        assert latency[(("method", "GET"), ("route", "/events/{event_id}"))] >= 3
    finally:
        await client.aclose()
        await manager.__aexit__(None, None, None)


@pytest.mark.parametrize("token", ["", "s3cret-metrics-token"])
async def test_metrics_are_for_the_loopback_or_the_token_only(settings, token):
    settings = dataclasses.replace(settings, server_metrics_token=token)
    manager, remote = await _client(settings, "203.0.113.7")
    try:
        if token:
            assert (await remote.get("/metrics")).status_code == 401
            assert (await remote.get("/metrics", headers={"authorization": "Bearer wrong"})).status_code == 401
            answer = await remote.get("/metrics", headers={"authorization": f"Bearer {token}"})
            assert answer.status_code == 200 and "matchmaker_http_requests_total" in answer.text
        else:
            answer = await remote.get("/metrics")
            assert answer.status_code == 403 and "matchmaker_" not in answer.text
    finally:
        await remote.aclose()
        await manager.__aexit__(None, None, None)
