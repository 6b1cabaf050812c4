"""Two `serve` processes sharing Redis (`[security] rate_limit_storage`): the login limit counts
attempts made on either, so alternating between processes gains an attacker nothing."""

from __future__ import annotations

import asyncio
import os
import uuid

import httpx
import pytest
from coredis import Redis

from matchmaker.services.accounts.organizations import RegistrationDraft, register_organization
from tests.conftest import PASSWORD, REDIS_ENV
from tests.ops.served import Served

REDIS_URL = os.environ.get(REDIS_ENV) or "redis://127.0.0.1:6379"  # Redis runs on every machine of the project

pytestmark = pytest.mark.slow


async def redis_keys(prefix: str) -> list[bytes]:
    client = Redis.from_url(REDIS_URL)
    return [key async for key in client.scan_iter(match=f"{prefix}*")]


async def delete_keys(prefix: str) -> None:
    client = Redis.from_url(REDIS_URL)
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(keys)


def attempt(http: httpx.Client, email: str, password: str) -> int:
    if "csrftoken" not in http.cookies:
        http.get("/login")
    return http.post("/login", data={"csrftoken": http.cookies["csrftoken"], "email": email,
                                     "password": password}).status_code


async def test_the_login_limit_holds_across_two_processes_sharing_redis(db, database_url, tmp_path):
    user = await register_organization(
        RegistrationDraft(kind="bank", organization_name="共享限流银行", licence_name="B0001H000000001",
                          admin_name="王五", email="limits@example.cn", password=PASSWORD),
        password_min_length=10, allowed_kinds=frozenset({"bank"}))
    prefix = f"mm_test_{uuid.uuid4().hex}"
    env = {"MATCHMAKER_DATABASE_URL": database_url, "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path),
           "MATCHMAKER_SECURITY_RATE_LIMIT_STORAGE": REDIS_URL, "MATCHMAKER_SECURITY_RATE_LIMIT_KEY_PREFIX": prefix,
           "MATCHMAKER_SECURITY_LOGIN_LIMIT": "5/15 minutes", "MATCHMAKER_MAIL_WORKER_ENABLED": "false"}
    first = Served(tmp_path, env, "--workers", "1", name="first")
    second = Served(tmp_path, env, "--workers", "1", name="second")
    try:
        await asyncio.to_thread(first.wait_ready)
        await asyncio.to_thread(second.wait_ready)
        with httpx.Client(base_url=first.base_url, timeout=30) as one, \
                httpx.Client(base_url=second.base_url, timeout=30) as two:
            # Five wrong passwords, alternating: each process alone has seen fewer than five.
            statuses = [await asyncio.to_thread(attempt, (one, two)[i % 2], user.email, f"wrong-{i}")
                        for i in range(5)]
            sixth_on_first = await asyncio.to_thread(attempt, one, user.email, "wrong-5")
            sixth_on_second = await asyncio.to_thread(attempt, two, user.email, "wrong-6")
            right_password = await asyncio.to_thread(attempt, one, user.email, PASSWORD)

        assert statuses == [400] * 5
        assert (sixth_on_first, sixth_on_second) == (429, 429)
        assert right_password == 429  # the account is held, on both
        assert any(b"login-account" in key for key in await redis_keys(prefix))  # counted in Redis, under the prefix
    finally:
        stopped = [first.stop(), second.stop()]
        await delete_keys(prefix)
    assert stopped == [True, True]
