"""Login throttling with `limits`: per client IP and per account. Every attempt is counted
*before* the password is hashed, with the storage's atomic `hit` (a Lua script on Redis, one
step on the memory storage), so a burst of concurrent attempts never gets more than the limit
checked — on one process, and on several sharing `[security] rate_limit_storage = "redis://…"`
(environment: MATCHMAKER_SECURITY_RATE_LIMIT_STORAGE). `memory://`, the embedded default, holds
only within one process: run `serve --workers N` (N > 1) or several hosts with Redis.
A correct password clears both counts, so successful logins do not add up; an attacker who
clears its address's count by logging into its own account is still held by the per-account
count of the account it probes, which only that account's password clears."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import parse
from limits.aio.storage import Storage
from limits.storage import storage_from_string
from limits.aio.strategies import MovingWindowRateLimiter

DEFAULT_KEY_PREFIX = "matchmaker"


def is_shared(storage_uri: str) -> bool:
    """Whether counts in this storage hold across processes (everything but memory://)."""
    return not storage_uri.removeprefix("async+").startswith("memory://")


def rate_limit_storage(storage_uri: str, key_prefix: str = DEFAULT_KEY_PREFIX) -> Storage:
    """A new async `limits` storage for `[security] rate_limit_storage`. The app builds one
    (`app.state.rate_limit_storage`) and every limit of it shares that one, with its connection
    pool. On Redis every key starts with `key_prefix` (`[security] rate_limit_key_prefix`), so
    that several deployments or test runs may share one server."""
    uri = storage_uri if storage_uri.startswith("async+") else f"async+{storage_uri}"
    options = {"key_prefix": key_prefix} if "redis" in uri.split("://", 1)[0] else {}
    return storage_from_string(uri, **options)


def close_rate_limit_storage(storage: Storage) -> None:
    """Drop the storage's server connections (Redis) when the app shuts down; memory: nothing."""
    client = getattr(getattr(storage, "bridge", None), "storage", None)
    pool = getattr(client, "connection_pool", None)
    if pool is not None:
        pool.disconnect()


@dataclass(frozen=True)
class Throttled:
    retry_after_seconds: int


class LoginThrottle:
    def __init__(self, rule: str, storage: str | Storage) -> None:
        """`storage`: the app's shared storage, or a storage URI (then a storage of its own)."""
        self.item = parse(rule)
        self.limiter = MovingWindowRateLimiter(rate_limit_storage(storage) if isinstance(storage, str) else storage)

    def _keys(self, ip: str, account: str) -> list[tuple[str, str]]:
        return [("login-ip", ip), ("login-account", account.strip().lower())]

    async def attempt(self, *, ip: str, account: str) -> Throttled | None:
        """Count one attempt atomically; None when it may be checked, else when to come back."""
        waits = []
        for scope, key in self._keys(ip, account):
            if not await self.limiter.hit(self.item, scope, key):
                stats = await self.limiter.get_window_stats(self.item, scope, key)
                waits.append(max(1, math.ceil(stats.reset_time - time.time())))
        return Throttled(max(waits)) if waits else None

    async def succeeded(self, *, ip: str, account: str) -> None:
        for scope, key in self._keys(ip, account):
            await self.limiter.clear(self.item, scope, key)
