"""Login throttling with `limits`: per client IP and per account. Every attempt is counted
*before* the password is hashed, with the storage's atomic `hit` (a Lua script on Redis, one
step on the memory storage), so a burst of concurrent attempts never gets more than the limit
checked — on one process, and on several sharing `[security] rate_limit_storage = "redis://…"`.
A correct password clears both counts, so successful logins do not add up; an attacker who
clears its address's count by logging into its own account is still held by the per-account
count of the account it probes, which only that account's password clears."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import parse
from limits.storage import storage_from_string
from limits.aio.strategies import MovingWindowRateLimiter


@dataclass(frozen=True)
class Throttled:
    retry_after_seconds: int


class LoginThrottle:
    def __init__(self, rule: str, storage_uri: str) -> None:
        self.item = parse(rule)
        uri = storage_uri if storage_uri.startswith("async+") else f"async+{storage_uri}"
        self.limiter = MovingWindowRateLimiter(storage_from_string(uri))

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
